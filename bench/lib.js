// Shared by the benchmarks: simulated clusters in their own processes, the gateway in this
// process or in its own, the direct clients the gateway is compared with, and statistics.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { got } from 'got';
import { createContentCache } from '../dist/cache/createContentCache.js';
import { createClusterRegistry } from '../dist/clusters/createClusterRegistry.js';
import { createLogger } from '../dist/logger.js';
import { createGateway } from '../dist/createGateway.js';
import { createSeed } from '../dist/simulator/createSeed.js';
import { DEFAULT_UPSTREAM_OPTIONS } from '../dist/upstream/createImageApiClient.js';

export const LATENCY_MS = 20;
/**
 * Calls in flight per cluster for the gateways under test: one operation may hold half (the
 * fair scheduler), so 256 lets a 100- or 128-image operation put every call in flight at once,
 * as the direct clients (128 sockets) do. At the default (128) one operation gets 64: 100
 * images are two waves by design, whatever the gateway's own cost.
 */
export const BENCH_CONCURRENCY = 256;
export const DIRECT_SOCKETS = BENCH_CONCURRENCY / 2;
/** The Node flags `npm start`, the Dockerfile and the Deployment run the gateway with. */
export const PRODUCTION_NODE_FLAGS = ['--max-semi-space-size=32'];
const children = new Set();

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
/** "median (min–max)" of a list. */
export const spreadOf = (xs, d = 2) =>
  `${round(median(xs), d)} (${round(Math.min(...xs), d)}–${round(Math.max(...xs), d)})`;

export function stopChildren() {
  for (const child of children) child.kill('SIGTERM');
}

function waitForLine(child, pattern, what) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) resolve(m[0]);
    });
    child.on('exit', () => reject(new Error(`${what} exited`)));
  });
}

/** One simulated cluster in its own process; seeded exactly like createSeed(name, options) here. */
export async function startSimulator(
  name,
  { latencyMs = LATENCY_MS, benchStreams = 10, benchImages = 12, labelBytes = 0, pods = 0 } = {},
) {
  const child = spawn(
    process.execPath,
    [
      'dist/main.js',
      'simulate',
      '--name',
      name,
      '--port',
      '0',
      '--latency-ms',
      String(latencyMs),
      '--bench-streams',
      String(benchStreams),
      '--bench-images',
      String(benchImages),
      '--label-bytes',
      String(labelBytes),
      '--bench-pods',
      String(pods),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.add(child);
  const url = await waitForLine(child, /http:\/\/127\.0\.0\.1:\d+/, 'simulator');
  const data = createSeed(name, {
    benchStreams,
    benchImagesPerStream: benchImages,
    benchLabelBytes: labelBytes,
    benchPods: pods,
  });
  return {
    name,
    url,
    data,
    stats: async (resource = 'imagestreamimages') =>
      (await fetch(`${url}/_simulator/stats?resource=${resource}`)).json(),
    /** Requests per resource since the last reset. */
    counts: async () => (await (await fetch(`${url}/_simulator/stats`)).json()).counts,
    reset: () => fetch(`${url}/_simulator/reset`, { method: 'POST' }).then((r) => r.text()),
    stop: () => {
      children.delete(child);
      child.kill('SIGTERM');
    },
  };
}

/** The gateway in this process (createGateway), with BENCH_CONCURRENCY calls per cluster. */
export async function startGateway(sims, { cache = false, maxRefs } = {}) {
  const connections = sims.map((sim) => ({
    name: sim.name,
    server: sim.url,
    insecureSkipTlsVerify: false,
    token: () => `demo-token-${sim.name}`,
  }));
  const logger = createLogger({
    level: 'silent',
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  const registry = createClusterRegistry(
    connections,
    { ...DEFAULT_UPSTREAM_OPTIONS, maxConcurrency: BENCH_CONCURRENCY },
    logger,
  );
  const gateway = await createGateway({
    registry,
    logger,
    limits: maxRefs ? { maxRefs } : undefined,
    cache: cache
      ? createContentCache({ maxBytes: 256 * 1024 * 1024, ttlMs: 3_600_000 })
      : undefined,
    // As `image-gateway` runs by default: the watch-fed location index of each cluster.
    locationIndex: { maxEntries: 1_000_000 },
  });
  const url = await gateway.listen(0, '127.0.0.1');
  await untilIndexesSynced(url.replace(/\/graphql$/, '/readyz'));
  return { url, gateway };
}

/** Waits (at most 10 s) until /readyz shows every cluster's location index synced. */
export async function untilIndexesSynced(readyzUrl) {
  for (let i = 0; i < 200; i++) {
    const body = await (await fetch(readyzUrl)).json().catch(() => ({}));
    const clusters = body.clusters ?? [];
    if (clusters.length > 0 && clusters.every((c) => c.index?.state === 'synced')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the location indexes did not sync (${readyzUrl})`);
}

/**
 * The gateway as `image-gateway` runs it, in its own process (so its CPU, memory and start-up
 * are its own): a kubeconfig naming the simulators, `nodeFlags` before the script.
 * `spawnToAnswerMs` is the time from spawn to the first answer of `firstQuery(url)`.
 * `main`: the script to run (default dist/main.js; another build beside it, for an A/B pair).
 * `inspect`: Node's inspector on a free loopback port, its WebSocket URL as `inspectorUrl` (the
 * benchmark's way to force a garbage collection in the gateway without a hook in src/).
 */
export async function startGatewayProcess(
  sims,
  {
    nodeFlags = PRODUCTION_NODE_FLAGS,
    args = [],
    firstQuery,
    inspect = false,
    main = 'dist/main.js',
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: sims.map((s) => ({ name: s.name, cluster: { server: s.url } })),
      users: sims.map((s) => ({ name: s.name, user: { token: `demo-token-${s.name}` } })),
      contexts: sims.map((s) => ({ name: s.name, context: { cluster: s.name, user: s.name } })),
    }),
  );
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      ...(inspect ? ['--inspect=127.0.0.1:0'] : []),
      main,
      '--kubeconfig',
      kubeconfig,
      '--all-contexts',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--log-level',
      'warn',
      '--upstream-concurrency',
      String(BENCH_CONCURRENCY),
      ...args,
    ],
    {
      env: { ...process.env, NODE_ENV: 'production', KUBECONFIG: '' },
      stdio: ['ignore', 'pipe', inspect ? 'pipe' : 'inherit'],
      cwd: process.cwd(),
    },
  );
  children.add(child);
  const inspectorUrl = inspect ? inspectorUrlOf(child) : undefined;
  const url = await waitForLine(child, /http:\/\/127\.0\.0\.1:\d+\/graphql/, 'gateway');
  const startLineMs = performance.now() - started;
  if (firstQuery) await firstQuery(url);
  const spawnToAnswerMs = performance.now() - started;
  const status = (field) => {
    const line = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return Number(line.split(/\s+/)[1]) / 1024;
  };
  return {
    url,
    pid: child.pid,
    inspectorUrl: await inspectorUrl,
    startLineMs,
    spawnToAnswerMs,
    /** CPU time (user + system) the process has used, ms (10 ms resolution). */
    cpuMs: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    rssMiB: () => status('VmRSS'),
    peakRssMiB: () => status('VmHWM'),
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', () => {
          children.delete(child);
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** The inspector's WebSocket URL from the child's stderr; the rest of stderr passes through. */
function inspectorUrlOf(child) {
  return new Promise((resolve, reject) => {
    let found = false;
    child.stderr.on('data', (d) => {
      const text = String(d);
      const m = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(text);
      if (m && !found) {
        found = true;
        resolve(m[0]);
      }
      const rest = text
        .split('\n')
        .filter(
          (l) =>
            l && !/^(Debugger listening|For help, see|Debugger attached|Debugger ending)/.test(l),
        );
      if (rest.length) process.stderr.write(`${rest.join('\n')}\n`);
    });
    child.on('exit', () => reject(new Error('gateway exited')));
  });
}

export function refsOf(sim, count, streams = Infinity) {
  const refs = [];
  for (const [name, stream] of [...sim.data.streams.get('bench').entries()]
    .sort()
    .slice(0, streams)) {
    for (const item of stream.status.tags.find((t) => t.tag === 'latest').items)
      refs.push({ cluster: sim.name, namespace: 'bench', name: `${name}@${item.image}` });
  }
  return refs.slice(0, count);
}

export const QUERY = `query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name image { name totalLayerSize layers { name size } dockerImageMetadata { config { env { name value } labels { key value } } } } } }`;

export async function gql(url, refs) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { refs } }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors[0]));
  return body;
}

const pathOf = (r) =>
  `apis/image.openshift.io/v1/namespaces/${r.namespace}/imagestreamimages/${r.name}`;
/** Each distinct ref once (what the gateway's loaders do too). */
const distinct = (refs) => [...new Map(refs.map((r) => [`${r.namespace}/${r.name}`, r])).values()];

/** A bare got client (got.extend with prefix, token and a keep-alive agent): GETs + JSON.parse. */
export function directGot(sim) {
  const client = got.extend({
    prefixUrl: `${sim.url}/`,
    headers: { authorization: `Bearer demo-token-${sim.name}` },
    agent: { http: new http.Agent({ keepAlive: true, maxSockets: DIRECT_SOCKETS }) },
  });
  return async (refs) => {
    const bodies = await Promise.all(distinct(refs).map((r) => client.get(pathOf(r)).text()));
    return {
      parsed: bodies.map((b) => JSON.parse(b)),
      bytes: bodies.reduce((n, b) => n + Buffer.byteLength(b), 0),
    };
  };
}

/** The floor: node:http with a keep-alive agent, the bodies buffered and JSON.parse'd. */
export function directHttp(sim) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: DIRECT_SOCKETS });
  const base = new URL(sim.url);
  const headers = { authorization: `Bearer demo-token-${sim.name}`, accept: 'application/json' };
  const get = (path) =>
    new Promise((resolve, reject) => {
      const req = http.get(
        { host: base.hostname, port: base.port, path: `/${path}`, agent, headers },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
            else resolve(Buffer.concat(chunks).toString('utf8'));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    });
  return async (refs) => {
    const bodies = await Promise.all(distinct(refs).map((r) => get(pathOf(r))));
    return {
      parsed: bodies.map((b) => JSON.parse(b)),
      bytes: bodies.reduce((n, b) => n + Buffer.byteLength(b), 0),
    };
  };
}

/**
 * Interleaved rounds (a, b, c…, a, b, c…) of named functions; per side, the wall time and the
 * CPU time of this process of each round, ms.
 */
export async function interleave(sides, rounds) {
  const names = Object.keys(sides);
  for (const name of names) await sides[name]();
  const out = Object.fromEntries(names.map((n) => [n, { wall: [], cpu: [] }]));
  for (let i = 0; i < rounds; i++) {
    for (const name of names) {
      const c = process.cpuUsage();
      const t = performance.now();
      await sides[name]();
      out[name].wall.push(performance.now() - t);
      const used = process.cpuUsage(c);
      out[name].cpu.push((used.user + used.system) / 1000);
    }
  }
  return out;
}
