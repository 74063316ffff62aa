import DataLoader from 'dataloader';
import type { CachedImage, ContentCache } from '../cache/createContentCache.js';
import type { ClusterRegistry } from '../clusters/createClusterRegistry.js';
import { GatewayError } from '../errors.js';
import type { CallOptions, ImageApiClient } from '../upstream/createImageApiClient.js';
import type { Image, ImageStream, ImageStreamImage } from '../upstream/types.js';

/** A namespaced object on one cluster; `name` is `<stream>@<digest>` or a stream name. */
export interface ObjectKey {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
}

/** An ImageStreamImage, and when its image came from the content cache, when that was read. */
export interface LoadedImageStreamImage {
  readonly wire: ImageStreamImage;
  readonly cachedAt?: number | undefined;
}

export interface Loaders {
  /** ImageStreamImages by (cluster, namespace, stream@digest); served from the cache where the caller's access is proven. */
  readonly imageStreamImage: DataLoader<ObjectKey, LoadedImageStreamImage, string>;
  /** The same, always from the API server (for signatures and annotations older than their TTL). */
  readonly freshImageStreamImage: DataLoader<ObjectKey, LoadedImageStreamImage, string>;
  /** ImageStreams by (cluster, namespace, name). */
  readonly imageStream: DataLoader<ObjectKey, ImageStream, string>;
}

/** Receives batch sizes, for metrics. */
export interface LoaderObserver {
  loaderBatch(loader: string, size: number): void;
}

export const objectKey = (key: ObjectKey): string =>
  `${key.cluster}\u0000${key.namespace}\u0000${key.name}`;

const splitName = (name: string): { stream: string; digest: string } => {
  const at = name.indexOf('@');
  return { stream: name.slice(0, at), digest: name.slice(at + 1) };
};

/** Every digest a stream resolves directly: its whole tag history (server: imagestreamimage REST). */
function historyDigests(stream: ImageStream): Set<string> {
  const out = new Set<string>();
  for (const tag of stream.status?.tags ?? [])
    for (const item of tag.items ?? []) out.add(item.image);
  return out;
}

/** What the API server answers for `<stream>@<digest>`, built from cached content (server code §2.1 step 7). */
function imageStreamImageOf(key: ObjectKey, stream: ImageStream, image: Image): ImageStreamImage {
  const metadata: ImageStreamImage['metadata'] = {
    name: key.name,
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
 * failed key, so one failed image nulls only its own item.
 *
 * The ImageStreamImage batch takes the cheapest correct plan per image stream: images whose
 * content is cached cost, together, one GET of their image stream with the caller's own
 * credentials — which proves both that the caller may read the stream and that each digest is
 * in its history (or is a child of a manifest list that is), exactly how the API server decides
 * an ImageStreamImage GET. Images not cached, or not proven, are fetched one GET each, all at
 * once (the client caps concurrency per cluster), and cached for the next request.
 */
export function createLoaders(
  registry: ClusterRegistry,
  call: CallOptions,
  cache?: ContentCache,
  observer?: LoaderObserver,
): Loaders {
  const clientOf = (cluster: string): ImageApiClient => {
    const client = registry.get(cluster);
    if (!client)
      throw new GatewayError('INTERNAL_SERVER_ERROR', `no client for cluster "${cluster}"`);
    return client;
  };

  const fetchOne = async (key: ObjectKey): Promise<LoadedImageStreamImage | Error> => {
    try {
      const wire = await clientOf(key.cluster).getImageStreamImage(key.namespace, key.name, call);
      const digest = wire.image.metadata.name;
      if (cache && digest && digest === splitName(key.name).digest)
        cache.set({ cluster: key.cluster, digest }, wire.image);
      return { wire };
    } catch (err) {
      return asError(err);
    }
  };

  const imageStream = new DataLoader<ObjectKey, ImageStream, string>(
    (keys) => {
      observer?.loaderBatch('imageStream', keys.length);
      return Promise.all(
        keys.map((key) =>
          clientOf(key.cluster).getImageStream(key.namespace, key.name, call).catch(asError),
        ),
      );
    },
    { cacheKeyFn: objectKey },
  );

  /** Serves the cached keys of one stream after proving access with one stream GET; returns the keys it could not prove. */
  const serveFromCache = async (
    keys: readonly ObjectKey[],
    indices: readonly number[],
    cached: readonly (CachedImage | undefined)[],
    results: (LoadedImageStreamImage | Error)[],
  ): Promise<number[]> => {
    const first = keys[indices[0] as number] as ObjectKey;
    let stream: ImageStream;
    try {
      stream = await imageStream.load({
        cluster: first.cluster,
        namespace: first.namespace,
        name: splitName(first.name).stream,
      });
    } catch {
      // Let the API server give each image its own answer (403, 404…).
      return [...indices];
    }
    const allowed = historyDigests(stream);
    const unproven = indices.filter(
      (i) => !allowed.has(splitName((keys[i] as ObjectKey).name).digest),
    );
    if (unproven.length > 0 && cache) {
      // Manifest-list children are resolvable through the stream when their list is in its history.
      const lists = [...allowed];
      const listEntries = await cache.getMany(
        lists.map((digest) => ({ cluster: first.cluster, digest })),
      );
      for (const entry of listEntries)
        for (const m of entry?.image.dockerImageManifests ?? []) allowed.add(m.digest);
    }
    const notProven: number[] = [];
    for (const i of indices) {
      const key = keys[i] as ObjectKey;
      const entry = cached[i];
      if (entry && allowed.has(splitName(key.name).digest)) {
        results[i] = {
          wire: imageStreamImageOf(key, stream, entry.image),
          cachedAt: entry.fetchedAt,
        };
      } else {
        notProven.push(i);
      }
    }
    return notProven;
  };

  const batchImages = async (
    keys: readonly ObjectKey[],
  ): Promise<(LoadedImageStreamImage | Error)[]> => {
    observer?.loaderBatch('imageStreamImage', keys.length);
    const results: (LoadedImageStreamImage | Error)[] = new Array(keys.length);
    const cached = cache
      ? await cache.getMany(
          keys.map((k) => ({ cluster: k.cluster, digest: splitName(k.name).digest })),
        )
      : keys.map(() => undefined);
    const byStream = new Map<string, number[]>();
    const misses: number[] = [];
    keys.forEach((key, i) => {
      if (!cached[i]) {
        misses.push(i);
        return;
      }
      const streamKey = objectKey({ ...key, name: splitName(key.name).stream });
      const indices = byStream.get(streamKey);
      if (indices) indices.push(i);
      else byStream.set(streamKey, [i]);
    });
    const fetchInto = async (i: number): Promise<void> => {
      results[i] = await fetchOne(keys[i] as ObjectKey);
    };
    await Promise.all([
      ...misses.map(fetchInto),
      ...[...byStream.values()].map(async (indices) => {
        const left = await serveFromCache(keys, indices, cached, results);
        await Promise.all(left.map(fetchInto));
      }),
    ]);
    return results;
  };

  return {
    imageStreamImage: new DataLoader(batchImages, { cacheKeyFn: objectKey }),
    freshImageStreamImage: new DataLoader((keys) => Promise.all(keys.map(fetchOne)), {
      cacheKeyFn: objectKey,
    }),
    imageStream,
  };
}
