import type DataLoader from 'dataloader';
import { identityOf, type AccessReviews } from '../authz/createAccessReviews.js';
import type { CachedImage, ContentCache } from '../cache/createContentCache.js';
import { headerOf } from '../upstream/headerNameOf.js';
import type { Logger } from '../logger.js';
import type { CallOptions, ImageApiClient } from '../upstream/createImageApiClient.js';
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
  readonly observer?: LoaderObserver | undefined;
  readonly logger?: Logger | undefined;
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

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The ImageStreamImage batch: the cheapest correct plan per image stream.
 *
 * Images whose content is cached are served only when the API server would answer this caller
 * the same way: (1) the caller may `get imagestreamimages` in that namespace — asked with the
 * caller's own credentials (SelfSubjectAccessReview, remembered briefly per identity), because
 * the API server authorizes that resource on its own; and (2) the digest is in the history of
 * the stream (or is a child of a manifest list that is), shown by one GET of the stream with the
 * caller's credentials — how the API server itself resolves an ImageStreamImage. Both run at
 * once. Every other image is fetched with one GET each, all at once (the transport queues them
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
    stream: ImageStream,
    cluster: string,
    wanted: readonly string[],
  ): Promise<Set<string>> => {
    const proven = historyDigests(stream);
    if (cache && wanted.some((digest) => !proven.has(digest))) {
      const lists = await cache.getMany([...proven].map((digest) => ({ cluster, digest })));
      for (const entry of lists)
        for (const m of entry?.image.dockerImageManifests ?? []) proven.add(m.digest);
    }
    return proven;
  };

  /** Serves one stream's cached images once access is proven; returns the indices left to fetch. */
  const serveFromCache = async (
    keys: readonly ImageKey[],
    indices: readonly number[],
    cached: readonly (CachedImage | undefined)[],
    results: (LoadedImageStreamImage | Error)[],
  ): Promise<readonly number[]> => {
    const first = keys[indices[0] as number] as ImageKey;
    const [stream, allowed] = await Promise.all([
      options.imageStream
        .load(streamKey(first.cluster, first.namespace, first.stream))
        .catch(() => undefined),
      mayGetImages(first).catch(() => false),
    ]);
    // Not proven: the API server gives each image its own answer (403, 404…).
    if (!stream || !allowed) return indices;
    const proven = await provenBy(
      stream,
      first.cluster,
      indices.map((i) => (keys[i] as ImageKey).digest),
    );
    const left: number[] = [];
    for (const i of indices) {
      const key = keys[i] as ImageKey;
      const entry = cached[i];
      if (entry && proven.has(key.digest))
        results[i] = {
          wire: imageStreamImageFrom(key, stream, entry.image),
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
