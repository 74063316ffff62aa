// Benchmarks: `npm run bench` (builds first). The simulated clusters run as their own processes
// (like real API servers), the gateway and the direct client in this one. Reports ratios and
// upstream call counts, and writes bench/results/latest.{json,md}. Timings are medians of
// interleaved rounds, so machine noise hits both sides alike.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { Writable } from 'node:stream';
import autocannon from 'autocannon';
import { got } from 'got';
import { buildSchema, graphql } from 'graphql';
import { createContentCache } from '../dist/cache/createContentCache.js';
import { createClusterRegistry } from '../dist/clusters/createClusterRegistry.js';
import { createLogger } from '../dist/logger.js';
import { createGateway } from '../dist/createGateway.js';
import { createSeed } from '../dist/simulator/createSeed.js';
import { DEFAULT_UPSTREAM_OPTIONS } from '../dist/upstream/createImageApiClient.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const LATENCY_MS = 20;
const children = [];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** One simulated cluster in its own process; seeded exactly like createSeed(name, options) here. */
async function startSimulator(
  name,
  { latencyMs = LATENCY_MS, benchStreams = 10, benchImages = 12, labelBytes = 0 } = {},
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
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) resolve(m[0]);
    });
    child.on('exit', () => reject(new Error('simulator exited')));
  });
  const data = createSeed(name, {
    benchStreams,
    benchImagesPerStream: benchImages,
    benchLabelBytes: labelBytes,
  });
  return {
    name,
    url,
    data,
    stats: async (resource = 'imagestreamimages') =>
      (await fetch(`${url}/_simulator/stats?resource=${resource}`)).json(),
    reset: () => fetch(`${url}/_simulator/reset`, { method: 'POST' }).then((r) => r.text()),
    stop: () => child.kill('SIGTERM'),
  };
}

async function startGateway(sims, { cache = false } = {}) {
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
  const registry = createClusterRegistry(connections, DEFAULT_UPSTREAM_OPTIONS, logger);
  const gateway = await createGateway({
    registry,
    logger,
    cache: cache
      ? createContentCache({ maxBytes: 256 * 1024 * 1024, ttlMs: 3_600_000 })
      : undefined,
  });
  const url = await gateway.listen(0, '127.0.0.1');
  return { url, gateway };
}

function refsOf(sim, count, streams = Infinity) {
  const refs = [];
  for (const [name, stream] of [...sim.data.streams.get('bench').entries()]
    .sort()
    .slice(0, streams)) {
    for (const item of stream.status.tags.find((t) => t.tag === 'latest').items)
      refs.push({ cluster: sim.name, namespace: 'bench', name: `${name}@${item.image}` });
  }
  return refs.slice(0, count);
}

const QUERY = `query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name image { name totalLayerSize layers { name size } dockerImageMetadata { config { env { name value } labels { key value } } } } } }`;

async function gql(url, refs) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { refs } }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors[0]));
  return body;
}

function directClient(sim) {
  const client = got.extend({
    prefixUrl: `${sim.url}/`,
    headers: { authorization: `Bearer demo-token-${sim.name}` },
    agent: { http: new http.Agent({ keepAlive: true, maxSockets: 128 }) },
  });
  return async (refs) => {
    const bodies = await Promise.all(
      refs.map((r) =>
        client
          .get(`apis/image.openshift.io/v1/namespaces/${r.namespace}/imagestreamimages/${r.name}`)
          .text(),
      ),
    );
    return {
      parsed: bodies.map((b) => JSON.parse(b)),
      bytes: bodies.reduce((n, b) => n + Buffer.byteLength(b), 0),
    };
  };
}

/** Interleaved rounds of a (direct) and b (gateway); medians of wall time and of CPU time. */
async function interleave(a, b) {
  await a();
  await b();
  const wall = { a: [], b: [] };
  const cpu = { a: [], b: [] };
  for (let i = 0; i < ROUNDS; i++) {
    for (const [side, fn] of [
      ['a', a],
      ['b', b],
    ]) {
      const c = process.cpuUsage();
      const t = performance.now();
      await fn();
      wall[side].push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu[side].push((used.user + used.system) / 1000);
    }
  }
  return { aMs: median(wall.a), bMs: median(wall.b), aCpuMs: median(cpu.a), bCpuMs: median(cpu.b) };
}

async function fanOut() {
  const sim = await startSimulator('fan');
  const { url, gateway } = await startGateway([sim]);
  const refs = refsOf(sim, 100);
  const direct = directClient(sim);
  const r = await interleave(
    () => direct(refs),
    () => gql(url, refs),
  );
  await sim.reset();
  await gql(url, refs);
  const stats = await sim.stats();
  const arrivals = stats.arrivals;
  await gateway.close();
  sim.stop();
  return {
    directMs: round(r.aMs),
    gatewayMs: round(r.bMs),
    ratio: round(r.bMs / r.aMs, 3),
    upstreamCalls: stats.counts.imagestreamimages,
    arrivalSpreadMs: round(Math.max(...arrivals) - Math.min(...arrivals)),
  };
}

async function dedupAndWarm() {
  const sim = await startSimulator('dedup');
  const { url, gateway } = await startGateway([sim], { cache: true });
  const distinct = refsOf(sim, 40, 4);
  const refs = Array.from({ length: 100 }, (_, i) => distinct[(i * 7) % 40]);
  await sim.reset();
  await gql(url, refs);
  const cold = (await sim.stats()).counts;
  await sim.reset();
  await gql(url, refs);
  const warm = (await sim.stats()).counts;
  await gateway.close();
  sim.stop();
  return {
    refs: refs.length,
    distinctImages: 40,
    distinctStreams: 4,
    coldCalls: {
      imagestreamimages: cold.imagestreamimages ?? 0,
      imagestreams: cold.imagestreams ?? 0,
    },
    warmCalls: {
      imagestreamimages: warm.imagestreamimages ?? 0,
      imagestreams: warm.imagestreams ?? 0,
    },
  };
}

/** The physical limit for serving: node:http + graphql-js on the same schema, answering from memory. */
async function startMinimalServer(sim, refs) {
  const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
  const kv = (m) =>
    Object.keys(m ?? {})
      .sort()
      .map((key) => ({ key, value: m[key] }));
  const items = refs.map((ref) => {
    const image = sim.data.images.get(ref.name.split('@')[1]);
    const config = image.dockerImageMetadata?.Config ?? {};
    return {
      name: ref.name,
      image: {
        name: image.metadata.name,
        totalLayerSize: image.dockerImageLayers.reduce((n, l) => n + l.size, 0),
        layers: image.dockerImageLayers,
        dockerImageMetadata: {
          config: {
            env: (config.Env ?? []).map((e) => ({
              name: e.slice(0, e.indexOf('=')),
              value: e.slice(e.indexOf('=') + 1),
            })),
            labels: kv(config.Labels),
          },
        },
      },
    };
  });
  const rootValue = { imageStreamImages: () => items };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const { query, variables } = JSON.parse(Buffer.concat(chunks).toString());
      const result = await graphql({ schema, source: query, rootValue, variableValues: variables });
      const text = JSON.stringify(result);
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/graphql`,
    close: () => new Promise((r) => server.close(r)),
  };
}

async function throughput() {
  const sim = await startSimulator('tput', { latencyMs: 0 });
  const { url, gateway } = await startGateway([sim], { cache: true });
  const refs = refsOf(sim, 10, 1);
  const minimal = await startMinimalServer(sim, refs);
  await gql(url, refs);
  const body = JSON.stringify({ query: QUERY, variables: { refs } });
  const run = async (target) =>
    (
      await autocannon({
        url: target,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: 20,
        duration: 5,
      })
    ).requests.average;
  const gatewayRps = await run(url);
  const minimalRps = await run(minimal.url);
  await sim.reset();
  await gql(url, refs);
  const perQuery = (await sim.stats()).counts;
  await gateway.close();
  await minimal.close();
  sim.stop();
  return {
    images: 10,
    gatewayPerSecond: Math.round(gatewayRps),
    minimalGraphqlJsPerSecond: Math.round(minimalRps),
    ratio: round(gatewayRps / minimalRps, 3),
    upstreamCallsPerWarmQuery: perQuery['*'] ?? 0,
  };
}

async function payload() {
  const sim = await startSimulator('payload', {
    benchStreams: 10,
    benchImages: 10,
    labelBytes: 50_000,
  });
  const { url, gateway } = await startGateway([sim]);
  const refs = refsOf(sim, 100);
  const direct = directClient(sim);
  const { bytes } = await direct(refs);
  const r = await interleave(
    () => direct(refs),
    () => gql(url, refs),
  );
  await gateway.close();
  sim.stop();
  const mib = bytes / 1024 / 1024;
  return {
    images: 100,
    upstreamMiB: round(mib),
    directMs: round(r.aMs),
    gatewayMs: round(r.bMs),
    ratio: round(r.bMs / r.aMs, 3),
    directCpuMsPerMiB: round(r.aCpuMs / mib),
    gatewayCpuMsPerMiB: round(r.bCpuMs / mib),
  };
}

async function coldWarm() {
  const sims = await Promise.all(['east', 'west', 'north'].map((name) => startSimulator(name)));
  const cold = await startGateway(sims);
  const warm = await startGateway(sims, { cache: true });
  const refs = sims.flatMap((sim) => refsOf(sim, 34));
  const r = await interleave(
    () => gql(cold.url, refs),
    () => gql(warm.url, refs),
  );
  await Promise.all(sims.map((s) => s.reset()));
  await gql(warm.url, refs);
  const warmCalls = (await Promise.all(sims.map((s) => s.stats()))).reduce(
    (n, s) => n + (s.counts['*'] ?? 0),
    0,
  );
  await Promise.all(sims.map((s) => s.reset()));
  await gql(cold.url, refs);
  const coldCalls = (await Promise.all(sims.map((s) => s.stats()))).reduce(
    (n, s) => n + (s.counts['*'] ?? 0),
    0,
  );
  await cold.gateway.close();
  await warm.gateway.close();
  sims.forEach((s) => s.stop());
  return {
    images: refs.length,
    clusters: 3,
    coldMs: round(r.aMs),
    warmMs: round(r.bMs),
    coldCalls,
    warmCalls,
  };
}

async function locations() {
  const sims = await Promise.all(
    ['east', 'west', 'north'].map((name) =>
      startSimulator(name, { benchStreams: 50, benchImages: 3 }),
    ),
  );
  const { url, gateway } = await startGateway(sims);
  const digest = sims[0].data.streams
    .get('shared')
    .get('base')
    .status.tags.find((t) => t.tag === 'latest').items[0].image;
  const query = JSON.stringify({
    query: `{ imageLocations(digest: "${digest}") { cluster { name } namespace stream tags } }`,
  });
  const run = async () => {
    const body = await (
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: query,
      })
    ).json();
    if (body.errors) throw new Error(JSON.stringify(body.errors[0]));
    return body.data.imageLocations.length;
  };
  await run();
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  await Promise.all(sims.map((s) => s.reset()));
  const found = await run();
  const calls = (await Promise.all(sims.map((s) => s.stats()))).reduce(
    (n, s) => n + (s.counts['*'] ?? 0),
    0,
  );
  const streams = sims.reduce(
    (n, sim) => n + [...sim.data.streams.values()].reduce((m, s) => m + s.size, 0),
    0,
  );
  await gateway.close();
  sims.forEach((s) => s.stop());
  return {
    clusters: 3,
    streamsScanned: streams,
    locationsFound: found,
    medianMs: round(median(times)),
    upstreamCalls: calls,
  };
}

try {
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    rounds: ROUNDS,
    latencyMs: LATENCY_MS,
    fanOut: await fanOut(),
    dedupAndWarm: await dedupAndWarm(),
    throughput: await throughput(),
    payload: await payload(),
    coldWarm: await coldWarm(),
    locations: await locations(),
  };
  const {
    fanOut: f,
    dedupAndWarm: d,
    throughput: t,
    payload: p,
    coldWarm: c,
    locations: l,
  } = results;
  const md = `# Benchmark results

Simulated API servers in their own processes, ${LATENCY_MS} ms latency per call (0 for throughput), ${ROUNDS} interleaved rounds, Node ${results.node}, ${results.date}.

| benchmark | measure | value |
|---|---|---|
| fan-out, 100 distinct images, no cache | direct got client (100 GETs + parse), median | ${f.directMs} ms |
| | one gateway query, median | ${f.gatewayMs} ms |
| | ratio gateway / direct | ${f.ratio} |
| | upstream imagestreamimages calls | ${f.upstreamCalls} |
| | arrival spread at the simulator | ${f.arrivalSpreadMs} ms |
| dedup, ${d.refs} refs over ${d.distinctImages} images in ${d.distinctStreams} streams | cold: imagestreamimages / imagestreams calls | ${d.coldCalls.imagestreamimages} / ${d.coldCalls.imagestreams} |
| | warm (same query again): imagestreamimages / imagestreams calls | ${d.warmCalls.imagestreamimages} / ${d.warmCalls.imagestreams} |
| throughput, cached 10-image query, 20 connections | gateway | ${t.gatewayPerSecond} queries/s (${t.upstreamCallsPerWarmQuery} upstream call per query) |
| | node:http + graphql-js from memory, same schema and data | ${t.minimalGraphqlJsPerSecond} queries/s |
| | ratio gateway / minimal | ${t.ratio} |
| payload, 100 images with ≈50 KB metadata (${p.upstreamMiB} MiB upstream) | direct client / gateway, median | ${p.directMs} / ${p.gatewayMs} ms (ratio ${p.ratio}) |
| | CPU per upstream MiB: direct / gateway | ${p.directCpuMsPerMiB} / ${p.gatewayCpuMsPerMiB} ms |
| 3 clusters x 34 images | cold (no cache) / warm, median | ${c.coldMs} / ${c.warmMs} ms |
| | upstream calls cold / warm | ${c.coldCalls} / ${c.warmCalls} |
| imageLocations, 3 clusters, ${l.streamsScanned} streams | one query, median | ${l.medianMs} ms |
| | upstream calls (all clusters) / locations found | ${l.upstreamCalls} / ${l.locationsFound} |
`;
  // Recorded in the tracked bench/results/ only when asked (BENCH_RECORD=1); else results/local/.
  const dir = process.env.BENCH_RECORD ? './results/' : './results/local/';
  mkdirSync(new URL(dir, import.meta.url), { recursive: true });
  writeFileSync(
    new URL(`${dir}latest.json`, import.meta.url),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  writeFileSync(new URL(`${dir}latest.md`, import.meta.url), md);
  console.log(md);
} finally {
  for (const child of children) child.kill('SIGTERM');
}
