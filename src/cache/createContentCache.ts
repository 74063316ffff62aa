import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.js';
import type { Image } from '../upstream/types.js';

/**
 * Image content by (cluster, digest), shared across requests: an image's metadata, layers and
 * manifests never change for a digest, so a gateway may keep them. It holds content only —
 * never who may see it: the loaders establish the caller's access for every request before
 * they serve anything from here (see createLoaders).
 *
 * Two tiers: an in-process LRU bounded by bytes, and optionally Redis shared by replicas. When
 * Redis is down the cache works from memory alone, with a warning.
 */
export interface CachedImage {
  readonly image: Image;
  /** Epoch ms when the content was read from the API server (signatures may change after). */
  readonly fetchedAt: number;
}

export interface CacheKey {
  readonly cluster: string;
  readonly digest: string;
}

export interface ContentCache {
  getMany(keys: readonly CacheKey[]): Promise<(CachedImage | undefined)[]>;
  set(key: CacheKey, image: Image): void;
  close(): Promise<void>;
}

export interface ContentCacheOptions {
  /** Bytes of JSON the in-process tier holds at most (default 64 MiB). */
  readonly maxBytes: number;
  /** How long content is kept, ms (default 24 h; content is immutable, this bounds staleness of what is not). */
  readonly ttlMs: number;
  readonly redis?: {
    readonly url: string;
    readonly keyPrefix: string;
    readonly timeoutMs?: number;
  };
  readonly logger?: Logger;
  readonly observer?: CacheObserver;
}

/** Receives cache lookups, for metrics. */
export interface CacheObserver {
  cacheLookup(result: 'hit' | 'miss', tier: 'memory' | 'redis'): void;
  cacheError(): void;
}

export const DEFAULT_CONTENT_CACHE: ContentCacheOptions = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  ttlMs: 24 * 3600 * 1000,
});

interface Entry extends CachedImage {
  readonly bytes: number;
}

const keyOf = (key: CacheKey): string => `${key.cluster}\u0000${key.digest}`;

export function createContentCache(
  options: ContentCacheOptions = DEFAULT_CONTENT_CACHE,
): ContentCache {
  const memory = new LRUCache<string, Entry>({
    maxSize: options.maxBytes,
    sizeCalculation: (entry) => Math.max(1, entry.bytes),
    ttl: options.ttlMs,
  });
  const logger = options.logger;
  let redis: Redis | undefined;
  let lastWarning = 0;
  const observer = options.observer;
  const warn = (message: string, err: unknown): void => {
    observer?.cacheError();
    // One line per 30 s at most: a down Redis must not flood the log.
    if (Date.now() - lastWarning > 30_000) {
      lastWarning = Date.now();
      logger?.warn({ err: err instanceof Error ? err.message : String(err) }, message);
    }
  };
  if (options.redis) {
    redis = new Redis(options.redis.url, {
      keyPrefix: options.redis.keyPrefix,
      // Fail fast while disconnected instead of queueing: the cache is an optimisation.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 500, 10_000),
    });
    redis.on('error', (err: unknown) =>
      warn('the shared cache (Redis) is unavailable; serving from the in-process cache', err),
    );
  }
  const redisTimeoutMs = options.redis?.timeoutMs ?? 200;
  const redisKey = (key: CacheKey): string => `img:v1:${key.cluster}:${key.digest}`;

  const withTimeout = <T>(promise: Promise<T>): Promise<T> =>
    Promise.race([
      promise,
      new Promise<T>((_resolve, reject) =>
        setTimeout(
          () => reject(new Error(`Redis did not answer in ${redisTimeoutMs} ms`)),
          redisTimeoutMs,
        ).unref(),
      ),
    ]);

  return {
    async getMany(keys) {
      const out: (CachedImage | undefined)[] = keys.map((key) => memory.get(keyOf(key)));
      const missing = out.flatMap((entry, i) => (entry ? [] : [i]));
      if (redis && redis.status === 'ready' && missing.length > 0) {
        try {
          const values = await withTimeout(
            redis.mget(missing.map((i) => redisKey(keys[i] as CacheKey))),
          );
          values.forEach((value, j) => {
            if (value === null) return;
            const index = missing[j] as number;
            const parsed = JSON.parse(value) as CachedImage;
            const entry: Entry = {
              image: parsed.image,
              fetchedAt: parsed.fetchedAt,
              bytes: value.length,
            };
            memory.set(keyOf(keys[index] as CacheKey), entry);
            out[index] = entry;
            observer?.cacheLookup('hit', 'redis');
          });
        } catch (err) {
          warn('the shared cache (Redis) failed a read; serving from the in-process cache', err);
        }
      }
      const memoryHits = keys.length - missing.length;
      for (let i = 0; i < memoryHits; i++) observer?.cacheLookup('hit', 'memory');
      for (const entry of out)
        if (!entry) observer?.cacheLookup('miss', redis ? 'redis' : 'memory');
      return out;
    },
    set(key, image) {
      const fetchedAt = Date.now();
      const json = JSON.stringify({ image, fetchedAt });
      memory.set(keyOf(key), { image, fetchedAt, bytes: json.length });
      if (redis && redis.status === 'ready') {
        redis
          .set(redisKey(key), json, 'PX', options.ttlMs)
          .catch((err: unknown) => warn('the shared cache (Redis) failed a write', err));
      }
    },
    async close() {
      if (redis) {
        await redis.quit().catch(() => redis?.disconnect());
      }
    },
  };
}
