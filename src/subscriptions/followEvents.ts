import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EventPayload } from '../resolvers/subscription.js';
import type { EventFilter, EventHub } from './createEventHub.js';

const DONE: IteratorResult<EventPayload, undefined> = { done: true, value: undefined };

/**
 * One subscriber's events: what the hub delivers for its filter, each with a fresh context (its
 * own loaders, deadline and upstream budget: fields under the event read current data with the
 * caller's credentials) and only where the API server lets the caller watch image streams in the
 * event's namespace — asked with its own credentials, the answer kept briefly per identity as
 * every access review is, so access revoked upstream stops the events within that time. A token
 * the API server no longer accepts ends the subscription with UNAUTHENTICATED; a review that
 * cannot be made for another reason withholds that event (never shows it unchecked) and yields
 * an error in its place, which names only the cluster.
 *
 * `return()` ends it at once, even while an event is being checked. The context of an event
 * handed out is the caller's to dispose of once the event is answered.
 */
export function followEvents(
  hub: EventHub,
  filter: EventFilter,
  newContext: () => GatewayContext,
  logger: Logger,
  onWithheld?: () => void,
): AsyncIterableIterator<EventPayload> {
  const subscription = hub.subscribe(filter);
  const { events } = subscription;
  let closed = false;
  // A function, not the variable: return() changes it while next() awaits.
  const isClosed = (): boolean => closed;
  const iterator: AsyncIterableIterator<EventPayload> = {
    async next() {
      for (;;) {
        const read = await events.next();
        if (closed) return DONE;
        if (read.done) {
          closed = true;
          const failure = subscription.failure();
          if (failure) throw failure;
          return DONE;
        }
        const event = read.value;
        const context = newContext();
        let allowed: boolean;
        try {
          allowed = await context.loaders.mayWatchImageStreams(event.cluster, event.namespace);
        } catch (err) {
          context.dispose();
          if (err instanceof GatewayError && err.code === 'UNAUTHENTICATED') {
            closed = true;
            void events.return();
            throw err;
          }
          onWithheld?.();
          logger.warn(
            {
              requestId: context.requestId,
              cluster: event.cluster,
              err: err instanceof Error ? err.message : String(err),
            },
            'subscription: event withheld, the access review failed',
          );
          if (isClosed()) return DONE;
          // Not shown, not silently dropped: the subscriber learns that something changed on
          // that cluster which it could not be shown (nothing about where), and can refetch.
          return {
            done: false,
            value: {
              event,
              context: newContext(),
              withheld: new GatewayError(
                'UPSTREAM_UNAVAILABLE',
                `A change on cluster "${event.cluster}" was not delivered: the API server could not be asked whether these credentials may see it (${err instanceof GatewayError ? err.code : 'error'}). Refetch what you show from this cluster.`,
                { cluster: event.cluster, reason: 'EVENT_WITHHELD' },
              ),
            },
          };
        }
        if (allowed && !isClosed()) return { done: false, value: { event, context } };
        context.dispose();
        if (isClosed()) return DONE;
      }
    },
    return() {
      closed = true;
      void events.return();
      return Promise.resolve(DONE);
    },
    throw(err?: unknown) {
      closed = true;
      void events.return();
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
