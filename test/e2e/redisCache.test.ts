import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentCache, type ContentCache } from '../../src/cache/createContentCache.js';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { startRedisServer, type RedisServer } from '../helpers/startRedisServer.js';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** Every key these tests write to the shared Redis starts with this (and is deleted after). */
const PREFIX = `oig-test-${randomUUID()}:`;
const SIGNING_KEY = 'Vq3xN8pL2sR7tY1wK6mB9dF4hJ0gZ5cA';

const QUERY =
  'query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name image { totalLayerSize layers { name } } } }';

let sim: Simulator;
let dir: string;
let kubeconfig: string;
const children: ChildProcess[] = [];

interface Gateway {
  url: string;
  output: () => string;
}

interface Io {
  readonly exit: Promise<number | null>;
  output: () => string;
}

function spawnGateway(args: readonly string[]): { child: ChildProcess; io: Io } {
  if (!existsSync(MAIN))
    throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
  const child = spawn(
    process.execPath,
    [MAIN, '--kubeconfig', kubeconfig, '--port', '0', '--log-level', 'warn', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, io: { exit, output: () => out } };
}

async function startGateway(
  redisUrl: string,
  {
    prefix = PREFIX,
    args = [],
    redisUp = true,
  }: { prefix?: string; args?: readonly string[]; redisUp?: boolean } = {},
): Promise<Gateway> {
  const { child, io } = spawnGateway([
    '--redis-url',
    redisUrl,
    '--redis-key-prefix',
    prefix,
    // A loaded machine can delay a reply past the 200 ms default; these tests are about
    // sharing, not timeouts (the stall test below has its own).
    '--redis-command-timeout-ms',
    '5000',
    ...args,
  ]);
  const until = Date.now() + 15_000;
  for (;;) {
    const url = /http:\/\/127\.0\.0\.1:\d+\/graphql/.exec(io.output())?.[0];
    // Ready for these tests once its Redis connection is up (a replica answers before that,
    // from its own memory and the API server, which would make "zero upstream calls" a race).
    if (url && (!redisUp || (await redisConnected(url)))) return { url, output: io.output };
    if (Date.now() > until || child.exitCode !== null)
      throw new Error(`gateway did not start: ${io.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function redisConnected(url: string): Promise<boolean> {
  const ready = (await (await fetch(url.replace('/graphql', '/readyz'))).json()) as {
    cache?: { redis?: { connected?: boolean } };
  };
  return ready.cache?.redis?.connected === true;
}

async function indexSynced(url: string): Promise<boolean> {
  const ready = (await (await fetch(url.replace('/graphql', '/readyz'))).json()) as {
    clusters?: { index?: { state?: string } }[];
  };
  return ready.clusters?.[0]?.index?.state === 'synced';
}

async function query(gateway: { url: string }, refs: unknown[]): Promise<any> {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { refs } }),
  });
  return res.json();
}

/** Polls a condition (no fixed sleeps): resolves once it holds, fails after 20 s. */
async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function refsOf(simulator: Simulator, streams: string[], perStream: number, cluster = 'lab') {
  return streams.flatMap((stream) =>
    historyOf(simulator, 'bench', stream)
      .slice(0, perStream)
      .map((d) => ({ cluster, namespace: 'bench', name: `${stream}@${d}` })),
  );
}

async function sharedRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect().catch((err: unknown) => {
    throw new Error(`this test needs Redis at ${REDIS_URL} (.ci/run starts it): ${String(err)}`);
  });
  return redis;
}

const entryKeys = (redis: Redis, prefix: string): Promise<string[]> =>
  redis.keys(`${prefix}img:v2:lab:*`);

beforeAll(async () => {
  sim = await createSimulator({ name: 'lab' });
  dir = mkdtempSync(join(tmpdir(), 'redis-cache-'));
  kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{name: lab, cluster: {server: "${sim.url}"}}]\nusers: [{name: reader, user: {token: demo-token-lab}}]\ncontexts: [{name: lab, context: {cluster: lab, user: reader}}]\ncurrent-context: lab\n`,
  );
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${PREFIX}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
  await sim.close();
});

describe('the shared content cache in Redis', () => {
  it('lets a second gateway process answer a query the first one warmed, with zero image calls', async () => {
    const redis = await sharedRedis();
    try {
      const refs = refsOf(sim, ['stream-000', 'stream-001'], 6);
      const [first, second] = await Promise.all([startGateway(REDIS_URL), startGateway(REDIS_URL)]);
      sim.resetCounts();
      const cold = await query(first, refs);
      expect(cold.errors).toBeUndefined();
      expect(sim.count('imagestreamimages')).toBe(12);
      // Writes to Redis are not awaited by the query.
      await until('written', async () => (await entryKeys(redis, PREFIX)).length >= 12);
      // The second replica's location index shows the streams' histories: no stream is read.
      await until('the index is synced', () => indexSynced(second.url));
      sim.resetCounts();
      const warm = await query(second, refs);
      expect(warm).toEqual(cold);
      expect(sim.count('imagestreamimages')).toBe(0);
      expect(sim.count('imagestreams')).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('keeps working from the in-process cache, with a warning, when Redis is down', async () => {
    const gateway = await startGateway('redis://127.0.0.1:1', { redisUp: false });
    const refs = refsOf(sim, ['stream-002'], 4);
    sim.resetCounts();
    const cold = await query(gateway, refs);
    expect(cold.errors).toBeUndefined();
    expect(sim.count('imagestreamimages')).toBe(4);
    sim.resetCounts();
    const warm = await query(gateway, refs);
    expect(warm).toEqual(cold);
    expect(sim.count('imagestreamimages')).toBe(0);
    expect(gateway.output()).toContain(
      'the shared cache (Redis) is unavailable; serving from the in-process cache',
    );
  });
});

describe('signed entries (--redis-signing-key-file)', () => {
  it('serves entries signed by another keyed replica, and nothing a writer without the key made', async () => {
    const prefix = `${PREFIX}keyed:`;
    const keyFile = join(dir, 'signing-key');
    writeFileSync(keyFile, `${SIGNING_KEY}\n`);
    const keyed = { prefix, args: ['--redis-signing-key-file', keyFile] };
    const redis = await sharedRedis();
    try {
      const refs = refsOf(sim, ['stream-003', 'stream-004'], 6);
      const [first, second] = await Promise.all([
        startGateway(REDIS_URL, keyed),
        startGateway(REDIS_URL, keyed),
      ]);
      sim.resetCounts();
      const cold = await query(first, refs);
      expect(cold.errors).toBeUndefined();
      expect(sim.count('imagestreamimages')).toBe(12);
      await until('written', async () => (await entryKeys(redis, prefix)).length === 12);
      sim.resetCounts();
      expect(await query(second, refs)).toEqual(cold);
      expect(sim.count('imagestreamimages')).toBe(0);

      // A writer with access to Redis but not the key: unsigned entries with other layers, and
      // genuine entries moved to other digests.
      const keys = await entryKeys(redis, prefix);
      const values = await Promise.all(keys.map((key) => redis.get(key)));
      for (const [i, key] of keys.entries()) {
        const value = values[i]!;
        const payload = JSON.parse(value.slice(value.indexOf(':', 3) + 1));
        payload.image.dockerImageLayers = [{ name: 'sha256:evil', size: 1, mediaType: 'x' }];
        await redis.set(
          key,
          i % 2 === 0 ? `v1::${JSON.stringify(payload)}` : values[(i + 1) % keys.length]!,
        );
      }
      const third = await startGateway(REDIS_URL, keyed);
      sim.resetCounts();
      const answer = await query(third, refs);
      expect(answer).toEqual(cold);
      expect(JSON.stringify(answer)).not.toContain('evil');
      expect(sim.count('imagestreamimages')).toBe(12);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses to start with a key shorter than 32 bytes or a file it cannot read, naming the flag', async () => {
    const shortFile = join(dir, 'short-key');
    writeFileSync(shortFile, 'too-short-secret\n');
    const short = spawnGateway([
      '--redis-url',
      REDIS_URL,
      '--redis-signing-key-file',
      shortFile,
    ]).io;
    expect(await short.exit).toBe(2);
    expect(short.output()).toContain(
      `image-gateway: --redis-signing-key-file: the key in "${shortFile}" is 16 bytes; it must be at least 32`,
    );
    expect(short.output()).not.toContain('too-short-secret');
    const missing = spawnGateway([
      '--redis-url',
      REDIS_URL,
      '--redis-signing-key-file',
      join(dir, 'nope'),
    ]).io;
    expect(await missing.exit).toBe(2);
    expect(missing.output()).toContain(
      `image-gateway: --redis-signing-key-file: cannot read "${join(dir, 'nope')}" (ENOENT)`,
    );
  });
});

describe('a stalled Redis (SIGSTOP) under concurrent queries', () => {
  const CAP = 16;
  let server: RedisServer;
  let cache: ContentCache;
  let stack: Stack;

  beforeAll(async () => {
    server = await startRedisServer();
    cache = createContentCache({
      // No room in process: every lookup goes to Redis, so a warm answer proves Redis served it.
      maxBytes: 1,
      ttlMs: 3_600_000,
      redis: {
        url: server.url,
        keyPrefix: 'stall:',
        maxOutstanding: CAP,
        commandTimeoutMs: 300,
        breaker: { failureThreshold: 3, openMs: 500 },
      },
    });
    stack = await startStack({ clusters: [{ name: 'lab' }], cache, logLevel: 'error' });
  });
  afterAll(async () => {
    server?.resume();
    await stack?.close();
    await server?.close();
  });

  it('answers every query correctly while Redis hangs, with at most the cap of commands out, and uses Redis again once it resumes', async () => {
    const lab = stack.sims['lab']!;
    const refs = refsOf(lab, ['stream-005', 'stream-006'], 6);
    const cold = await stack.gql(QUERY, { refs });
    expect(cold.body.errors).toBeUndefined();
    await until('written', async () => (await server.client.dbsize()) === 12);
    /** A query answered with no image call: with no room in process, Redis served every image. */
    const servedByRedis = async (): Promise<boolean> => {
      lab.resetCounts();
      const warm = await stack.gql(QUERY, { refs });
      expect(warm.body).toEqual(cold.body);
      return lab.count('imagestreamimages') === 0;
    };
    await until('Redis serves the images', servedByRedis);

    server.pause();
    lab.resetCounts();
    const workers = Array.from({ length: 20 }, async () => {
      const bodies = [];
      for (let round = 0; round < 3; round++) bodies.push((await stack.gql(QUERY, { refs })).body);
      return bodies;
    });
    const bodies = (await Promise.all(workers)).flat();
    expect(bodies).toHaveLength(60);
    for (const body of bodies) expect(body).toEqual(cold.body);
    expect(lab.count('imagestreamimages')).toBeGreaterThan(0);
    const stalled = cache.stats().redis!;
    expect(stalled.peakOutstanding).toBeLessThanOrEqual(CAP);
    expect(stalled.peakOutstanding).toBeGreaterThan(0);
    expect(stalled.opened).toBeGreaterThanOrEqual(1);
    expect(stalled.skipped).toBeGreaterThan(0);

    server.resume();
    await until('Redis serves the images again', servedByRedis);
    const after = cache.stats().redis!;
    expect(after.peakOutstanding).toBeLessThanOrEqual(CAP);
    expect(after.breaker).toBe('closed');
  });
});
