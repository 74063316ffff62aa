import type { GatewayContext } from '../context.js';
import { badUserInput } from '../errors.js';
import {
  checkNamespace,
  checkPageSize,
  checkStreamName,
  DEFAULT_PAGE_SIZE,
  parseImageStreamImageName,
  parseImageStreamTagName,
} from '../validation.js';
import { streamKey, tagKey } from '../loaders/keys.js';
import { loadImageStreamImage } from './imageStream.js';
import type {
  ImageStreamConnectionModel,
  ImageStreamImageModel,
  ImageStreamModel,
  ImageStreamTagModel,
} from './models.js';

/**
 * The per-cluster entry points, shared by Query (cluster as an argument) and Cluster (the parent
 * cluster). Every argument is checked before any upstream call.
 */

interface Cursor {
  /** The upstream continue token the page started from ('' for the first page). */
  readonly c: string;
  /** How many items of that page come before the next edge. */
  readonly s: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/**
 * A cursor is the caller's input: it is checked like any argument. Its offset is never more than
 * a page (a forged offset once asked the API server for limit=1000000001), and its continue
 * token is the API server's (opaque base64 of bounded length).
 */
function decodeCursor(value: string, maxPageSize: number): Cursor {
  try {
    if (value.length > 4096) throw new RangeError('cursor too long');
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof parsed.c === 'string' &&
      parsed.c.length <= 2048 &&
      /^[A-Za-z0-9+/=_-]*$/.test(parsed.c) &&
      Number.isInteger(parsed.s) &&
      (parsed.s ?? -1) >= 0 &&
      (parsed.s ?? 0) <= maxPageSize
    ) {
      return { c: parsed.c, s: parsed.s as number };
    }
  } catch {
    // falls through
  }
  throw badUserInput(
    'Argument "after" must be a cursor returned by imageStreams (an edge cursor or pageInfo.endCursor).',
  );
}

export function imageStreamImageOf(
  ctx: GatewayContext,
  cluster: string | null | undefined,
  namespaceArg: string,
  name: string,
): Promise<ImageStreamImageModel> {
  const { name: clusterName } = ctx.clusters.resolve(cluster);
  const namespace = checkNamespace(namespaceArg);
  const { stream, digest } = parseImageStreamImageName(name, namespace);
  return loadImageStreamImage(ctx, clusterName, namespace, stream, digest);
}

export async function imageStreamOf(
  ctx: GatewayContext,
  clusterArg: string | null | undefined,
  namespaceArg: string,
  nameArg: string,
): Promise<ImageStreamModel> {
  const { name: cluster } = ctx.clusters.resolve(clusterArg);
  const namespace = checkNamespace(namespaceArg);
  const name = checkStreamName(nameArg, namespace, 'name');
  return { cluster, wire: await ctx.loaders.imageStream.load(streamKey(cluster, namespace, name)) };
}

/** A Relay page over the API's limit/continue; cursors carry the continue token and an offset. */
export async function imageStreamsOf(
  ctx: GatewayContext,
  clusterArg: string | null | undefined,
  namespaceArg: string,
  firstArg: number | null | undefined,
  after: string | null | undefined,
): Promise<ImageStreamConnectionModel> {
  const { name: cluster } = ctx.clusters.resolve(clusterArg);
  const namespace = checkNamespace(namespaceArg);
  const first = checkPageSize(firstArg, ctx.limits.maxPageSize, DEFAULT_PAGE_SIZE);
  const start = after ? decodeCursor(after, ctx.limits.maxPageSize) : { c: '', s: 0 };
  const list = await ctx.loaders.imageStreamPage.load({
    cluster,
    namespace,
    limit: start.s + first,
    continueToken: start.c,
  });
  const items = (list.items ?? []).slice(start.s);
  const edges = items.map((wire, i) => {
    // Later fields (ImageStreamImage.stream) read these from the loader instead of refetching.
    ctx.loaders.imageStream.prime(streamKey(cluster, namespace, wire.metadata.name ?? ''), wire);
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
}

export async function imageStreamTagOf(
  ctx: GatewayContext,
  clusterArg: string | null | undefined,
  namespaceArg: string,
  name: string,
): Promise<ImageStreamTagModel> {
  const { name: cluster } = ctx.clusters.resolve(clusterArg);
  const namespace = checkNamespace(namespaceArg);
  const { stream, tag } = parseImageStreamTagName(name, namespace);
  const wire = await ctx.loaders.imageStreamTag.load(
    tagKey(streamKey(cluster, namespace, stream), tag),
  );
  return { cluster, namespace, stream, tag, wire };
}
