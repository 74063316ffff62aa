import { GatewayError } from '../errors.js';
import type { CallOptions, ImageApiClient } from '../upstream/createImageApiClient.js';
import type { IndexedStream, LocationIndex } from './createLocationIndex.js';
import {
  byNamespace,
  byPlace,
  isForbidden,
  type FoundLocation,
  type LocationsAnswer,
  type RefusedNamespace,
} from './findImageLocations.js';

/** Access reviews asked at once for one answer, at most (the rest wait their turn). */
export const REVIEW_CONCURRENCY = 8;

/**
 * Access reviews one operation may ask per cluster for indexed answers, counted apart from its
 * upstream budget (createSideBudget): they are bounded by the namespaces the caller can see.
 */
export const MAX_LOCATION_REVIEWS = 2_000;

export interface IndexedSearch {
  readonly index: LocationIndex;
  readonly client: ImageApiClient;
  readonly digest: string;
  /** The namespaces the caller named, if any. */
  readonly namespaces: readonly string[] | undefined;
  readonly call: CallOptions;
  /**
   * Whether the caller may list image streams in a namespace (`` for every namespace), as the
   * API server decides it for the caller's own credentials. Rejects when it cannot be asked.
   */
  readonly mayList: (namespace: string) => Promise<boolean>;
  /**
   * The namespaces the caller can see (its projects), asked with its own credentials; asked
   * only of a caller who may not list cluster-wide.
   */
  readonly visibleNamespaces: () => Promise<ReadonlySet<string>>;
  /**
   * Whether the caller may read what listing reads to learn a manifest list's children in a
   * namespace (`get imagestreams/layers`, else `get imagestreamimages`), as the API server
   * decides it for the caller's own credentials.
   */
  readonly mayReadImages: (namespace: string) => Promise<boolean>;
}

/** The tags of an indexed stream whose history holds the digest, sorted. */
function tagsHolding(stream: IndexedStream, digest: string): string[] {
  return [...stream.tags]
    .filter(([, history]) => history.includes(digest))
    .map(([tag]) => tag)
    .sort();
}

async function inBatches<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += REVIEW_CONCURRENCY)
    out.push(...(await Promise.all(items.slice(i, i + REVIEW_CONCURRENCY).map(run))));
  return out;
}

/**
 * imageLocations of one cluster from its synced index: the same answer as findImageLocations
 * (same order, tags, manifest lists), with no list of image streams. The index was filled with
 * the gateway's identity, so what it holds is narrowed to what the caller may list:
 *
 * - namespaces named: each must be one the caller may list, else it is refused alone
 *   (FORBIDDEN, as the list the API server would have refused), the others answer;
 * - none named: a caller who may list cluster-wide (one review) gets every location; any other
 *   caller gets the locations in exactly the namespaces it may list, without naming them: the
 *   namespaces it can see (its projects, one call) that hold the digest are reviewed, and no
 *   other. What the index holds in namespaces the caller cannot see costs no review, so neither
 *   the work, the time nor the errors of an answer depend on them.
 *
 * A digest held only as a child of a manifest list is found as findImageLocations finds it (the
 * stream's layers, else its list images, read with the caller's credentials), except that the
 * children of each list are remembered by the index: asked again, no read is made, but the
 * caller must be one the API server lets make that read (a review), else that namespace is
 * refused (FORBIDDEN) as the read would have been — what another caller's read taught the index
 * is never shown to a caller who could not have made it.
 */
export async function findIndexedLocations(search: IndexedSearch): Promise<LocationsAnswer> {
  const { index, client, digest, namespaces, mayList } = search;
  const cluster = client.cluster.name;
  const named = namespaces ? new Set(namespaces) : undefined;
  const { direct, preservedElsewhere } = index.lookup(digest);
  const inScope = (s: IndexedStream): boolean => !named || named.has(s.namespace);
  const hits = direct.filter(inScope);
  const lists = preservedElsewhere.filter(inScope);

  let allowed: (namespace: string) => boolean;
  const refused: RefusedNamespace[] = [];
  if (named) {
    const answers = await inBatches([...named], mayList);
    const refusedNames = new Set([...named].filter((_ns, i) => answers[i] !== true));
    for (const ns of refusedNames)
      refused.push({
        namespace: ns,
        error: new GatewayError(
          'FORBIDDEN',
          `cluster "${cluster}": the caller may not list image streams in namespace "${ns}"`,
          { cluster, upstream: { status: 403, reason: 'Forbidden' } },
        ),
      });
    allowed = (ns) => !refusedNames.has(ns);
  } else if (await mayList('')) {
    allowed = () => true;
  } else {
    // The caller's projects first, always (also when no namespace holds the digest): asking
    // only when there are candidates would tell whether hidden namespaces hold it.
    const visible = await search.visibleNamespaces();
    const candidates = [...new Set([...hits, ...lists].map((s) => s.namespace))].filter((ns) =>
      visible.has(ns),
    );
    const answers = await inBatches(candidates, mayList);
    const permitted = new Set(candidates.filter((_ns, i) => answers[i] === true));
    allowed = (ns) => permitted.has(ns);
  }

  const found: FoundLocation[] = hits
    .filter((s) => allowed(s.namespace))
    .map((s) => ({ namespace: s.namespace, stream: s.name, tags: tagsHolding(s, digest) }));
  const children = await Promise.all(
    lists
      .filter((s) => allowed(s.namespace))
      .map(async (s): Promise<FoundLocation | undefined> => {
        const candidates = new Set<string>();
        for (const tag of s.preserved)
          for (const image of s.tags.get(tag) ?? []) if (image !== digest) candidates.add(image);
        if (candidates.size === 0) return undefined;
        let list: string | undefined;
        try {
          list = await listHolding(search, s, candidates);
        } catch (err) {
          if (!isForbidden(err)) throw err;
          refused.push({ namespace: s.namespace, error: err });
          return undefined;
        }
        return list
          ? {
              namespace: s.namespace,
              stream: s.name,
              tags: tagsHolding(s, list),
              manifestList: list,
            }
          : undefined;
      }),
  );
  for (const location of children) if (location) found.push(location);
  return { locations: found.sort(byPlace), refused: byNamespace(refused) };
}

/** Which candidate is a manifest list holding the digest; children unknown to the index are read. */
async function listHolding(
  search: IndexedSearch,
  stream: IndexedStream,
  candidates: ReadonlySet<string>,
): Promise<string | undefined> {
  const { index, client, digest, call } = search;
  const cluster = client.cluster.name;
  // One refusal whether the children were learned before or are read now: the answer must not
  // tell a caller that someone else has read them (a red team told the two apart by the text).
  const refusal = (): GatewayError =>
    new GatewayError(
      'FORBIDDEN',
      `cluster "${cluster}": the caller may not get imagestreamimages in namespace "${stream.namespace}"`,
      { cluster, upstream: { status: 403, reason: 'Forbidden' } },
    );
  const unknown = [...candidates].filter((c) => index.childrenOf(c) === undefined);
  if (unknown.length === 0) {
    // Every child is known from some read: this caller must be one that may make it.
    if (!(await search.mayReadImages(stream.namespace))) throw refusal();
  } else {
    try {
      // One call answers for every image of the stream (needs get on imagestreams/layers).
      const layers = await client.getImageStreamLayers(stream.namespace, stream.name, call);
      for (const [image, refs] of Object.entries(layers.images))
        if (!refs.imageMissing) index.learnChildren(image, refs.manifests ?? []);
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== 'FORBIDDEN') throw err;
      // Without the layers permission: read each candidate image (view role suffices).
      const images = await Promise.all(
        unknown.map((c) =>
          client.getImageStreamImage(stream.namespace, `${stream.name}@${c}`, call),
        ),
      ).catch((readErr: unknown) => {
        throw readErr instanceof GatewayError && readErr.code === 'FORBIDDEN' ? refusal() : readErr;
      });
      images.forEach((isi, i) => {
        // Only an answer for the digest asked about tells about that digest.
        if (isi.image.metadata.name === unknown[i])
          index.learnChildren(
            unknown[i] as string,
            (isi.image.dockerImageManifests ?? []).map((m) => m.digest),
          );
      });
    }
  }
  return [...candidates].find((c) => index.childrenOf(c)?.includes(digest));
}
