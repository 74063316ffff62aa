import { locatedError } from 'graphql';
import { pathToArray } from 'graphql/jsutils/Path.js';
import type { QueryResolvers } from '../generated/graphql.js';
import { findImageLocations } from '../clusters/findImageLocations.js';
import { badUserInput, GatewayError } from '../errors.js';
import {
  checkDigest,
  checkNamespace,
  checkPageSize,
  checkStreamName,
  parseImageStreamImageName,
  parseImageStreamTagName,
} from '../validation.js';
import { clusterModel, loadImageStreamImage } from './imageStream.js';
import type {
  ImageLocationModel,
  ImageStreamConnectionModel,
  ImageStreamImageModel,
} from './models.js';

const DEFAULT_PAGE_SIZE = 50;

interface Cursor {
  /** The upstream continue token the page started from ('' for the first page). */
  readonly c: string;
  /** How many items of that page come before the next edge. */
  readonly s: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(value: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof parsed.c === 'string' && Number.isInteger(parsed.s) && (parsed.s ?? -1) >= 0) {
      return { c: parsed.c, s: parsed.s as number };
    }
  } catch {
    // falls through
  }
  throw badUserInput(
    'Argument "after" must be a cursor returned by imageStreams (an edge cursor or pageInfo.endCursor).',
  );
}

export const Query: QueryResolvers = {
  clusters: (_root, _args, ctx) =>
    ctx.registry.clients.map((c) => clusterModel(ctx, c.cluster.name)),

  cluster: (_root, args, ctx) =>
    ctx.registry.get(args.name) ? clusterModel(ctx, args.name) : null,

  imageStreamImage: (_root, args, ctx) => {
    const client = ctx.clientFor(args.cluster);
    const namespace = checkNamespace(args.namespace);
    const { stream, digest } = parseImageStreamImageName(args.name, namespace);
    return loadImageStreamImage(ctx, client.cluster.name, namespace, stream, digest);
  },

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
        return loadImageStreamImage(ctx, client.cluster.name, namespace, stream, digest).catch(
          (err: unknown) =>
            err instanceof Error ? err : new GatewayError('INTERNAL_SERVER_ERROR', 'failed'),
        ) as Promise<ImageStreamImageModel>;
      } catch (err) {
        return err as Error;
      }
    }) as unknown as ImageStreamImageModel[];
  },

  imageStream: async (_root, args, ctx) => {
    const client = ctx.clientFor(args.cluster);
    const namespace = checkNamespace(args.namespace);
    const name = checkStreamName(args.name, namespace, 'name');
    const cluster = client.cluster.name;
    return { cluster, wire: await ctx.loaders.imageStream.load({ cluster, namespace, name }) };
  },

  imageStreams: async (_root, args, ctx): Promise<ImageStreamConnectionModel> => {
    const client = ctx.clientFor(args.cluster);
    const namespace = checkNamespace(args.namespace);
    const first = checkPageSize(args.first, ctx.limits.maxPageSize, DEFAULT_PAGE_SIZE);
    const start = args.after ? decodeCursor(args.after) : { c: '', s: 0 };
    const cluster = client.cluster.name;
    let list;
    try {
      list = await client.listImageStreams(
        namespace,
        { limit: start.s + first, continueToken: start.c || undefined },
        ctx.call,
      );
    } catch (err) {
      if (err instanceof GatewayError && err.upstream?.status === 410) {
        throw badUserInput(
          'Argument "after" is a cursor that has expired upstream (410 Expired); list again from the first page.',
        );
      }
      throw err;
    }
    const items = (list.items ?? []).slice(start.s);
    const edges = items.map((wire, i) => {
      // Later fields (ImageStreamImage.stream) read these from the loader instead of refetching.
      ctx.loaders.imageStream.prime({ cluster, namespace, name: wire.metadata.name ?? '' }, wire);
      return { cursor: encodeCursor({ c: start.c, s: start.s + i + 1 }), node: { cluster, wire } };
    });
    const next = list.metadata?.continue;
    return {
      edges,
      pageInfo: {
        hasNextPage: Boolean(next),
        endCursor: next ? encodeCursor({ c: next, s: 0 }) : (edges.at(-1)?.cursor ?? null),
      },
    };
  },

  imageStreamTag: async (_root, args, ctx) => {
    const client = ctx.clientFor(args.cluster);
    const namespace = checkNamespace(args.namespace);
    const { stream, tag } = parseImageStreamTagName(args.name, namespace);
    const wire = await client.getImageStreamTag(namespace, `${stream}:${tag}`, ctx.call);
    return { cluster: client.cluster.name, namespace, stream, wire };
  },

  imageLocations: async (_root, args, ctx, info) => {
    const digest = checkDigest(args.digest);
    const namespaces = args.namespaces?.map((ns, i) => checkNamespace(ns, `namespaces[${i}]`));
    const clients = args.clusters
      ? args.clusters.map((name, i) => ctx.clientFor(name, `clusters[${i}]`))
      : ctx.registry.clients.map((c) => ctx.clientFor(c.cluster.name));
    const settled = await Promise.allSettled(
      clients.map((client) => findImageLocations(client, digest, namespaces, ctx.call)),
    );
    const out: ImageLocationModel[] = [];
    settled.forEach((result, i) => {
      const cluster = clients[i]?.cluster.name ?? '';
      if (result.status === 'fulfilled') {
        for (const found of result.value)
          out.push({
            cluster,
            namespace: found.namespace,
            stream: found.stream,
            tags: found.tags,
            digest,
          });
      } else {
        // A failed cluster is reported next to the others' data, never instead of it.
        ctx.extraErrors.push(locatedError(result.reason, info.fieldNodes, pathToArray(info.path)));
      }
    });
    return out;
  },
};
