import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { historyOf } from '../helpers/startStack.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const PREFIX = `oig-test-${randomUUID()}:`;

let sim: Simulator;
let kubeconfig: string;
const children: ChildProcess[] = [];

interface Gateway {
  url: string;
  output: () => string;
}

async function startGateway(redisUrl: string): Promise<Gateway> {
  if (!existsSync(MAIN))
    throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
  const child = spawn(
    process.execPath,
    [
      MAIN,
      '--kubeconfig',
      kubeconfig,
      '--port',
      '0',
      '--redis-url',
      redisUrl,
      '--redis-key-prefix',
      PREFIX,
      '--log-level',
      'warn',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const until = Date.now() + 15_000;
  for (;;) {
    const url = /http:\/\/127\.0\.0\.1:\d+\/graphql/.exec(out)?.[0];
    if (url) return { url, output: () => out };
    if (Date.now() > until || child.exitCode !== null)
      throw new Error(`gateway did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function query(gateway: Gateway, refs: unknown[]): Promise<any> {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query:
        'query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name image { totalLayerSize layers { name } } } }',
      variables: { refs },
    }),
  });
  return res.json();
}

beforeAll(async () => {
  sim = await createSimulator({ name: 'lab' });
  const dir = mkdtempSync(join(tmpdir(), 'redis-cache-'));
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
    const ping = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await ping.connect().catch((err: unknown) => {
      throw new Error(`this test needs Redis at ${REDIS_URL} (.ci/run starts it): ${String(err)}`);
    });
    ping.disconnect();

    const refs = ['stream-000', 'stream-001'].flatMap((stream) =>
      historyOf(sim, 'bench', stream)
        .slice(0, 6)
        .map((d) => ({ cluster: 'lab', namespace: 'bench', name: `${stream}@${d}` })),
    );
    const [first, second] = await Promise.all([startGateway(REDIS_URL), startGateway(REDIS_URL)]);
    sim.resetCounts();
    const cold = await query(first, refs);
    expect(cold.errors).toBeUndefined();
    expect(sim.count('imagestreamimages')).toBe(12);
    // Writes to Redis are not awaited by the query; give them a moment.
    await new Promise((r) => setTimeout(r, 200));
    sim.resetCounts();
    const warm = await query(second, refs);
    expect(warm).toEqual(cold);
    expect(sim.count('imagestreamimages')).toBe(0);
    expect(sim.count('imagestreams')).toBe(2);
  });

  it('keeps working from the in-process cache, with a warning, when Redis is down', async () => {
    const gateway = await startGateway('redis://127.0.0.1:1');
    const refs = historyOf(sim, 'bench', 'stream-002')
      .slice(0, 4)
      .map((d) => ({ cluster: 'lab', namespace: 'bench', name: `stream-002@${d}` }));
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
