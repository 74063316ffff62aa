import { GatewayError } from '../errors.js';
import type { CallOptions, ImageApiClient } from '../upstream/createImageApiClient.js';
import type { ImageStream } from '../upstream/types.js';

export interface FoundLocation {
  readonly namespace: string;
  readonly stream: string;
  readonly tags: readonly string[];
  /** Set when the digest is a child of a manifest list the stream holds. */
  readonly manifestList?: string;
}

/**
 * A namespace the caller may not read what the answer needs in (its list of image streams, or
 * the images that show a manifest list's children): the API server's FORBIDDEN, reported next to
 * the locations found elsewhere, never instead of them.
 */
export interface RefusedNamespace {
  readonly namespace: string;
  readonly error: GatewayError;
}

/** One cluster's answer: the locations found, and the namespaces refused (sorted). */
export interface LocationsAnswer {
  readonly locations: readonly FoundLocation[];
  readonly refused: readonly RefusedNamespace[];
}

export const isForbidden = (err: unknown): err is GatewayError =>
  err instanceof GatewayError && err.code === 'FORBIDDEN';

/** Locations by namespace, then stream. */
export const byPlace = (a: FoundLocation, b: FoundLocation): number =>
  a.namespace === b.namespace ? (a.stream < b.stream ? -1 : 1) : a.namespace < b.namespace ? -1 : 1;

/** The refusals, one per namespace (the first of each), sorted by namespace. */
export function byNamespace(refused: readonly RefusedNamespace[]): RefusedNamespace[] {
  const first = new Map<string, RefusedNamespace>();
  for (const r of refused) if (!first.has(r.namespace)) first.set(r.namespace, r);
  return [...first.values()].sort((a, b) => (a.namespace < b.namespace ? -1 : 1));
}

/** Streams are read a page at a time, so memory stays bounded by the page size. */
export const LOCATION_PAGE_SIZE = 200;

/** The tags of a stream whose history contains the digest, sorted. */
export function tagsContaining(stream: ImageStream, digest: string): string[] {
  return (stream.status?.tags ?? [])
    .filter((t) => (t.items ?? []).some((item) => item.image === digest))
    .map((t) => t.tag)
    .sort();
}

/**
 * Only tags imported with `importMode: PreserveOriginal` keep manifest lists (with the default
 * Legacy mode the stream holds one platform's manifest), so only those can hold the digest as a
 * list child. Returns the digests such tags reference.
 */
function preservedDigests(stream: ImageStream): Set<string> {
  const preserved = new Set(
    (stream.spec?.tags ?? [])
      .filter((t) => t.importPolicy?.importMode === 'PreserveOriginal')
      .map((t) => t.name),
  );
  const out = new Set<string>();
  for (const tag of stream.status?.tags ?? []) {
    if (preserved.has(tag.tag)) for (const item of tag.items ?? []) out.add(item.image);
  }
  return out;
}

/** Which of the candidate images is a manifest list that has the digest as a child. */
async function listHolding(
  client: ImageApiClient,
  stream: ImageStream,
  candidates: Set<string>,
  digest: string,
  call: CallOptions,
): Promise<string | undefined> {
  const namespace = stream.metadata.namespace ?? '';
  const name = stream.metadata.name ?? '';
  try {
    // One call answers for every image of the stream (needs get on imagestreams/layers).
    const layers = await client.getImageStreamLayers(namespace, name, call);
    return [...candidates].find((c) => layers.images[c]?.manifests?.includes(digest));
  } catch (err) {
    if (!(err instanceof GatewayError) || err.code !== 'FORBIDDEN') throw err;
  }
  // Without the layers permission: read each candidate image (view role suffices).
  const images = await Promise.all(
    [...candidates].map((c) => client.getImageStreamImage(namespace, `${name}@${c}`, call)),
  );
  return images.find((isi) =>
    (isi.image.dockerImageManifests ?? []).some((m) => m.digest === digest),
  )?.image.metadata.name;
}

async function locate(
  client: ImageApiClient,
  stream: ImageStream,
  digest: string,
  call: CallOptions,
): Promise<FoundLocation | undefined> {
  const namespace = stream.metadata.namespace ?? '';
  const name = stream.metadata.name ?? '';
  const direct = tagsContaining(stream, digest);
  if (direct.length > 0) return { namespace, stream: name, tags: direct };
  const candidates = preservedDigests(stream);
  candidates.delete(digest);
  if (candidates.size === 0) return undefined;
  const list = await listHolding(client, stream, candidates, digest, call);
  return list
    ? { namespace, stream: name, tags: tagsContaining(stream, list), manifestList: list }
    : undefined;
}

/** Named namespaces listed at once, at most (each lists its pages in order). */
export const LOCATION_NAMESPACE_CONCURRENCY = 8;

/**
 * Every stream of one cluster whose tag history contains the digest, directly or as a child of
 * an imported manifest list: over the named namespaces (each once, LOCATION_NAMESPACE_CONCURRENCY
 * at a time), or over the cluster-wide image stream list when none are named, paging with
 * limit/continue; sorted by namespace, then stream, as findIndexedLocations answers. A namespace
 * the caller may not read in (FORBIDDEN) is refused alone, the others answer; any other failure
 * is the cluster's answer, and no namespace is started after it. A cluster-wide list that is
 * refused fails the cluster.
 */
export async function findImageLocations(
  client: ImageApiClient,
  digest: string,
  namespaces: readonly string[] | undefined,
  call: CallOptions,
): Promise<LocationsAnswer> {
  const scopes = namespaces ? [...new Set(namespaces)] : [undefined];
  const perScope: FoundLocation[][] = scopes.map(() => []);
  const refused: RefusedNamespace[] = [];
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < scopes.length) {
      const i = next++;
      const namespace = scopes[i];
      try {
        perScope[i] = await findIn(client, digest, namespace, call, refused);
      } catch (err) {
        if (namespace !== undefined && isForbidden(err)) {
          refused.push({ namespace, error: err });
          continue;
        }
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(LOCATION_NAMESPACE_CONCURRENCY, scopes.length) }, worker),
  );
  return { locations: perScope.flat().sort(byPlace), refused: byNamespace(refused) };
}

/**
 * The locations in one namespace (undefined: every namespace), a page at a time. A stream whose
 * list children the caller may not read is left out, its namespace added to `refused`.
 */
async function findIn(
  client: ImageApiClient,
  digest: string,
  namespace: string | undefined,
  call: CallOptions,
  refused: RefusedNamespace[],
): Promise<FoundLocation[]> {
  const found: FoundLocation[] = [];
  let continueToken: string | undefined;
  do {
    let page;
    try {
      page = await client.listImageStreams(
        namespace,
        { limit: LOCATION_PAGE_SIZE, continueToken },
        call,
      );
    } catch (err) {
      if (namespace === undefined && err instanceof GatewayError && err.code === 'FORBIDDEN') {
        throw new GatewayError(
          'FORBIDDEN',
          `${err.message} (the credentials cannot list image streams cluster-wide; pass the namespaces to search)`,
          { cluster: err.cluster, upstream: err.upstream, cause: err },
        );
      }
      throw err;
    }
    const located = await Promise.all(
      (page.items ?? []).map((stream) =>
        locate(client, stream, digest, call).catch((err: unknown) => {
          if (!isForbidden(err)) throw err;
          refused.push({ namespace: stream.metadata.namespace ?? '', error: err });
          return undefined;
        }),
      ),
    );
    for (const location of located) if (location) found.push(location);
    continueToken = page.metadata?.continue || undefined;
  } while (continueToken);
  return found;
}
