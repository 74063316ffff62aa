import { SEARCH_PAGES } from '../resolvers/entryPoints.js';
import { decodeNodeId } from '../resolvers/nodeId.js';
import { DEFAULT_PAGE_SIZE } from '../validation.js';

/** Coerced argument values of one field, as the resolver will receive them. */
export type Args = Readonly<Record<string, unknown>>;

/** What one field costs, in upstream requests. Fields absent from the model cost nothing. */
export interface FieldCost {
  /** Upstream requests of one resolution of the field (default 0). */
  readonly calls?: (args: Args) => number;
  /**
   * Items a list yields (default 1): the cost of the field's selection is multiplied by it.
   * Never negative.
   */
  readonly size?: (args: Args) => number;
}

/** The model, keyed `Type.field`. */
export type CostModel = ReadonlyMap<string, FieldCost>;

const distinctCount = (value: unknown): number => (Array.isArray(value) ? new Set(value).size : 0);
const lengthOf = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

/**
 * What loading one Node id asks the API servers: nothing for a Cluster, the location scan and the
 * image for an Image (at least two; the budget bounds the scan's pages), one read otherwise. An
 * id the resolver refuses counts as the most expensive type, never less.
 */
function nodeCalls(id: unknown): number {
  try {
    const { type } = decodeNodeId(typeof id === 'string' ? id : '');
    // An Image is found through a stream listing; a Workload through a pod list and its owners.
    return type === 'Cluster' ? 0 : type === 'Image' || type === 'Workload' ? 2 : 1;
  } catch {
    return 2;
  }
}

/**
 * The static cost model: every image, stream, tag or cluster status the API servers are asked
 * for counts 1, and a list multiplies what it selects by its size where the arguments or the
 * configuration give that size: `refs`, `first`, clusters x namespaces for `imageLocations`, the
 * configured cluster count for `clusters`. Lists whose size only the data knows (the tags of a
 * stream, the history of a tag, the manifests of a list, the locations found) count 1: the
 * per-operation upstream budget (`--max-upstream-requests`) bounds what the data decides, at run
 * time, where it is known. Fields served from an object already fetched (an ImageStreamImage's
 * image, a tag's history, a stream's tags) cost nothing of their own.
 *
 * Sizes are never negative and never below what the resolver may do: a `first` the resolver
 * refuses (not an integer from 1 up) counts as the default page, so that an invalid argument can
 * never lower the cost of the rest of the operation.
 */
export function createCostModel(clusterCount: number): CostModel {
  const one: FieldCost = { calls: () => 1 };
  const page: FieldCost = {
    calls: () => 1,
    size: (a) => {
      const first = a['first'];
      return typeof first === 'number' && Number.isInteger(first) && first >= 1
        ? first
        : DEFAULT_PAGE_SIZE;
    },
  };
  // The resolver asks each distinct cluster named (every configured one when `clusters` is
  // omitted) once per namespace given (once in all when `namespaces` is omitted).
  const scopes = (a: Args): number =>
    (a['clusters'] === undefined || a['clusters'] === null
      ? clusterCount
      : distinctCount(a['clusters'])) * Math.max(1, lengthOf(a['namespaces']));
  return new Map<string, FieldCost>([
    ['Query.clusters', { size: () => clusterCount }],
    ['Query.imageStreamImage', one],
    [
      'Query.imageStreamImages',
      { calls: (a) => lengthOf(a['refs']), size: (a) => lengthOf(a['refs']) },
    ],
    ['Query.imageStream', one],
    ['Query.imageStreams', page],
    ['Query.imageStreamTag', one],
    // Locations found: only the data knows how many (size 1).
    ['Query.imageLocations', { calls: scopes }],
    ['Cluster.status', one],
    ['Cluster.imageStreamImage', one],
    ['Cluster.imageStream', one],
    // A search reads up to SEARCH_PAGES pages of the API to fill one page.
    [
      'Cluster.imageStreams',
      {
        ...page,
        calls: (a) => (a['search'] === undefined || a['search'] === null ? 1 : SEARCH_PAGES),
      },
    ],
    // The projects list, and the core namespaces when the project API is absent or refused.
    ['Cluster.namespaces', { ...page, calls: () => 2 }],
    ['Cluster.imageStreamTag', one],
    ['ImageStreamImage.stream', one],
    ['TagEvent.imageStreamImage', one],
    ['Image.platform', one],
    ['Manifest.image', one],
    ['ImageLocation.imageStreamImage', one],
    ['Query.node', { calls: (a) => nodeCalls(a['id']) }],
    // --federation: each representation is loaded as node(id) would load its id.
    [
      'Query._entities',
      {
        calls: (a) =>
          Array.isArray(a['representations'])
            ? a['representations'].reduce(
                (sum: number, r) => sum + nodeCalls((r as { id?: unknown } | null)?.id),
                0,
              )
            : 0,
        size: (a) => lengthOf(a['representations']),
      },
    ],
    [
      'Query.nodes',
      {
        calls: (a) =>
          Array.isArray(a['ids'])
            ? a['ids'].reduce((sum: number, id) => sum + nodeCalls(id), 0)
            : 0,
        size: (a) => lengthOf(a['ids']),
      },
    ],
    // Workload searches: at least one pod list per scope (owners, pages and manifest-list
    // look-ups are data-dependent and bounded by the upstream budget at run time).
    ['Query.workloads', { calls: scopes }],
    ['Query.vulnerableWorkloads', { calls: (a) => 2 * scopes(a) }],
    ['Image.workloads', { calls: scopes }],
    ['Image.vulnerabilities', one],
    ['Workload.trigger', one],
    ['Workload.drift', one],
    ['Workload.image', one],
  ]);
}
