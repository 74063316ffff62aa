import type { GatewayContext } from '../context.js';
import { badUserInput } from '../errors.js';
import {
  checkLabelSelector,
  checkNamespace,
  checkSearch,
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
  /**
   * How many items of the whole list come before that page, when known (for totalCount). Only
   * the count shown to the caller depends on it: a forged one misleads its forger alone.
   */
  readonly o?: number;
}

/** The most items a list can hold for totalCount's arithmetic (a forged `o` stays exact). */
const MAX_OFFSET = 1_000_000_000;

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
      (parsed.s ?? 0) <= maxPageSize &&
      (parsed.o === undefined ||
        (Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.o <= MAX_OFFSET))
    ) {
      return parsed.o === undefined
        ? { c: parsed.c, s: parsed.s as number }
        : { c: parsed.c, s: parsed.s as number, o: parsed.o };
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

/** With `search`, how many API pages one call reads at most, and how large each is. */
export const SEARCH_PAGES = 10;
export const SEARCH_PAGE_SIZE = 500;

/** What Cluster.imageStreams adds to the plain listing. */
export interface StreamListFilter {
  readonly search?: string | null | undefined;
  readonly labelSelector?: string | null | undefined;
}

/**
 * A Relay page over the API's limit/continue; cursors carry the continue token, an offset in
 * that page, and how many items came before it (for totalCount). A namespace of null lists every
 * namespace. A label selector goes to the API; a search is the gateway's (the API has none): it
 * reads pages of SEARCH_PAGE_SIZE (or the largest page size allowed, when smaller), at most
 * SEARCH_PAGES per call, keeping the names that contain the text, so a page may end short with
 * hasNextPage true.
 */
export async function imageStreamsOf(
  ctx: GatewayContext,
  clusterArg: string | null | undefined,
  namespaceArg: string | null | undefined,
  firstArg: number | null | undefined,
  after: string | null | undefined,
  filter: StreamListFilter = {},
): Promise<ImageStreamConnectionModel> {
  const { name: cluster } = ctx.clusters.resolve(clusterArg);
  const namespace =
    namespaceArg === null || namespaceArg === undefined ? '' : checkNamespace(namespaceArg);
  const first = checkPageSize(firstArg, ctx.limits.maxPageSize, DEFAULT_PAGE_SIZE);
  const search =
    filter.search === null || filter.search === undefined ? undefined : checkSearch(filter.search);
  const labelSelector =
    filter.labelSelector === null || filter.labelSelector === undefined
      ? undefined
      : checkLabelSelector(filter.labelSelector);
  const start: Cursor = after ? decodeCursor(after, ctx.limits.maxPageSize) : { c: '', s: 0, o: 0 };
  const edges: { cursor: string; node: ImageStreamModel }[] = [];
  // Without search, one page of `first` items from the cursor; with it, fixed-size pages.
  // (a cursor's offset is at most the largest page, so search pages are never larger).
  const pageSize =
    search === undefined
      ? first
      : Math.max(first, Math.min(SEARCH_PAGE_SIZE, ctx.limits.maxPageSize));
  let position: Cursor = start;
  let reads = 0;
  let next: string | undefined;
  let totalCount: number | null = null;
  for (;;) {
    const list = await ctx.loaders.imageStreamPage.load({
      cluster,
      namespace,
      limit: position.s + pageSize,
      continueToken: position.c,
      labelSelector,
    });
    reads += 1;
    const raw = list.items ?? [];
    next = list.metadata?.continue || undefined;
    const remaining = list.metadata?.remainingItemCount;
    totalCount =
      search !== undefined || position.o === undefined
        ? null
        : next === undefined
          ? position.o + raw.length
          : remaining === undefined
            ? null
            : position.o + raw.length + remaining;
    let index = position.s;
    for (; index < raw.length && edges.length < first; index++) {
      const wire = raw[index] as (typeof raw)[number];
      const name = wire.metadata.name ?? '';
      if (search !== undefined && !name.toLowerCase().includes(search)) continue;
      // Later fields (ImageStreamImage.stream) read these from the loader instead of refetching.
      ctx.loaders.imageStream.prime(
        streamKey(cluster, wire.metadata.namespace ?? namespace, name),
        wire,
      );
      edges.push({
        cursor: encodeCursor({ ...position, s: index + 1 }),
        node: { cluster, wire },
      });
    }
    if (index < raw.length) {
      // The page is full before this API page ends: continue inside it.
      return {
        edges,
        pageInfo: { hasNextPage: true, endCursor: encodeCursor({ ...position, s: index }) },
        totalCount,
      };
    }
    const after: Cursor | undefined =
      next === undefined
        ? undefined
        : position.o === undefined
          ? { c: next, s: 0 }
          : { c: next, s: 0, o: Math.min(MAX_OFFSET, position.o + raw.length) };
    if (!after || edges.length >= first || search === undefined || reads >= SEARCH_PAGES) {
      return {
        edges,
        pageInfo: {
          hasNextPage: after !== undefined,
          endCursor: after ? encodeCursor(after) : (edges.at(-1)?.cursor ?? null),
        },
        totalCount,
      };
    }
    position = after;
  }
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
