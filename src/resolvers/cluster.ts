import type { ClusterResolvers, ClusterStatusResolvers } from '../generated/graphql.js';
import {
  imageStreamImageOf,
  imageStreamOf,
  imageStreamsOf,
  imageStreamTagOf,
} from './entryPoints.js';
import { namespacesOf } from './namespace.js';
import { encodeNodeId } from './nodeId.js';

export const Cluster: ClusterResolvers = {
  name: (c) => c.name,
  server: (c) => c.server,
  status: (c, _args, ctx) => ctx.clusters.status(c.name),
  imageStreamImage: (c, args, ctx) => imageStreamImageOf(ctx, c.name, args.namespace, args.name),
  imageStream: (c, args, ctx) => imageStreamOf(ctx, c.name, args.namespace, args.name),
  imageStreams: (c, args, ctx) =>
    imageStreamsOf(ctx, c.name, args.namespace, args.first, args.after, {
      search: args.search,
      labelSelector: args.labelSelector,
    }),
  imageStreamTag: (c, args, ctx) => imageStreamTagOf(ctx, c.name, args.namespace, args.name),
  id: (c) => encodeNodeId({ type: 'Cluster', cluster: c.name }),
  namespaces: (c, args, ctx) => namespacesOf(ctx, c.name, args.first, args.after, args.search),
};

export const ClusterStatus: ClusterStatusResolvers = {
  reachable: (s) => s.reachable,
  lastErrorCode: (s) => s.lastErrorCode,
  roundTripMs: (s) => (s.roundTripMs === null ? null : Math.round(s.roundTripMs * 10) / 10),
  version: (s) => s.version,
  checkedAt: (s) => s.checkedAt,
};
