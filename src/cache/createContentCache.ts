import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.js';
import type { CircuitBreakerOptions } from '../upstream/createCircuitBreaker.js';
import type { Image } from '../upstream/types.js';
import { createEntryCodec, type CacheKey, type EntryPayload } from './createEntryCodec.js';
import { createRedisTier, type RedisTierStats } from './createRedisTier.js';

export type { CacheKey };

/**
 * Image content by (cluster, digest), shared across requests: an image's metadata, layers and
 * manifests never change for a digest, so a gateway may keep them. It holds content only —
 * never who may see it: the loaders establish the caller's access for every request before
 * they serve anything from here (see createLoaders).
 *
 * Two tiers: an in-process LRU bounded by bytes, and optionally Redis shared by replicas. Redis
 * is an untrusted store that may fail: an entry read from it is checked like any input from
 * outside (createEntryCodec) and, when refused, is a miss that is counted as `invalid` and never
 * copied into the in-process tier; a Redis that is down or stalls costs a request at most the
 * command timeout, and then nothing while the breaker is open (createRedisTier). Failures are
 * counted and logged at most every 30 s.
 */
export interface CachedImage {
  readonly image: Image;
  /** Epoch ms when the content was read from the API server (signatures may change after). */
  readonly fetchedAt: number;
}

export interface ContentCache {
  /** The cached content for each key, in order; undefined where none (or none valid). */
  getMany(keys: readonly CacheKey[]): Promise<(CachedImage | undefined)[]>;
  /** Keeps an image just read from the API server; the caller guarantees its name is `key.digest`. */
  set(key: CacheKey, image: Image): void;
  stats(): ContentCacheStats;
  close(): Promise<void>;
}

export interface ContentCacheStats {
  /** Entries in the in-process tier. */
  readonly entries: number;
  /** Their accounted heap size, bytes (bounded by `maxBytes`). */
  readonly bytes: number;
  readonly redis?: RedisTierStats | undefined;
}

export interface ContentCacheOptions {
  /** Heap bytes the in-process tier holds at most (default 64 MiB). */
  readonly maxBytes: number;
  /**
   * How long an entry is served after it was read from the API server, ms (default 10 min).
   * Content never changes for a digest, but an Image can be deleted (pruned by hand) while its
   * digest stays in a stream's history: the API server then answers 404, and this bounds how
   * long the cache can still serve it. An expired entry is read again (one GET).
   */
  readonly ttlMs: number;
  /** Redis entries (as stored, envelope included) longer than this are neither written nor read (default 2 MiB). */
  readonly maxEntryBytes?: number | undefined;
  readonly redis?:
    | {
        readonly url: string;
        readonly keyPrefix: string;
        /** HMAC-SHA256 key for entries (at least 32 bytes); see createEntryCodec. */
        readonly signingKey?: Buffer | undefined;
        /** Each Redis command's timeout, ms (default 200). */
        readonly commandTimeoutMs?: number | undefined;
        /** Redis commands out at once at most (default 512). */
        readonly maxOutstanding?: number | undefined;
        readonly breaker?: CircuitBreakerOptions | undefined;
      }
    | undefined;
  readonly logger?: Logger | undefined;
  readonly observer?: CacheObserver | undefined;
  /** The clock for `fetchedAt`, entry ages, the breaker and log rate limits (default Date.now). */
  readonly now?: (() => number) | undefined;
}

/**
 * Receives cache lookups, for metrics. Each key looked up is counted once: a `hit` in the tier
 * that had it, an `invalid` Redis entry (refused by the checks, served as a miss), or a `miss`.
 */
export interface CacheObserver {
  cacheLookup(result: 'hit' | 'miss' | 'invalid', tier: 'memory' | 'redis'): void;
  cacheError(): void;
}

export const DEFAULT_CONTENT_CACHE: ContentCacheOptions = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  ttlMs: 10 * 60 * 1000,
});

const DEFAULT_MAX_ENTRY_BYTES = 2 * 1024 * 1024;
const LOG_INTERVAL_MS = 30_000;

/**
 * The in-process tier keeps each entry as its payload text and parses it on every hit. Measured
 * with a child `node --expose-gc` that fills the cache with seed images parsed as the upstream
 * client parses them (test/cache/heapOfCache.mjs): keeping the parsed objects and counting JSON
 * length, as before, undercounted the heap by 1.4× (many layers) to 2.9× (distinct label keys,
 * which whoever builds an image chooses; 1.5× for the plain seed), and a size model over the
 * objects still missed V8's hidden classes by 2×. A flat string's size is known, so the count
 * is within 1 % of the heap whatever the shape, at the cost of one JSON.parse per hit: 58 µs
 * for a 10-image warm query of seed images (2.3 KB each) against 3 µs before, about 3 % of
 * such a query; the cost grows with the image, as serialising its answer does. The parsed
 * images of the most recent hits are kept in a hot tier (HOT_SHARE of the bytes, each counted by
 * an upper estimate of its heap), deeply frozen, so that no resolver can change them for the next
 * request.
 *
 * V8 stores a flat string with a 16-byte header and one byte per character, or two when any
 * character is past U+00FF, rounded up to 8 bytes.
 */
function stringBytes(text: string): number {
  const chars = /[\u0100-\uffff]/.test(text) ? 2 * text.length : text.length;
  return 16 + Math.ceil(chars / 8) * 8;
}

/** Per entry besides its key and payload strings: the LRU's map entry and slots (measured). */
const ENTRY_OVERHEAD = 120;

/**
 * The share of `maxBytes` kept for the hot tier: the parsed, frozen images of the entries hit
 * most recently, so a warm query does not parse what the one before it parsed (a 10-image warm
 * query spent 7 % of its CPU in those parses, measured). Each is counted by heapEstimate, so the
 * two tiers together stay within `maxBytes`.
 */
const HOT_SHARE = 1 / 16;

/**
 * An upper estimate of the heap a parsed image takes: its text three times over (the most the
 * heap was measured to exceed the text for images of strings, see stringBytes; it also covers the
 * payload text, which V8 may keep alive through strings sliced out of it), plus a fixed cost per
 * object or array and per property or element. The text alone undercounts images made of many
 * small objects, which whoever pushes an image chooses: a config with 2,000 empty `Volumes`
 * entries (`{"/0":{}}`) took 9.6 times its text (found by a red team); counted so, 1.24 times its
 * heap. test/cache/heapOfCache.mjs measures five shapes: 1.24 to 9.5 times the heap, never less.
 */
const HEAP_PER_CHAR = 3;
const HEAP_PER_OBJECT = 72;
const HEAP_PER_PROPERTY = 24;

/**
 * Freezes an object and everything under it, so that no request can change it for the next;
 * returns the objects and properties it found, for heapEstimate.
 */
function deepFreeze(value: unknown, counts = { objects: 0, properties: 0 }): typeof counts {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return counts;
  counts.objects += 1;
  for (const key of Object.keys(value)) {
    counts.properties += 1;
    deepFreeze((value as Record<string, unknown>)[key], counts);
  }
  Object.freeze(value);
  return counts;
}

/** Joined, not concatenated: V8 makes a flat string of a join, whose size is the one counted. */
const memoryKey = (key: CacheKey): string => [key.cluster, key.digest].join('\u0000');
/** v2: entries are sealed envelopes (createEntryCodec); v1 entries were bare JSON. */
const redisKey = (key: CacheKey): string => `img:v2:${key.cluster}:${key.digest}`;

export function createContentCache(
  options: ContentCacheOptions = DEFAULT_CONTENT_CACHE,
): ContentCache {
  const now = options.now ?? Date.now;
  const { logger, observer, ttlMs } = options;
  const maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  const hotBytes = Math.floor(options.maxBytes * HOT_SHARE);
  const memory = new LRUCache<string, string>({
    maxSize: Math.max(1, options.maxBytes - hotBytes),
    sizeCalculation: (payload, key) => stringBytes(payload) + stringBytes(key) + ENTRY_OVERHEAD,
    ttl: ttlMs,
  });
  /**
   * memoryKey → the parsed entry of the payload the in-process tier holds for it (set() and a
   * copy from Redis drop it; it is only consulted after a hit in `memory`, so it never outlives
   * its entry). Shared across requests, hence frozen.
   */
  const hot =
    hotBytes >= 1
      ? new LRUCache<string, { entry: CachedImage; bytes: number }>({
          maxSize: hotBytes,
          sizeCalculation: (value) => Math.max(1, value.bytes),
        })
      : undefined;
  const putMemory = (key: string, payload: string, ttl?: number): void => {
    hot?.delete(key);
    memory.set(key, payload, ttl === undefined ? undefined : { ttl });
  };
  const codec = createEntryCodec({
    signingKey: options.redis?.signingKey,
    ttlMs,
    maxEntryBytes,
  });

  // One line per 30 s at most for each kind: a down Redis or a flood of bad entries must not
  // flood the log. Every failure is counted.
  let lastFailureLog = -Infinity;
  let lastInvalidLog = -Infinity;
  const failure = (message: string, err: unknown): void => {
    observer?.cacheError();
    if (now() - lastFailureLog < LOG_INTERVAL_MS) return;
    lastFailureLog = now();
    logger?.warn(
      err === undefined ? {} : { err: err instanceof Error ? err.message : JSON.stringify(err) },
      message,
    );
  };
  const invalid = (key: CacheKey, problem: string): void => {
    observer?.cacheLookup('invalid', 'redis');
    if (now() - lastInvalidLog < LOG_INTERVAL_MS) return;
    lastInvalidLog = now();
    logger?.warn(
      { cluster: key.cluster, digest: key.digest, problem: `the entry ${problem}` },
      'refused an entry of the shared cache (Redis); treated as a miss',
    );
  };

  const redis = options.redis
    ? createRedisTier({
        url: options.redis.url,
        keyPrefix: options.redis.keyPrefix,
        commandTimeoutMs: options.redis.commandTimeoutMs,
        maxOutstanding: options.redis.maxOutstanding,
        maxValueBytes: maxEntryBytes,
        breaker: options.redis.breaker,
        onFailure: failure,
        now,
      })
    : undefined;

  /** A hit in the in-process tier: its text was written by this process or checked on its way in. */
  const fromMemory = (key: string, payload: string, at: number): CachedImage => {
    const known = hot?.get(key);
    if (known) return known.entry;
    const parsed = JSON.parse(payload) as EntryPayload;
    const entry: CachedImage = { image: parsed.image, fetchedAt: Math.min(parsed.fetchedAt, at) };
    const { objects, properties } = deepFreeze(entry);
    const bytes =
      HEAP_PER_CHAR * payload.length + HEAP_PER_OBJECT * objects + HEAP_PER_PROPERTY * properties;
    hot?.set(key, { entry, bytes });
    return entry;
  };

  return {
    async getMany(keys) {
      const at = now();
      const out = keys.map((key) => {
        const name = memoryKey(key);
        const payload = memory.get(name);
        return payload === undefined ? undefined : fromMemory(name, payload, at);
      });
      const missing = out.flatMap((entry, i) => (entry ? [] : [i]));
      for (let i = keys.length - missing.length; i > 0; i--) observer?.cacheLookup('hit', 'memory');
      let refused = 0;
      if (redis && missing.length > 0) {
        const wanted = missing.map((i) => keys[i] as CacheKey);
        const values = await redis.read(wanted.map(redisKey));
        const readAt = now();
        values.forEach((value, j) => {
          const key = wanted[j] as CacheKey;
          if (value === undefined) return;
          if (value instanceof Error) {
            refused += 1;
            invalid(key, `was refused by Redis (${value.message.slice(0, 100)})`);
            return;
          }
          const opened = codec.open(key, value, readAt);
          if (!opened.ok) {
            refused += 1;
            invalid(key, opened.problem);
            return;
          }
          const { payload, image, fetchedAt } = opened.entry;
          putMemory(memoryKey(key), payload, Math.max(1, ttlMs - (readAt - fetchedAt)));
          out[missing[j] as number] = { image, fetchedAt };
          observer?.cacheLookup('hit', 'redis');
        });
      }
      const tier = redis ? 'redis' : 'memory';
      const misses = out.filter((entry) => !entry).length - refused;
      for (let i = 0; i < misses; i++) observer?.cacheLookup('miss', tier);
      return out;
    },
    set(key, image) {
      const bytes = Buffer.from(codec.payload(key, image, now()));
      // Kept decoded from its bytes: JSON.stringify returns a tree of parts that costs V8 more
      // than its length until something flattens it; a decoded string is flat from the start.
      putMemory(memoryKey(key), bytes.toString());
      if (!redis) return;
      const value = codec.seal(key, bytes);
      if (value.length <= maxEntryBytes) redis.write(redisKey(key), value, ttlMs);
    },
    stats() {
      return {
        entries: memory.size,
        bytes: memory.calculatedSize + (hot?.calculatedSize ?? 0),
        redis: redis?.stats(),
      };
    },
    async close() {
      await redis?.close();
    },
  };
}
