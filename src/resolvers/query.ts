import { locatedError } from 'graphql';
import { pathToArray } from 'graphql/jsutils/Path.js';
import type { QueryResolvers } from '../generated/graphql.js';
import { fanOut } from '../clusters/fanOut.js';
import { findImageLocations } from '../clusters/findImageLocations.js';
import { badUserInput, GatewayError } from '../errors.js';
import { checkDigest, checkNamespace, parseImageStreamImageName } from '../validation.js';
import {
  imageStreamImageOf,
  imageStreamOf,
  imageStreamsOf,
  imageStreamTagOf,
} from './entryPoints.js';
import { clusterModel, loadImageStreamImage } from './imageStream.js';
import type { ImageLocationModel, ImageStreamImageModel } from './models.js';

/** imageLocations scans at most this many namespaces, and clusters x namespaces at most MAX_SCOPES. */
export const MAX_LOCATION_NAMESPACES = 100;
export const MAX_LOCATION_SCOPES = 500;

export const Query: QueryResolvers = {
  clusters: (_root, _args, ctx) =>
    ctx.registry.clients.map((c) => clusterModel(ctx, c.cluster.name)),

  cluster: (_root, args, ctx) =>
    ctx.registry.get(args.name) ? clusterModel(ctx, args.name) : null,

  imageStreamImage: (_root, args, ctx) =>
    imageStreamImageOf(ctx, args.cluster, args.namespace, args.name),

  imageStreamImages: (_root, args, ctx) => {
    if (args.refs.length > ctx.limits.maxRefs) {
      throw badUserInput(
        `Argument "refs" takes at most ${ctx.limits.maxRefs} items; got ${args.refs.length}.`,
      );
    }
    // Each ref is checked on its own: a bad ref is null with its error, the others still load.
    return args.refs.map((ref, i): Promise<ImageStreamImageModel> | Error => {
      try {
        const client = ctx.clientFor(ref.cluster, `refs[${i}].cluster`);
        const namespace = checkNamespace(ref.namespace, `refs[${i}].namespace`);
        const { stream, digest } = parseImageStreamImageName(
          ref.name,
          namespace,
          `refs[${i}].name`,
        );
        return loadImageStreamImage(ctx, client.cluster.name, namespace, stream, digest);
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
    const clients = args.clusters
      ? [...new Set(args.clusters)].map((name, i) => ctx.clientFor(name, `clusters[${i}]`))
      : ctx.registry.clients.map((c) => ctx.clientFor(c.cluster.name));
    if (namespaces && namespaces.length > MAX_LOCATION_NAMESPACES) {
      throw badUserInput(
        `Argument "namespaces" takes at most ${MAX_LOCATION_NAMESPACES} items; got ${namespaces.length}.`,
      );
    }
    if (namespaces && namespaces.length * clients.length > MAX_LOCATION_SCOPES) {
      throw badUserInput(
        `imageLocations scans at most ${MAX_LOCATION_SCOPES} cluster x namespace pairs; ${clients.length} clusters x ${namespaces.length} namespaces is ${clients.length * namespaces.length}.`,
      );
    }
    const outcomes = await fanOut(
      clients,
      (client, call) => findImageLocations(client, digest, namespaces, call),
      ctx.call,
      ctx.fanOut,
    );
    const out: ImageLocationModel[] = [];
    for (const outcome of outcomes) {
      if (outcome.ok) {
        for (const found of outcome.value) {
          out.push({
            cluster: outcome.cluster,
            namespace: found.namespace,
            stream: found.stream,
            tags: found.tags,
            digest,
            manifestList: found.manifestList,
          });
        }
      } else {
        // A failed cluster is reported next to the others' data, never instead of it.
        ctx.extraErrors.push(locatedError(outcome.error, info.fieldNodes, pathToArray(info.path)));
      }
    }
    return out;
  },
};
