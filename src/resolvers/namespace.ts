import type { NamespaceResolvers } from '../generated/graphql.js';
import type { GatewayContext } from '../context.js';
import { badUserInput } from '../errors.js';
import { checkPageSize, checkSearch, DEFAULT_PAGE_SIZE } from '../validation.js';
import type { NamespaceConnectionModel, NamespaceModel } from './models.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DISPLAY_NAME = 'openshift.io/display-name';

/** A namespace cursor: the name of the last namespace shown (names are unique and sorted). */
function encodeCursor(name: string): string {
  return Buffer.from(JSON.stringify({ n: name }), 'utf8').toString('base64url');
}

function decodeCursor(value: string): string {
  try {
    if (value.length <= 200) {
      const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
      const name = (parsed as { n?: unknown } | null)?.n;
      if (
        typeof name === 'string' &&
        name.length <= 63 &&
        DNS1123_LABEL.test(name) &&
        encodeCursor(name) === value
      )
        return name;
    }
  } catch {
    // falls through
  }
  throw badUserInput(
    'Argument "after" must be a cursor returned by namespaces (an edge cursor or pageInfo.endCursor).',
  );
}

/**
 * The namespaces the caller can see on one cluster (one upstream list, then the projects'
 * fallback to core namespaces in the loader), sorted by name, filtered by `search` (name or
 * display name, case-insensitive), paged by the gateway: the project API does not page. A
 * cursor is the last name shown, so a page never repeats or skips a namespace even when the
 * list changes between pages.
 */
export async function namespacesOf(
  ctx: GatewayContext,
  cluster: string,
  firstArg: number | null | undefined,
  after: string | null | undefined,
  searchArg: string | null | undefined,
): Promise<NamespaceConnectionModel> {
  ctx.clusters.resolve(cluster);
  const first = checkPageSize(firstArg, ctx.limits.maxPageSize, DEFAULT_PAGE_SIZE);
  const search = searchArg === null || searchArg === undefined ? undefined : checkSearch(searchArg);
  const last = after ? decodeCursor(after) : undefined;
  const list = await ctx.loaders.namespaces.load(cluster);
  const matching = (list.items ?? [])
    .filter((wire) => {
      if (search === undefined) return true;
      const name = (wire.metadata.name ?? '').toLowerCase();
      const display = (wire.metadata.annotations?.[DISPLAY_NAME] ?? '').toLowerCase();
      return name.includes(search) || display.includes(search);
    })
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const rest =
    last === undefined ? matching : matching.filter((w) => (w.metadata.name ?? '') > last);
  const page = rest.slice(0, first);
  const edges = page.map((wire) => ({
    cursor: encodeCursor(wire.metadata.name ?? ''),
    node: { cluster, wire },
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rest.length > page.length,
      endCursor: edges.at(-1)?.cursor ?? (after || null),
    },
    totalCount: matching.length,
  };
}

export const Namespace: NamespaceResolvers = {
  name: (m: NamespaceModel) => m.wire.metadata.name ?? '',
  displayName: (m) => m.wire.metadata.annotations?.[DISPLAY_NAME] || null,
  created: (m) => m.wire.metadata.creationTimestamp || null,
  phase: (m) => m.wire.status?.phase || null,
  cluster: (m, _args, ctx) => ctx.clusters.get(m.cluster),
};
