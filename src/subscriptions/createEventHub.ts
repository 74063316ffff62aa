import type { IndexChange, LocationIndex } from '../clusters/createLocationIndex.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ImageStream } from '../upstream/types.js';
import { changedTagsOf, type TagChangeModel } from './changedTagsOf.js';
import { createAsyncQueue, type AsyncQueue } from './createAsyncQueue.js';

/** One change to one image stream, as a subscriber receives it (the ImageStreamEvent type). */
export interface ImageStreamEventModel {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly cluster: string;
  readonly namespace: string;
  readonly stream: string;
  readonly changedTags: readonly TagChangeModel[];
  /** The stream after the change, as the watch (or the list) carried it; absent after DELETED. */
  readonly object: ImageStream | undefined;
}

/** What one subscriber follows: clusters, and optionally only some namespaces and stream names. */
export interface EventFilter {
  readonly clusters: readonly string[];
  readonly namespaces?: ReadonlySet<string> | undefined;
  readonly streams?: ReadonlySet<string> | undefined;
}

export interface EventSubscription {
  /** The events, in the order the indexes applied them; done when the subscription ends. */
  readonly events: AsyncQueue<ImageStreamEventModel>;
  /** Why the hub ended it early (its queue overflowed), once the queued events are read. */
  failure(): GatewayError | undefined;
}

/**
 * Fans the changes of every cluster's location index out to subscribers: one listener per
 * index, the tag changes of each change computed once, and per subscriber a bounded queue. A
 * subscriber that does not keep up (its transport cannot send as fast as streams change) is
 * ended with an error once `maxQueue` events wait, so that one slow reader holds bounded
 * memory and never slows the others or the index.
 */
export interface EventHub {
  subscribe(filter: EventFilter): EventSubscription;
  /** Subscriptions open now. */
  readonly subscribers: number;
  /** Ends every subscription (their queued events are still delivered) and stops listening. */
  close(): void;
}

interface Subscriber {
  readonly filter: EventFilter;
  readonly queue: AsyncQueue<ImageStreamEventModel>;
  failure: GatewayError | undefined;
}

export interface EventHubOptions {
  /** Events one subscriber may have waiting before it is ended (default 1,000). */
  readonly maxQueue?: number | undefined;
  readonly logger?: Logger | undefined;
  /** Each event handed to a subscriber's queue. */
  readonly onQueued?: (() => void) | undefined;
}

export function createEventHub(
  indexes: ReadonlyMap<string, LocationIndex>,
  options: EventHubOptions = {},
): EventHub {
  const maxQueue = options.maxQueue ?? 1_000;
  const byCluster = new Map<string, Set<Subscriber>>();
  let count = 0;
  let closed = false;

  const dispatch = (change: IndexChange): void => {
    const subscribers = byCluster.get(change.cluster);
    if (!subscribers || subscribers.size === 0) return;
    const changedTags = changedTagsOf(change.before, change.after);
    // A stream changed in ways no subscriber follows (labels, annotations, a pruned old entry).
    if (change.type === 'MODIFIED' && changedTags.length === 0) return;
    const event: ImageStreamEventModel = {
      type: change.type,
      cluster: change.cluster,
      namespace: change.namespace,
      stream: change.name,
      changedTags,
      object: change.type === 'DELETED' ? undefined : change.object,
    };
    for (const subscriber of subscribers) {
      const { filter, queue } = subscriber;
      if (filter.namespaces && !filter.namespaces.has(event.namespace)) continue;
      if (filter.streams && !filter.streams.has(event.stream)) continue;
      if (queue.push(event)) {
        options.onQueued?.();
        continue;
      }
      if (queue.ended) continue;
      subscriber.failure = new GatewayError(
        'RATE_LIMITED',
        `This subscription fell ${maxQueue} events behind and was ended: it reads events more slowly than image streams change. Subscribe again, narrowed with clusters, namespaces or streams.`,
        { reason: 'SUBSCRIBER_TOO_SLOW' },
      );
      options.logger?.warn({ cluster: change.cluster, maxQueue }, 'slow subscriber ended');
      queue.end();
    }
  };
  const unlisten = [...indexes.values()].map((index) => index.onChange(dispatch));

  const remove = (subscriber: Subscriber): void => {
    let removed = false;
    for (const cluster of subscriber.filter.clusters)
      removed = byCluster.get(cluster)?.delete(subscriber) === true || removed;
    if (removed) count -= 1;
  };

  return {
    subscribe(filter) {
      const subscriber: Subscriber = {
        filter,
        queue: createAsyncQueue<ImageStreamEventModel>(maxQueue, () => remove(subscriber)),
        failure: undefined,
      };
      for (const cluster of filter.clusters) {
        let set = byCluster.get(cluster);
        if (!set) {
          set = new Set();
          byCluster.set(cluster, set);
        }
        set.add(subscriber);
      }
      count += 1;
      // After close (a shutdown under way), a new subscription ends at once.
      if (closed) subscriber.queue.end();
      return { events: subscriber.queue, failure: () => subscriber.failure };
    },
    get subscribers() {
      return count;
    },
    close() {
      closed = true;
      for (const stop of unlisten) stop();
      for (const set of byCluster.values()) for (const subscriber of set) subscriber.queue.end();
    },
  };
}
