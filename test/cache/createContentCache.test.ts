import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createContentCache,
  DEFAULT_CONTENT_CACHE,
  type CacheObserver,
  type ContentCache,
  type ContentCacheOptions,
} from '../../src/cache/createContentCache.js';
import { readFixture } from '../../src/simulator/createSeed.js';
import type { Image } from '../../src/upstream/types.js';
import { captureLogs } from '../helpers/captureLogs.js';
import { startRedisServer, type RedisServer } from '../helpers/startRedisServer.js';

const HEAP_OF_CACHE = fileURLToPath(new URL('./heapOfCache.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cache/createContentCache.js', import.meta.url));

const PYTHON = readFixture('image-python-3.8.12-schema2.json') as Image;
const digestOf = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
/** The python image under another digest. */
const imageOf = (n: number): Image => ({
  ...PYTHON,
  metadata: { ...PYTHON.metadata, name: digestOf(n) },
});
const NOW = 1_800_000_000_000;
const TTL = 3_600_000;
const KEY_A = Buffer.from('0123456789abcdef0123456789abcdef0123456789abcdef');
const KEY_B = Buffer.from('fedcba9876543210fedcba9876543210fedcba9876543210');

/** Counts what a cache reports, as `result/tier`. */
function recorder(): CacheObserver & { counts: Record<string, number>; errors: number } {
  const counts: Record<string, number> = {};
  return {
    counts,
    errors: 0,
    cacheLookup(result, tier) {
      counts[`${result}/${tier}`] = (counts[`${result}/${tier}`] ?? 0) + 1;
    },
    cacheError() {
      this.errors += 1;
    },
  };
}

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** V8's size of a flat string (see createContentCache). */
const stringBytes = (text: string): number =>
  16 + Math.ceil(((/[\u0100-\uffff]/.test(text) ? 2 : 1) * text.length) / 8) * 8;

describe('createContentCache, in process', () => {
  it('serves an entry for 10 minutes by default, the bound the README gives for an Image deleted upstream', () => {
    expect(DEFAULT_CONTENT_CACHE.ttlMs).toBe(10 * 60 * 1000);
  });

  const clock = NOW;
  const cacheOf = (options: Partial<ContentCacheOptions> = {}): ContentCache =>
    createContentCache({ maxBytes: 1 << 24, ttlMs: TTL, now: () => clock, ...options });

  it('returns what was set, when it was read, frozen: no request can change it for the next', async () => {
    const cache = cacheOf();
    cache.set({ cluster: 'east', digest: digestOf(1) }, imageOf(1));
    const [first] = await cache.getMany([{ cluster: 'east', digest: digestOf(1) }]);
    expect(first).toEqual({ image: imageOf(1), fetchedAt: NOW });
    expect(() => {
      first!.image.dockerImageLayers!.length = 0;
    }).toThrow(TypeError);
    expect(() => {
      (first!.image.dockerImageLayers![0] as { size: number }).size = 1;
    }).toThrow(TypeError);
    expect(() => {
      first!.image.metadata.name = 'other';
    }).toThrow(TypeError);
    const [second] = await cache.getMany([{ cluster: 'east', digest: digestOf(1) }]);
    expect(second).toEqual({ image: imageOf(1), fetchedAt: NOW });
    // The parsed image is kept (the hot tier): the next hit is the same object, not a new parse.
    expect(second).toBe(first);
    // A new read of the image (its signatures or annotations changed) replaces it at once.
    const changed = { ...imageOf(1), dockerImageReference: 'changed' };
    cache.set({ cluster: 'east', digest: digestOf(1) }, changed);
    const [third] = await cache.getMany([{ cluster: 'east', digest: digestOf(1) }]);
    expect(third).toEqual({ image: changed, fetchedAt: NOW });
    expect(
      await cache.getMany([
        { cluster: 'west', digest: digestOf(1) },
        { cluster: 'east', digest: digestOf(2) },
      ]),
    ).toEqual([undefined, undefined]);
  });

  it("accounts an entry as V8 holds it: its payload and key strings and the LRU's slots", () => {
    const cache = cacheOf();
    const payload = JSON.stringify({
      cluster: 'east',
      digest: digestOf(1),
      fetchedAt: NOW,
      image: imageOf(1),
    });
    const key = `east\u0000${digestOf(1)}`;
    cache.set({ cluster: 'east', digest: digestOf(1) }, imageOf(1));
    expect(cache.stats()).toEqual({
      entries: 1,
      bytes: stringBytes(payload) + stringBytes(key) + 120,
      redis: undefined,
    });
    // Two bytes a character once one is past U+00FF.
    const wide = { ...imageOf(2), dockerImageReference: '漢字' };
    const widePayload = JSON.stringify({
      cluster: 'east',
      digest: digestOf(2),
      fetchedAt: NOW,
      image: wide,
    });
    cache.set({ cluster: 'east', digest: digestOf(2) }, wide);
    expect(cache.stats().bytes).toBe(
      stringBytes(payload) + stringBytes(widePayload) + 2 * (stringBytes(key) + 120),
    );
    expect(stringBytes(widePayload)).toBe(16 + Math.ceil((2 * widePayload.length) / 8) * 8);
  });

  it('counts each parsed image it keeps by its text, objects and properties, and stays within maxBytes', async () => {
    const maxBytes = 1 << 20;
    const cache = cacheOf({ maxBytes });
    const key = { cluster: 'east', digest: digestOf(1) };
    cache.set(key, imageOf(1));
    const before = cache.stats().bytes;
    await cache.getMany([key]);
    const payload = JSON.stringify({
      cluster: 'east',
      digest: digestOf(1),
      fetchedAt: NOW,
      image: imageOf(1),
    });
    let objects = 0;
    let properties = 0;
    const walk = (value: unknown): void => {
      if (typeof value !== 'object' || value === null) return;
      objects += 1;
      for (const v of Object.values(value)) {
        properties += 1;
        walk(v);
      }
    };
    walk({ image: imageOf(1), fetchedAt: NOW });
    expect(cache.stats().bytes).toBe(before + 3 * payload.length + 72 * objects + 24 * properties);
    const keys = Array.from({ length: 200 }, (_, i) => ({ cluster: 'east', digest: digestOf(i) }));
    for (const [i, k] of keys.entries()) {
      cache.set(k, imageOf(i));
      await cache.getMany([k]);
      expect(cache.stats().bytes).toBeLessThanOrEqual(maxBytes);
    }
  });

  it('drops the least recently used entries past maxBytes', async () => {
    const one = createContentCache({ maxBytes: 1 << 20, ttlMs: TTL });
    one.set({ cluster: 'east', digest: digestOf(1) }, imageOf(1));
    const size = one.stats().bytes;
    const cache = cacheOf({ maxBytes: 2 * size + size / 2 });
    const keys = [1, 2, 3].map((n) => ({ cluster: 'east', digest: digestOf(n) }));
    cache.set(keys[0]!, imageOf(1));
    cache.set(keys[1]!, imageOf(2));
    await cache.getMany([keys[0]!]);
    cache.set(keys[2]!, imageOf(3));
    expect((await cache.getMany(keys)).map((entry) => entry !== undefined)).toEqual([
      true,
      false,
      true,
    ]);
    expect(cache.stats()).toEqual({ entries: 2, bytes: 2 * size, redis: undefined });
  });

  it('counts memory hits and misses', async () => {
    const observer = recorder();
    const cache = cacheOf({ observer });
    cache.set({ cluster: 'east', digest: digestOf(1) }, imageOf(1));
    await cache.getMany([1, 2, 1].map((n) => ({ cluster: 'east', digest: digestOf(n) })));
    expect(observer.counts).toEqual({ 'hit/memory': 2, 'miss/memory': 1 });
  });

  // Filled in a child `node --expose-gc` with real seed images, parsed as the upstream client
  // parses them; the heap it grew by, after forced collections, against what the cache counts.
  it.each(['seed', 'distinct-label-keys', 'unicode', 'many-layers', 'tiny'])(
    'holds within 1.2x of the heap bytes it accounts (%s images)',
    (shape) => {
      if (!existsSync(BUILT))
        throw new Error('dist/ is missing: run `npm run build` (npm test does)');
      const child = spawnSync(process.execPath, ['--expose-gc', HEAP_OF_CACHE, shape], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(child.stderr).toBe('');
      const { entries, bytes, real } = JSON.parse(child.stdout) as {
        entries: number;
        bytes: number;
        real: number;
      };
      expect(entries).toBeGreaterThan(1000);
      expect(real / bytes).toBeGreaterThan(1 / 1.2);
      expect(real / bytes).toBeLessThan(1.2);
    },
    60_000,
  );

  // The hot tier's parsed images against the estimate it counts them by: never more heap than
  // counted. Far less is possible (V8 may slice long strings out of the payload text rather than
  // copy them, 9.5x less for many layers), which costs the tier room, never the bound.
  it.each(['seed', 'volumes', 'distinct-label-keys', 'many-layers', 'tiny'])(
    'counts the parsed images of its hot tier at no less than their heap (%s images)',
    (shape) => {
      const child = spawnSync(process.execPath, ['--expose-gc', HEAP_OF_CACHE, shape], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(child.stderr).toBe('');
      const { hotBytes, hotReal } = JSON.parse(child.stdout) as {
        hotBytes: number;
        hotReal: number;
      };
      expect(hotReal).toBeGreaterThan(0);
      expect(hotReal).toBeLessThanOrEqual(hotBytes);
      expect(hotBytes / hotReal).toBeLessThan(12);
    },
    60_000,
  );
});

describe('createContentCache over Redis', () => {
  let server: RedisServer;
  let prefix = 0;
  const caches: ContentCache[] = [];
  let clock = NOW;

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    server.resume();
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
    clock = NOW;
  });
  afterAll(async () => {
    await server?.close();
  });

  interface Replica {
    readonly cache: ContentCache;
    readonly observer: ReturnType<typeof recorder>;
    readonly logs: string[];
  }

  /** A cache as one gateway replica has it, on its own key prefix unless told. */
  async function replicaOf(
    options: { signingKey?: Buffer; keyPrefix?: string; url?: string; maxEntryBytes?: number } = {},
  ): Promise<Replica> {
    const observer = recorder();
    const { lines, logger } = captureLogs('warn');
    const cache = createContentCache({
      maxBytes: 1 << 24,
      ttlMs: TTL,
      maxEntryBytes: options.maxEntryBytes,
      redis: {
        url: options.url ?? server.url,
        keyPrefix: options.keyPrefix ?? `p${prefix}:`,
        signingKey: options.signingKey,
        // A loaded test machine must not turn a healthy Redis into a timeout.
        commandTimeoutMs: 5_000,
      },
      logger,
      observer,
      now: () => clock,
    });
    caches.push(cache);
    if (!options.url) await until('connected', () => cache.stats().redis?.connected === true);
    return { cache, observer, logs: lines };
  }

  const redisKeyOf = (n: number, cluster = 'east', keyPrefix = `p${prefix}:`): string =>
    `${keyPrefix}img:v2:${cluster}:${digestOf(n)}`;

  const payloadOf = (n: number, fields: Record<string, unknown> = {}): string =>
    JSON.stringify({
      cluster: 'east',
      digest: digestOf(n),
      fetchedAt: NOW - 1000,
      image: imageOf(n),
      ...fields,
    });
  const signed = (secret: Buffer, cluster: string, n: number, payload: string): string => {
    const mac = createHmac('sha256', secret)
      .update(`oig-content-cache:v1\n${JSON.stringify([cluster, digestOf(n)])}\n`)
      .update(payload)
      .digest('base64url');
    return `v1:${mac}:${payload}`;
  };

  const lookup = (cache: ContentCache, ns: number[], cluster = 'east') =>
    cache.getMany(ns.map((n) => ({ cluster, digest: digestOf(n) })));

  it('lets a replica use what another one wrote, and keeps it in its own memory', async () => {
    prefix += 1;
    const a = await replicaOf();
    const b = await replicaOf();
    a.cache.set({ cluster: 'east', digest: digestOf(1) }, imageOf(1));
    await until('written', async () => (await server.client.exists(redisKeyOf(1))) === 1);
    expect(await lookup(b.cache, [1])).toEqual([{ image: imageOf(1), fetchedAt: NOW }]);
    expect(await lookup(b.cache, [1, 2])).toEqual([
      { image: imageOf(1), fetchedAt: NOW },
      undefined,
    ]);
    expect(b.observer.counts).toEqual({ 'hit/redis': 1, 'hit/memory': 1, 'miss/redis': 1 });
    expect(b.cache.stats()).toMatchObject({ entries: 1, redis: { outstanding: 0, failed: 0 } });
    expect((await server.client.pttl(redisKeyOf(1))) > TTL - 60_000).toBe(true);
  });

  it('refuses garbage as a miss: counted as invalid, never copied into memory, never an error', async () => {
    prefix += 1;
    const garbage: [string, string | Buffer][] = [
      ['not JSON', 'hello'],
      ['a bare JSON entry, as before', payloadOf(0)],
      ['a payload that is not JSON', 'v1::{"cluster":'],
      [
        'layers that are a string',
        `v1::${payloadOf(0, { image: { ...imageOf(0), dockerImageLayers: 'x' } })}`,
      ],
      ['an image of another digest', `v1::${payloadOf(0, { image: imageOf(999) })}`],
      ['another cluster', `v1::${payloadOf(0, { cluster: 'west' })}`],
      ['a fetchedAt in the future', `v1::${payloadOf(0, { fetchedAt: NOW + 3_600_000 })}`],
      ['an ancient fetchedAt', `v1::${payloadOf(0, { fetchedAt: 0 })}`],
      ['3 MiB', `v1::${payloadOf(0, { padding: 'x'.repeat(3 << 20) })}`],
    ];
    for (const [i, [, value]] of garbage.entries()) {
      // Each case under its own digest, with the payload naming that digest.
      const text = typeof value === 'string' ? value : value.toString();
      await server.client.set(
        redisKeyOf(i),
        text.replaceAll(digestOf(0), digestOf(i)).replaceAll(digestOf(999), digestOf(999 - i)),
      );
    }
    const list = garbage.length;
    await server.client.rpush(redisKeyOf(list), 'not a string');
    const ns = Array.from({ length: list + 1 }, (_, i) => i);
    const replica = await replicaOf();

    expect(await lookup(replica.cache, ns)).toEqual(ns.map(() => undefined));
    expect(replica.observer.counts).toEqual({ 'invalid/redis': list + 1 });
    expect(replica.cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
    expect(await lookup(replica.cache, ns)).toEqual(ns.map(() => undefined));
    expect(replica.observer.counts).toEqual({ 'invalid/redis': 2 * (list + 1) });
    expect(replica.observer.errors).toBe(0);
    expect(replica.cache.stats().redis).toMatchObject({ failed: 0, breaker: 'closed' });
    // One line per 30 s, naming the first refusal.
    expect(replica.logs).toHaveLength(1);
    expect(JSON.parse(replica.logs[0]!)).toMatchObject({
      level: 'warn',
      msg: 'refused an entry of the shared cache (Redis); treated as a miss',
      cluster: 'east',
      digest: digestOf(0),
      problem: 'the entry is not a v1 entry',
    });
  });

  it('checks each garbage entry for what is wrong with it', async () => {
    prefix += 1;
    const replica = await replicaOf();
    const cases: [string, string][] = [
      ['v1::{"cluster":', 'the entry is not JSON'],
      [`v1::${payloadOf(1, { image: imageOf(2) })}`, 'the entry holds an image of another digest'],
      [`v1::${payloadOf(1, { cluster: 'west' })}`, 'the entry names another cluster'],
      [
        `v1::${payloadOf(1, { fetchedAt: NOW + 3_600_000 })}`,
        'the entry was fetched in the future',
      ],
      [`v1::${payloadOf(1, { fetchedAt: 0 })}`, 'the entry is older than the TTL'],
      [
        `v1::${payloadOf(1, { padding: 'x'.repeat(3 << 20) })}`,
        'the entry is larger than 2097152 bytes',
      ],
    ];
    for (const [value, problem] of cases) {
      await server.client.set(redisKeyOf(1), value);
      expect(await lookup(replica.cache, [1])).toEqual([undefined]);
      // Past the log's rate limit, so each refusal is logged.
      clock += 30_000;
      expect(JSON.parse(replica.logs.at(-1)!)).toMatchObject({ problem });
    }
    await server.client.del(redisKeyOf(1));
    await server.client.rpush(redisKeyOf(1), 'x');
    expect(await lookup(replica.cache, [1])).toEqual([undefined]);
    expect(JSON.parse(replica.logs.at(-1)!).problem).toMatch(
      /^the entry was refused by Redis \(WRONGTYPE/,
    );
    expect(replica.observer.counts).toEqual({ 'invalid/redis': cases.length + 1 });
  });

  it('takes a fetchedAt up to 60 s ahead as now, and keeps the entry in memory', async () => {
    prefix += 1;
    await server.client.set(redisKeyOf(1), `v1::${payloadOf(1, { fetchedAt: NOW + 60_000 })}`);
    const replica = await replicaOf();
    expect(await lookup(replica.cache, [1])).toEqual([{ image: imageOf(1), fetchedAt: NOW }]);
    await server.client.del(redisKeyOf(1));
    expect(await lookup(replica.cache, [1])).toEqual([{ image: imageOf(1), fetchedAt: NOW }]);
    expect(replica.observer.counts).toEqual({ 'hit/redis': 1, 'hit/memory': 1 });
  });

  describe('with a signing key', () => {
    it('serves entries signed by another replica with the key, whatever its key prefix', async () => {
      prefix += 1;
      const a = await replicaOf({ signingKey: KEY_A });
      const b = await replicaOf({ signingKey: KEY_A });
      a.cache.set({ cluster: 'east', digest: digestOf(1) }, imageOf(1));
      await until('written', async () => (await server.client.exists(redisKeyOf(1))) === 1);
      const value = await server.client.get(redisKeyOf(1));
      expect(value).toBe(signed(KEY_A, 'east', 1, payloadOf(1, { fetchedAt: NOW })));
      expect(await lookup(b.cache, [1])).toEqual([{ image: imageOf(1), fetchedAt: NOW }]);
      // The signature covers cluster and digest, not the prefix: a copy elsewhere is the same entry.
      await server.client.set(redisKeyOf(1, 'east', 'elsewhere:'), value!);
      const c = await replicaOf({ signingKey: KEY_A, keyPrefix: 'elsewhere:' });
      expect(await lookup(c.cache, [1])).toEqual([{ image: imageOf(1), fetchedAt: NOW }]);
    });

    it('refuses what a writer without the key can make: unsigned, wrongly signed or moved entries', async () => {
      prefix += 1;
      const a = await replicaOf({ signingKey: KEY_A });
      a.cache.set({ cluster: 'east', digest: digestOf(1) }, imageOf(1));
      await until('written', async () => (await server.client.exists(redisKeyOf(1))) === 1);
      const genuine = (await server.client.get(redisKeyOf(1)))!;
      const forgedImage = {
        ...imageOf(2),
        signatures: [
          {
            type: 'atomic',
            content: 'Zm9yZ2Vk',
            conditions: [{ type: 'Trusted', status: 'True' }],
          },
        ],
      };
      const forged = payloadOf(2, { image: forgedImage });
      await server.client.set(redisKeyOf(2), `v1::${forged}`);
      await server.client.set(redisKeyOf(3), signed(KEY_B, 'east', 3, payloadOf(3)));
      // A genuine entry under another digest's key, and under another cluster's.
      await server.client.set(redisKeyOf(4), genuine);
      await server.client.set(redisKeyOf(1, 'west'), genuine);
      // A genuine entry whose payload was changed.
      await server.client.set(redisKeyOf(5), genuine.replace('"fetchedAt":', '"fetchedAt": '));

      const b = await replicaOf({ signingKey: KEY_A });
      expect(await lookup(b.cache, [2, 3, 4, 5])).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      expect(await lookup(b.cache, [1], 'west')).toEqual([undefined]);
      expect(b.observer.counts).toEqual({ 'invalid/redis': 5 });
      expect(b.cache.stats().entries).toBe(0);
      // Its own key's genuine entry is still served.
      expect(await lookup(b.cache, [1])).toEqual([{ image: imageOf(1), fetchedAt: NOW }]);
    });
  });

  it('without a key, serves unsigned entries of any writer (the documented trust model) and refuses signed ones', async () => {
    prefix += 1;
    const forgedImage = { ...imageOf(1), dockerImageReference: 'evil.example.com/x@sha256:1' };
    await server.client.set(redisKeyOf(1), `v1::${payloadOf(1, { image: forgedImage })}`);
    await server.client.set(redisKeyOf(2), signed(KEY_A, 'east', 2, payloadOf(2)));
    const replica = await replicaOf();
    expect(await lookup(replica.cache, [1, 2])).toEqual([
      { image: forgedImage, fetchedAt: NOW - 1000 },
      undefined,
    ]);
    expect(replica.observer.counts).toEqual({ 'hit/redis': 1, 'invalid/redis': 1 });
  });

  it('does not write entries larger than maxEntryBytes to Redis, and keeps them in memory', async () => {
    prefix += 1;
    const replica = await replicaOf({ maxEntryBytes: 4000 });
    const big = { ...imageOf(1), dockerImageReference: 'x'.repeat(5000) };
    replica.cache.set({ cluster: 'east', digest: digestOf(1) }, big);
    replica.cache.set({ cluster: 'east', digest: digestOf(2) }, imageOf(2));
    // Commands go in order: once the second is there, the first would be too.
    await until('written', async () => (await server.client.exists(redisKeyOf(2))) === 1);
    expect(await server.client.exists(redisKeyOf(1))).toBe(0);
    expect(await lookup(replica.cache, [1])).toEqual([{ image: big, fetchedAt: NOW }]);
  });

  it('works from memory alone while Redis is down; counts every failure, logs one per 30 s', async () => {
    const replica = await replicaOf({ url: 'redis://127.0.0.1:1' });
    replica.cache.set({ cluster: 'east', digest: digestOf(1) }, imageOf(1));
    expect(await lookup(replica.cache, [1, 2])).toEqual([
      { image: imageOf(1), fetchedAt: NOW },
      undefined,
    ]);
    expect(replica.observer.counts).toEqual({ 'hit/memory': 1, 'miss/redis': 1 });
    await until('two failures', () => replica.observer.errors >= 2);
    expect(replica.logs).toHaveLength(1);
    expect(JSON.parse(replica.logs[0]!)).toMatchObject({
      level: 'warn',
      msg: 'the shared cache (Redis) is unavailable; serving from the in-process cache',
      err: expect.stringContaining('ECONNREFUSED'),
    });
    clock += 30_000;
    await until('a second line', () => replica.logs.length === 2);
  });
});
