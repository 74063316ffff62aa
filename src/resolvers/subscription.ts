import type {
  ImageStreamEventResolvers,
  SubscriptionResolvers,
  TagChangeResolvers,
} from '../generated/graphql.js';
import type { GatewayContext } from '../context.js';
import { badUserInput, GatewayError } from '../errors.js';
import type { ImageStreamEventModel } from '../subscriptions/createEventHub.js';
import { checkNamespace, checkStreamName } from '../validation.js';

/** Most clusters, namespaces and stream names one subscription may name. */
export const MAX_EVENT_CLUSTERS = 50;
export const MAX_EVENT_NAMESPACES = 100;
export const MAX_EVENT_STREAMS = 100;

/**
 * What the subscription's source yields: the event and the context it is resolved with, or in
 * place of an event that could not be checked for this caller, the error that says so.
 */
export interface EventPayload {
  readonly event: ImageStreamEventModel;
  readonly context: GatewayContext;
  readonly withheld?: GatewayError | undefined;
}

function limited<T>(items: readonly T[] | null | undefined, max: number, argument: string) {
  if (items && items.length > max)
    throw badUserInput(`Argument "${argument}" takes at most ${max} items; got ${items.length}.`);
  return items ?? undefined;
}

/** Index states in which no event will come until an operator acts. */
const DEAF = new Set(['forbidden', 'overflow', 'stopped']);

export const Subscription: SubscriptionResolvers = {
  imageStreamEvents: {
    subscribe: async (_root, args, ctx) => {
      const live = ctx.live;
      if (!live)
        throw new GatewayError(
          'BAD_USER_INPUT',
          'A subscription runs over Server-Sent Events (POST /graphql with "Accept: text/event-stream") or WebSocket (subprotocol graphql-transport-ws).',
        );
      const named = limited(args.clusters, MAX_EVENT_CLUSTERS, 'clusters');
      const namespaces = limited(args.namespaces, MAX_EVENT_NAMESPACES, 'namespaces')?.map(
        (ns, i) => checkNamespace(ns, `namespaces[${i}]`),
      );
      const streams = limited(args.streams, MAX_EVENT_STREAMS, 'streams')?.map((name, i) =>
        checkStreamName(name, '', `streams[${i}]`),
      );
      // Named clusters must each be followable; omitted, every cluster whose index can be.
      const clusters: string[] = [];
      const names = named ? [...new Set(named)] : ctx.clusters.all.map((c) => c.name);
      for (const [i, name] of names.entries()) {
        const index = live.indexes.get(name);
        const status = index?.status();
        if (!named && (!status || DEAF.has(status.state))) continue;
        const cluster = ctx.clusters.resolve(name, named ? `clusters[${i}]` : undefined);
        if (!status)
          throw badUserInput(
            `Cluster "${cluster.name}" has no location index (--location-index-max-entries 0), which subscriptions are fed from.`,
          );
        if (DEAF.has(status.state))
          throw new GatewayError(
            'UPSTREAM_UNAVAILABLE',
            `The location index of cluster "${cluster.name}" is ${status.state} (see /readyz): ${status.lastError ?? 'it is not watching image streams'}.`,
            { cluster: cluster.name },
          );
        clusters.push(cluster.name);
      }
      if (clusters.length === 0)
        throw badUserInput(
          'No cluster can be followed: none has a location index that watches image streams (see /readyz).',
        );
      // The caller's credentials are checked now, not at the first event: an invalid token is
      // UNAUTHENTICATED here, and a caller who names namespaces must be let watch one of them.
      for (const cluster of clusters) {
        const scopes = namespaces ?? [''];
        let allowed = false;
        for (const ns of scopes)
          if (await ctx.loaders.mayWatchImageStreams(cluster, ns)) {
            allowed = true;
            break;
          }
        if (!allowed && namespaces)
          throw new GatewayError(
            'FORBIDDEN',
            `The API server does not let these credentials watch image streams in any of the namespaces named on cluster "${cluster}".`,
            { cluster },
          );
      }
      return live.follow({
        clusters,
        namespaces: namespaces ? new Set(namespaces) : undefined,
        streams: streams ? new Set(streams) : undefined,
      });
    },
    resolve: (payload: EventPayload) => {
      if (payload.withheld) throw payload.withheld;
      return payload.event;
    },
  },
};

export const ImageStreamEvent: ImageStreamEventResolvers = {
  type: (m) => m.type,
  cluster: (m, _args, ctx) => ctx.clusters.get(m.cluster),
  namespace: (m) => m.namespace,
  stream: (m) => m.stream,
  changedTags: (m) => [...m.changedTags],
  imageStream: (m) => (m.object ? { cluster: m.cluster, wire: m.object } : null),
};

export const TagChange: TagChangeResolvers = {
  tag: (m) => m.tag,
  from: (m) => m.from,
  to: (m) => m.to,
  importError: (m) => m.importError,
};
