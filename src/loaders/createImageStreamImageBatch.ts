import type DataLoader from 'dataloader';
import { identityOf, type AccessReviews } from '../authz/createAccessReviews.js';
import type { CachedImage, ContentCache } from '../cache/createContentCache.js';
import type { IndexedStream, LocationIndex } from '../clusters/createLocationIndex.js';
import { headerOf } from '../upstream/headerNameOf.js';
import type { Logger } from '../logger.js';
import {
  credentialOf,
  type CallOptions,
  type ImageApiClient,
} from '../upstream/createImageApiClient.js';
import { malformedBody } from '../upstream/toGatewayError.js';
import type { Image, ImageStream, ImageStreamImage } from '../upstream/types.js';
import type { LoadedImageStreamImage, LoaderObserver } from './createLoaders.js';
import {
  imageStreamImageName,
  streamCacheKey,
  streamKey,
  type ImageKey,
  type StreamKey,
} from './keys.js';
import { asError } from './perKey.js';

export interface ImageStreamImageBatchOptions {
  readonly clientOf: (cluster: string) => ImageApiClient;
  readonly call: CallOptions;
  readonly imageStream: DataLoader<StreamKey, ImageStream, string>;
  readonly cache?: ContentCache | undefined;
  readonly accessReviews?: AccessReviews | undefined;
  /**
   * The watch-fed location indexes by cluster: a synced one shows a stream's tag history (and
   * annotations) as the API server holds it, so cached images of that stream are proven without
   * reading the stream (see the batch).
   */
  readonly indexes?: ReadonlyMap<string, LocationIndex> | undefined;
  /** How long the index may have heard nothing and still prove, ms (0 or absent: never). */
  readonly indexProofMaxSilenceMs?: number | undefined;
  readonly observer?: LoaderObserver | undefined;
  readonly logger?: Logger | undefined;
}

/** What a proof of a stream needs: every digest it resolves directly, and its annotations. */
interface StreamProof {
  readonly history: Set<string>;
  readonly annotations: Readonly<Record<string, string>> | null | undefined;
}

/** From a read of the stream: its whole tag history (server: imagestreamimage REST). */
function proofOfStream(stream: ImageStream): StreamProof {
  const history = new Set<string>();
  for (const tag of stream.status?.tags ?? [])
    for (const item of tag.items ?? []) history.add(item.image);
  return { history, annotations: stream.metadata.annotations };
}

/** From a synced index's entry: the same history and annotations, as the watch delivered them. */
function proofOfEntry(entry: IndexedStream): StreamProof {
  const history = new Set<string>();
  for (const digests of entry.tags.values()) for (const digest of digests) history.add(digest);
  return { history, annotations: entry.annotations };
}

/** What the API server answers for `<stream>@<digest>`, built from cached content (server code §2.1 step 7). */
function imageStreamImageFrom(key: ImageKey, proof: StreamProof, image: Image): ImageStreamImage {
  const metadata: ImageStreamImage['metadata'] = {
    name: imageStreamImageName(key),
    namespace: key.namespace,
    creationTimestamp: image.metadata.creationTimestamp ?? null,
  };
  if (proof.annotations) metadata.annotations = { ...proof.annotations };
  return { kind: 'ImageStreamImage', apiVersion: 'image.openshift.io/v1', metadata, image };
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The ImageStreamImage batch: the cheapest correct plan per image stream.
 *
 * Images whose content is cached are served only when the API server would answer this caller
 * the same way: (1) the caller may `get imagestreamimages` in that namespace — asked with the
 * caller's own credentials (SelfSubjectAccessReview, remembered briefly per identity), because
 * the API server authorizes that resource on its own; and (2) the digest is in the history of
 * the stream (or is a child of a manifest list that is) — how the API server itself resolves an
 * ImageStreamImage, reading the stream with its own privileges. The history comes from one GET
 * of the stream with the caller's credentials; or, for a read with the gateway's own credentials,
 * from the cluster's location index while it is synced (a list, then a watch: what the API server
 * holds, as of the last event delivered), has heard from the server within
 * `indexProofMaxSilenceMs` (a bookmark counts) and holds the stream with the annotations it could
 * keep. A caller's own token (passthrough) always has the stream read with it: that read also
 * shows at once a token revoked since its access review. The review and the proof run at once.
 * The index only ever proves: a stream or digest it does not show is asked for as before, never
 * refused. Every other image is fetched with one GET each, all at once (the transport queues them
 * fairly). Whatever fails — a cache read or write, the proof, one object — is confined to its
 * own keys: they are fetched from the API server, which then answers for each.
 */
export function createImageStreamImageBatch(options: ImageStreamImageBatchOptions): {
  batch: (keys: readonly ImageKey[]) => Promise<(LoadedImageStreamImage | Error)[]>;
  fetch: (key: ImageKey) => Promise<LoadedImageStreamImage | Error>;
} {
  const { clientOf, call, cache, accessReviews, logger } = options;

  const remember = (key: ImageKey, image: Image): void => {
    if (!cache || image.metadata.name !== key.digest) return;
    try {
      cache.set({ cluster: key.cluster, digest: key.digest }, image);
    } catch (err) {
      // A cache that cannot take an entry costs the next request a fetch, nothing more.
      logger?.warn({ err: message(err) }, 'cache write failed');
    }
  };

  const fetch = async (key: ImageKey): Promise<LoadedImageStreamImage | Error> => {
    try {
      const client = clientOf(key.cluster);
      const wire = await client.getImageStreamImage(key.namespace, imageStreamImageName(key), call);
      // The API server resolves `<stream>@<id>` to the image whose digest starts with the id;
      // an answer with any other image is not an answer for this key (never served as one).
      if (!(wire.image.metadata.name ?? '').startsWith(key.digest))
        return malformedBody(
          key.cluster,
          200,
          undefined,
          'image.metadata.name is not the digest asked for',
        );
      remember(key, wire.image);
      return { wire };
    } catch (err) {
      return asError(err);
    }
  };

  /** Whether the caller may get imagestreamimages in the stream's namespace, per the API server. */
  const mayGetImages = async (key: StreamKey): Promise<boolean> => {
    if (!accessReviews) return false;
    const client = clientOf(key.cluster);
    return accessReviews.allowed(
      client,
      identityOf(call, headerOf(client.cluster)),
      {
        namespace: key.namespace,
        verb: 'get',
        group: 'image.openshift.io',
        resource: 'imagestreamimages',
      },
      call,
    );
  };

  /** Digests the stream proves, with the children of cached manifest lists in its history. */
  const provenBy = async (
    proof: StreamProof,
    cluster: string,
    wanted: readonly string[],
  ): Promise<Set<string>> => {
    const proven = new Set(proof.history);
    if (cache && wanted.some((digest) => !proven.has(digest))) {
      const lists = await cache.getMany([...proven].map((digest) => ({ cluster, digest })));
      for (const entry of lists)
        for (const m of entry?.image.dockerImageManifests ?? []) proven.add(m.digest);
    }
    return proven;
  };

  /**
   * The stream's history: with the gateway's own credentials, from its cluster's index while that
   * is synced, has heard from the API server lately and shows the stream (annotations kept);
   * else from a GET with the caller's credentials (undefined if that fails).
   */
  const proofOf = async (key: StreamKey): Promise<StreamProof | undefined> => {
    const client = clientOf(key.cluster);
    const index = options.indexes?.get(key.cluster);
    const maxSilenceMs = options.indexProofMaxSilenceMs ?? 0;
    const entry =
      index &&
      maxSilenceMs > 0 &&
      credentialOf(call, headerOf(client.cluster)).kind === 'gateway' &&
      index.heardWithin(maxSilenceMs)
        ? index.stream(key.namespace, key.stream)
        : undefined;
    if (entry && entry.annotations !== null) return proofOfEntry(entry);
    const stream = await options.imageStream
      .load(streamKey(key.cluster, key.namespace, key.stream))
      .catch(() => undefined);
    return stream ? proofOfStream(stream) : undefined;
  };

  /** Serves one stream's cached images once access is proven; returns the indices left to fetch. */
  const serveFromCache = async (
    keys: readonly ImageKey[],
    indices: readonly number[],
    cached: readonly (CachedImage | undefined)[],
    results: (LoadedImageStreamImage | Error)[],
  ): Promise<readonly number[]> => {
    const first = keys[indices[0] as number] as ImageKey;
    const [proof, allowed] = await Promise.all([
      proofOf(first),
      mayGetImages(first).catch(() => false),
    ]);
    // Not proven: the API server gives each image its own answer (403, 404…).
    if (!proof || !allowed) return indices;
    const proven = await provenBy(
      proof,
      first.cluster,
      indices.map((i) => (keys[i] as ImageKey).digest),
    );
    const left: number[] = [];
    for (const i of indices) {
      const key = keys[i] as ImageKey;
      const entry = cached[i];
      if (entry && proven.has(key.digest))
        results[i] = {
          wire: imageStreamImageFrom(key, proof, entry.image),
          cachedAt: entry.fetchedAt,
        };
      else left.push(i);
    }
    return left;
  };

  const readCache = async (keys: readonly ImageKey[]): Promise<(CachedImage | undefined)[]> => {
    if (!cache || !accessReviews) return keys.map(() => undefined);
    try {
      return await cache.getMany(keys.map((k) => ({ cluster: k.cluster, digest: k.digest })));
    } catch (err) {
      logger?.warn({ err: message(err) }, 'cache read failed');
      return keys.map(() => undefined);
    }
  };

  const batch = async (keys: readonly ImageKey[]): Promise<(LoadedImageStreamImage | Error)[]> => {
    options.observer?.loaderBatch('imageStreamImage', keys.length);
    const results = new Array<LoadedImageStreamImage | Error>(keys.length);
    const cached = await readCache(keys);
    const byStream = new Map<string, number[]>();
    const misses: number[] = [];
    keys.forEach((key, i) => {
      if (!cached[i]) return void misses.push(i);
      const group = byStream.get(streamCacheKey(key));
      if (group) group.push(i);
      else byStream.set(streamCacheKey(key), [i]);
    });
    const fetchInto = async (i: number): Promise<void> => {
      results[i] = await fetch(keys[i] as ImageKey);
    };
    await Promise.all([
      ...misses.map(fetchInto),
      ...[...byStream.values()].map(async (indices) => {
        const left = await serveFromCache(keys, indices, cached, results).catch(() => indices);
        await Promise.all(left.map(fetchInto));
      }),
    ]);
    return results;
  };

  return { batch, fetch };
}
