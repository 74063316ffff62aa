import DataLoader from 'dataloader';
import { identityOf, type AccessReviews } from '../authz/createAccessReviews.js';
import type { CachedImage, ContentCache } from '../cache/createContentCache.js';
import { headerOf, type ClusterRegistry } from '../clusters/createClusterRegistry.js';
import { fanOut, type FanOutOptions } from '../clusters/fanOut.js';
import { findImageLocations, type FoundLocation } from '../clusters/findImageLocations.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CallOptions, ImageApiClient } from '../upstream/createImageApiClient.js';
import type {
  Image,
  ImageStream,
  ImageStreamImage,
  ImageStreamList,
  ImageStreamTag,
} from '../upstream/types.js';
import {
  imageCacheKey,
  imageStreamImageName,
  imageStreamTagName,
  locationCacheKey,
  streamCacheKey,
  streamKey,
  streamPageCacheKey,
  tagCacheKey,
  type ImageKey,
  type LocationKey,
  type StreamKey,
  type StreamPageKey,
  type TagKey,
} from './keys.js';

/** An ImageStreamImage, and when its image came from the content cache, when that was read. */
export interface LoadedImageStreamImage {
  readonly wire: ImageStreamImage;
  readonly cachedAt?: number | undefined;
}

export interface Loaders {
  /** ImageStreamImages; served from the content cache where the caller's access is proven. */
  readonly imageStreamImage: DataLoader<ImageKey, LoadedImageStreamImage, string>;
  /** The same, always from the API server (signatures and annotations older than their TTL). */
  readonly freshImageStreamImage: DataLoader<ImageKey, LoadedImageStreamImage, string>;
  readonly imageStream: DataLoader<StreamKey, ImageStream, string>;
  readonly imageStreamTag: DataLoader<TagKey, ImageStreamTag, string>;
  /** Pages of a namespace's image streams. */
  readonly imageStreamPage: DataLoader<StreamPageKey, ImageStreamList, string>;
  /** Where a digest is tagged, per cluster, each cluster within its own deadline. */
  readonly imageLocations: DataLoader<LocationKey, readonly FoundLocation[], string>;
}

/** Receives batch sizes, for metrics. */
export interface LoaderObserver {
  loaderBatch(loader: string, size: number): void;
}

export interface LoaderOptions {
  readonly registry: ClusterRegistry;
  /** The request's call options: deadline, budget, the caller's credentials. */
  readonly call: CallOptions;
  readonly cache?: ContentCache | undefined;
  /** Required with a cache: nothing cached is served without the API server's own answer. */
  readonly accessReviews?: AccessReviews | undefined;
  readonly observer?: LoaderObserver | undefined;
  readonly logger?: Logger | undefined;
  /** Per-cluster deadline and concurrency of fan-outs (imageLocations). */
  readonly fanOut: FanOutOptions;
}

/** Every digest a stream resolves directly: its whole tag history (server: imagestreamimage REST). */
function historyDigests(stream: ImageStream): Set<string> {
  const out = new Set<string>();
  for (const tag of stream.status?.tags ?? [])
    for (const item of tag.items ?? []) out.add(item.image);
  return out;
}

/** What the API server answers for `<stream>@<digest>`, built from cached content (server code §2.1 step 7). */
function imageStreamImageFrom(key: ImageKey, stream: ImageStream, image: Image): ImageStreamImage {
  const metadata: ImageStreamImage['metadata'] = {
    name: imageStreamImageName(key),
    namespace: key.namespace,
    creationTimestamp: image.metadata.creationTimestamp ?? null,
  };
  if (stream.metadata.annotations) metadata.annotations = stream.metadata.annotations;
  return { kind: 'ImageStreamImage', apiVersion: 'image.openshift.io/v1', metadata, image };
}

const asError = (err: unknown): Error =>
  err instanceof Error
    ? err
    : new GatewayError('INTERNAL_SERVER_ERROR', 'upstream call failed', { cause: err });

/**
 * The per-request loaders. The DataLoader contract holds: same order, same length, an Error per
 * failed key — and a failure is confined to its own key: a malformed object, a failed cache read
 * or write, or one cluster's trouble never turns another key (or another cluster's key) into an
 * error.
 *
 * The ImageStreamImage batch takes the cheapest correct plan per image stream. Images whose
 * content is cached are served only when the API server would answer this caller the same way:
 * (1) the caller may `get imagestreamimages` in that namespace — asked with the caller's own
 * credentials (SelfSubjectAccessReview, remembered briefly per identity), because the API server
 * authorizes that resource on its own; and (2) the digest is in the history of the stream (or is
 * a child of a manifest list that is), shown by one GET of the stream with the caller's
 * credentials — how the API server itself resolves an ImageStreamImage. Both run at once. Every
 * other image is fetched with one GET each, all at once (the transport queues them fairly).
 */
export function createLoaders(options: LoaderOptions): Loaders {
  const { registry, call, cache, observer, logger } = options;
  const accessReviews = options.accessReviews;
  const clientOf = (cluster: string): ImageApiClient => {
    const client = registry.get(cluster);
    if (!client)
      throw new GatewayError('INTERNAL_SERVER_ERROR', `no client for cluster "${cluster}"`);
    return client;
  };

  const remember = (key: ImageKey, image: Image): void => {
    if (!cache || image.metadata.name !== key.digest) return;
    try {
      cache.set({ cluster: key.cluster, digest: key.digest }, image);
    } catch (err) {
      // A cache that cannot take an entry costs the next request a fetch, nothing more.
      logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'cache write failed');
    }
  };

  const fetchImage = async (key: ImageKey): Promise<LoadedImageStreamImage | Error> => {
    try {
      const wire = await clientOf(key.cluster).getImageStreamImage(
        key.namespace,
        imageStreamImageName(key),
        call,
      );
      remember(key, wire.image);
      return { wire };
    } catch (err) {
      return asError(err);
    }
  };

  const imageStream = new DataLoader<StreamKey, ImageStream, string>(
    (keys) => {
      observer?.loaderBatch('imageStream', keys.length);
      return Promise.all(
        keys.map(async (key) => {
          try {
            return await clientOf(key.cluster).getImageStream(key.namespace, key.stream, call);
          } catch (err) {
            return asError(err);
          }
        }),
      );
    },
    { cacheKeyFn: streamCacheKey },
  );

  const imageStreamTag = new DataLoader<TagKey, ImageStreamTag, string>(
    (keys) => {
      observer?.loaderBatch('imageStreamTag', keys.length);
      return Promise.all(
        keys.map(async (key) => {
          try {
            return await clientOf(key.cluster).getImageStreamTag(
              key.namespace,
              imageStreamTagName(key),
              call,
            );
          } catch (err) {
            return asError(err);
          }
        }),
      );
    },
    { cacheKeyFn: tagCacheKey },
  );

  const imageStreamPage = new DataLoader<StreamPageKey, ImageStreamList, string>(
    (keys) => {
      observer?.loaderBatch('imageStreamPage', keys.length);
      return Promise.all(
        keys.map(async (key) => {
          try {
            return await clientOf(key.cluster).listImageStreams(
              key.namespace,
              { limit: key.limit, continueToken: key.continueToken || undefined },
              call,
            );
          } catch (err) {
            return asError(err);
          }
        }),
      );
    },
    { cacheKeyFn: streamPageCacheKey },
  );

  const imageLocations = new DataLoader<LocationKey, readonly FoundLocation[], string>(
    async (keys) => {
      observer?.loaderBatch('imageLocations', keys.length);
      try {
        const outcomes = await fanOut(
          keys.map((key) => clientOf(key.cluster)),
          (client, clusterCall, i) => {
            const key = keys[i] as LocationKey;
            return findImageLocations(client, key.digest, key.namespaces, clusterCall);
          },
          call,
          options.fanOut,
        );
        return outcomes.map((outcome) => (outcome.ok ? outcome.value : outcome.error));
      } catch (err) {
        return keys.map(() => asError(err));
      }
    },
    { cacheKeyFn: locationCacheKey },
  );

  /** Whether the caller may get imagestreamimages in the stream's namespace, per the API server. */
  const mayGetImages = (key: StreamKey): Promise<boolean> => {
    if (!accessReviews) return Promise.resolve(false);
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

  /**
   * Serves the cached images of one stream once access is proven; returns the indices it could
   * not serve (not allowed, not proven, or anything failed), which are then fetched.
   */
  const serveFromCache = async (
    keys: readonly ImageKey[],
    indices: readonly number[],
    cached: readonly (CachedImage | undefined)[],
    results: (LoadedImageStreamImage | Error)[],
  ): Promise<readonly number[]> => {
    const first = keys[indices[0] as number] as ImageKey;
    const [stream, allowed] = await Promise.all([
      imageStream
        .load(streamKey(first.cluster, first.namespace, first.stream))
        .catch(() => undefined),
      mayGetImages(first).catch(() => false),
    ]);
    // Not proven: let the API server give each image its own answer (403, 404…).
    if (!stream || !allowed) return indices;
    const proven = historyDigests(stream);
    if (cache && indices.some((i) => !proven.has((keys[i] as ImageKey).digest))) {
      // Manifest-list children are resolvable through the stream when their list is in its history.
      const lists = await cache.getMany(
        [...proven].map((digest) => ({ cluster: first.cluster, digest })),
      );
      for (const entry of lists)
        for (const m of entry?.image.dockerImageManifests ?? []) proven.add(m.digest);
    }
    const left: number[] = [];
    for (const i of indices) {
      const key = keys[i] as ImageKey;
      const entry = cached[i];
      if (entry && proven.has(key.digest)) {
        results[i] = {
          wire: imageStreamImageFrom(key, stream, entry.image),
          cachedAt: entry.fetchedAt,
        };
      } else {
        left.push(i);
      }
    }
    return left;
  };

  const readCache = async (keys: readonly ImageKey[]): Promise<(CachedImage | undefined)[]> => {
    if (!cache || !accessReviews) return keys.map(() => undefined);
    try {
      return await cache.getMany(keys.map((k) => ({ cluster: k.cluster, digest: k.digest })));
    } catch (err) {
      logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'cache read failed');
      return keys.map(() => undefined);
    }
  };

  const batchImages = async (
    keys: readonly ImageKey[],
  ): Promise<(LoadedImageStreamImage | Error)[]> => {
    observer?.loaderBatch('imageStreamImage', keys.length);
    const results: (LoadedImageStreamImage | Error)[] = new Array(keys.length);
    const cached = await readCache(keys);
    const byStream = new Map<string, number[]>();
    const misses: number[] = [];
    keys.forEach((key, i) => {
      if (!cached[i]) {
        misses.push(i);
        return;
      }
      const group = byStream.get(streamCacheKey(key));
      if (group) group.push(i);
      else byStream.set(streamCacheKey(key), [i]);
    });
    const fetchInto = async (i: number): Promise<void> => {
      results[i] = await fetchImage(keys[i] as ImageKey);
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

  return {
    imageStreamImage: new DataLoader(batchImages, { cacheKeyFn: imageCacheKey }),
    freshImageStreamImage: new DataLoader(
      (keys: readonly ImageKey[]) => {
        observer?.loaderBatch('freshImageStreamImage', keys.length);
        return Promise.all(keys.map(fetchImage));
      },
      { cacheKeyFn: imageCacheKey },
    ),
    imageStream,
    imageStreamTag,
    imageStreamPage,
    imageLocations,
  };
}
