/**
 * The keys of the per-request loaders: one type per thing loaded, one constructor each, and one
 * string form each for DataLoader's cache (`cacheKeyFn`). Fields never hold two things at once
 * (no `<stream>@<digest>` strings split back apart).
 */

/** An image stream on one cluster. */
export interface StreamKey {
  readonly cluster: string;
  readonly namespace: string;
  readonly stream: string;
}

/** An image read through an image stream (an ImageStreamImage). */
export interface ImageKey extends StreamKey {
  readonly digest: string;
}

/** A tag of an image stream (an ImageStreamTag). */
export interface TagKey extends StreamKey {
  readonly tag: string;
}

export function streamKey(cluster: string, namespace: string, stream: string): StreamKey {
  return { cluster, namespace, stream };
}

export function imageKey(stream: StreamKey, digest: string): ImageKey {
  return { cluster: stream.cluster, namespace: stream.namespace, stream: stream.stream, digest };
}

export function tagKey(stream: StreamKey, tag: string): TagKey {
  return { cluster: stream.cluster, namespace: stream.namespace, stream: stream.stream, tag };
}

// NUL cannot occur in a cluster name, namespace, stream name, digest or tag.
export const streamCacheKey = (k: StreamKey): string => `${k.cluster}\0${k.namespace}\0${k.stream}`;
export const imageCacheKey = (k: ImageKey): string => `${streamCacheKey(k)}\0${k.digest}`;
export const tagCacheKey = (k: TagKey): string => `${streamCacheKey(k)}\0${k.tag}`;

/** The API's names for these objects: `<stream>@<digest>` and `<stream>:<tag>`. */
export const imageStreamImageName = (k: ImageKey): string => `${k.stream}@${k.digest}`;
export const imageStreamTagName = (k: TagKey): string => `${k.stream}:${k.tag}`;

/** One page of a namespace's image streams (limit/continue). */
export interface StreamPageKey {
  readonly cluster: string;
  /** The namespace to list; '' lists every namespace (cluster-wide). */
  readonly namespace: string;
  readonly limit: number;
  /** The API's continue token ('' for the first page). */
  readonly continueToken: string;
  /** A checked label selector ('' or absent: none). */
  readonly labelSelector?: string | undefined;
}

/** Where a digest is tagged on one cluster: over the named namespaces, or cluster-wide. */
export interface LocationKey {
  readonly cluster: string;
  readonly digest: string;
  readonly namespaces: readonly string[] | undefined;
}

export const streamPageCacheKey = (k: StreamPageKey): string =>
  `${k.cluster}\0${k.namespace}\0${k.limit}\0${k.continueToken}\0${k.labelSelector ?? ''}`;
export const locationCacheKey = (k: LocationKey): string =>
  `${k.cluster}\0${k.digest}\0${k.namespaces === undefined ? '*' : k.namespaces.join(',')}`;

/** One list scope of one cluster: a namespace, or every namespace (`namespace` undefined). */
export interface ScopeKey {
  readonly cluster: string;
  readonly namespace: string | undefined;
}

/** One owner of pods, by the kind and name an ownerReference gives. */
export interface OwnerKey {
  readonly cluster: string;
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
}

/** The workloads of one cluster whose pods run one of `digests`, over the named namespaces or all. */
export interface WorkloadsKey {
  readonly cluster: string;
  /** Sorted, distinct. */
  readonly digests: readonly string[];
  readonly namespaces: readonly string[] | undefined;
}

/** The workloads of one cluster running an image that an ImageManifestVuln lists an advisory for. */
export interface AdvisoryKey {
  readonly cluster: string;
  readonly advisory: string;
  readonly namespaces: readonly string[] | undefined;
}

/** Scan results of one digest on one cluster, read through an image stream's namespace. */
export interface VulnerabilityKey {
  readonly cluster: string;
  readonly digest: string;
  /** Searched alone when the caller cannot list ImageManifestVulns cluster-wide. */
  readonly namespace: string;
}

const namespacesPart = (namespaces: readonly string[] | undefined): string =>
  namespaces === undefined ? '*' : namespaces.join(',');
export const scopeCacheKey = (k: ScopeKey): string => `${k.cluster}\0${k.namespace ?? '*'}`;
export const ownerCacheKey = (k: OwnerKey): string =>
  `${k.cluster}\0${k.namespace}\0${k.kind}\0${k.name}`;
export const workloadsCacheKey = (k: WorkloadsKey): string =>
  `${k.cluster}\0${k.digests.join(',')}\0${namespacesPart(k.namespaces)}`;
export const advisoryCacheKey = (k: AdvisoryKey): string =>
  `${k.cluster}\0${k.advisory}\0${namespacesPart(k.namespaces)}`;
export const vulnerabilityCacheKey = (k: VulnerabilityKey): string =>
  `${k.cluster}\0${k.digest}\0${k.namespace}`;
