import { locatedError, responsePathAsArray } from 'graphql';
import { scopedClusters } from './scopedClusters.js';
import type { QueryResolvers } from '../generated/graphql.js';
import { badUserInput, GatewayError } from '../errors.js';
import type { LocationKey } from '../loaders/keys.js';
import { checkDigest, checkNamespace, parseImageStreamImageName } from '../validation.js';
import {
  imageStreamImageOf,
  imageStreamOf,
  imageStreamsOf,
  imageStreamTagOf,
} from './entryPoints.js';
import { loadImageStreamImage } from './imageStream.js';
import type { ImageLocationModel, ImageStreamImageModel } from './models.js';
import { loadNode, type NodeModel } from './node.js';
import { decodeNodeId } from './nodeId.js';
import { workloadsRunning, workloadsVulnerableTo } from './workload.js';

/** imageLocations scans at most this many namespaces, and clusters x namespaces at most MAX_SCOPES. */
export const MAX_LOCATION_NAMESPACES = 100;
export const MAX_LOCATION_SCOPES = 500;

export const Query: QueryResolvers = {
  clusters: (_root, _args, ctx) => [...ctx.clusters.all],

  cluster: (_root, args, ctx) => ctx.clusters.find(args.name) ?? null,

  imageStreamImage: (_root, args, ctx) =>
    imageStreamImageOf(ctx, args.cluster, args.namespace, args.name),

  imageStreamImages: (_root, args, ctx) => {
    if (args.refs.length > ctx.limits.maxRefs) {
      throw badUserInput(
        `Argument "refs" takes at most ${ctx.limits.maxRefs} items; got ${args.refs.length}.`,
      );
    }
    // Each ref is checked on its own: a bad ref is null with its error, the others still load.
    // graphql-js completes a list item that is an Error as that item's error, at its index.
    return args.refs.map((ref, i): Promise<ImageStreamImageModel> | Error => {
      try {
        const { name: cluster } = ctx.clusters.resolve(ref.cluster, `refs[${i}].cluster`);
        const namespace = checkNamespace(ref.namespace, `refs[${i}].namespace`);
        const { stream, digest } = parseImageStreamImageName(
          ref.name,
          namespace,
          `refs[${i}].name`,
        );
        return loadImageStreamImage(ctx, cluster, namespace, stream, digest);
      } catch (err) {
        return err instanceof Error
          ? err
          : new GatewayError('INTERNAL_SERVER_ERROR', 'invalid ref');
      }
    }) as unknown as ImageStreamImageModel[];
  },

  imageStream: (_root, args, ctx) => imageStreamOf(ctx, args.cluster, args.namespace, args.name),

  imageStreams: (_root, args, ctx) =>
    imageStreamsOf(ctx, args.cluster, args.namespace, args.first, args.after),

  imageStreamTag: (_root, args, ctx) =>
    imageStreamTagOf(ctx, args.cluster, args.namespace, args.name),

  imageLocations: async (_root, args, ctx, info) => {
    const digest = checkDigest(args.digest);
    const namespaces = args.namespaces?.map((ns, i) => checkNamespace(ns, `namespaces[${i}]`));
    const clusters = scopedClusters(ctx, info, args.clusters);
    if (namespaces && namespaces.length > MAX_LOCATION_NAMESPACES) {
      throw badUserInput(
        `Argument "namespaces" takes at most ${MAX_LOCATION_NAMESPACES} items; got ${namespaces.length}.`,
      );
    }
    if (namespaces && namespaces.length * clusters.length > MAX_LOCATION_SCOPES) {
      throw badUserInput(
        `imageLocations scans at most ${MAX_LOCATION_SCOPES} cluster x namespace pairs; ${clusters.length} clusters x ${namespaces.length} namespaces is ${clusters.length * namespaces.length}.`,
      );
    }
    const keys: LocationKey[] = clusters.map((c) => ({ cluster: c.name, digest, namespaces }));
    const found = await ctx.loaders.imageLocations.loadMany(keys);
    const out: ImageLocationModel[] = [];
    found.forEach((result, i) => {
      const cluster = (keys[i] as LocationKey).cluster;
      if (result instanceof Error) {
        // A failed cluster is reported next to the others' data, never instead of it.
        ctx.extraErrors.push(locatedError(result, info.fieldNodes, responsePathAsArray(info.path)));
        return;
      }
      // So is a namespace refused to the caller, next to the cluster's other namespaces.
      for (const { error } of result.refused)
        ctx.extraErrors.push(locatedError(error, info.fieldNodes, responsePathAsArray(info.path)));
      for (const location of result.locations) {
        out.push({
          cluster,
          namespace: location.namespace,
          stream: location.stream,
          tags: location.tags,
          digest,
          manifestList: location.manifestList,
        });
      }
    });
    return out;
  },

  node: (_root, args, ctx) => loadNode(ctx, decodeNodeId(args.id)),

  nodes: (_root, args, ctx) => {
    if (args.ids.length > ctx.limits.maxRefs) {
      throw badUserInput(
        `Argument "ids" takes at most ${ctx.limits.maxRefs} items; got ${args.ids.length}.`,
      );
    }
    // As imageStreamImages: each id fails alone, null with its error at its index.
    return args.ids.map((id, i): Promise<NodeModel> | Error => {
      try {
        return loadNode(ctx, decodeNodeId(id, `ids[${i}]`));
      } catch (err) {
        return err instanceof Error ? err : new GatewayError('INTERNAL_SERVER_ERROR', 'invalid id');
      }
    }) as unknown as NodeModel[];
  },
  workloads: (_root, args, ctx, info) =>
    workloadsRunning(ctx, info, checkDigest(args.digest), args),

  vulnerableWorkloads: (_root, args, ctx, info) =>
    workloadsVulnerableTo(ctx, info, args.advisory, args),
};
