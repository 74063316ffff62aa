// Benchmarks: `npm run bench` (builds first). Reports ratios and upstream call counts against the
// simulator on loopback, and writes bench/results/latest.{json,md}. Timings are medians of
// interleaved rounds, so machine noise hits both sides alike.
import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { got } from 'got';
import { createClusterRegistry } from '../dist/clusters/createClusterRegistry.js';
import { createLogger } from '../dist/logger.js';
import { createGateway } from '../dist/server.js';
import { createSimulator } from '../dist/simulator/createSimulator.js';
import { DEFAULT_UPSTREAM_OPTIONS } from '../dist/upstream/createImageApiClient.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const LATENCY_MS = 20;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

async function startGateway(sims) {
  const connections = sims.map((sim) => ({ name: sim.name, server: sim.url, insecureSkipTlsVerify: false, token: () => `demo-token-${sim.name}` }));
  const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
  const registry = createClusterRegistry(connections, DEFAULT_UPSTREAM_OPTIONS, logger);
  const gateway = await createGateway({ registry, logger });
  const url = await gateway.listen(0, '127.0.0.1');
  return { url, gateway };
}

function refsOf(sim, count) {
  const refs = [];
  for (const [name, stream] of [...sim.data.streams.get('bench').entries()].sort()) {
    for (const item of stream.status.tags.find((t) => t.tag === 'latest').items) refs.push({ cluster: sim.name, namespace: 'bench', name: `${name}@${item.image}` });
  }
  return refs.slice(0, count);
}

const QUERY = `query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name image { name totalLayerSize layers { name size } dockerImageMetadata { config { env { name value } labels { key value } } } } } }`;

async function gql(url, refs) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY, variables: { refs } }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors[0]));
  return body;
}

function spread(sim) {
  const at = sim.requests.filter((r) => r.resource === 'imagestreamimages').map((r) => r.at);
  return Math.max(...at) - Math.min(...at);
}

async function fanOut() {
  const sim = await createSimulator({ name: 'bench', latencyMs: LATENCY_MS });
  const { url, gateway } = await startGateway([sim]);
  const refs = refsOf(sim, 100);
  // The baseline: what a client does without the gateway, 100 concurrent GETs, each parsed.
  const direct = got.extend({ prefixUrl: `${sim.url}/`, headers: { authorization: 'Bearer demo-token-bench' }, agent: { http: new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 128 }) } });
  const directRound = async () => {
    const bodies = await Promise.all(refs.map((r) => direct.get(`apis/image.openshift.io/v1/namespaces/${r.namespace}/imagestreamimages/${r.name}`).text()));
    return bodies.map((b) => JSON.parse(b));
  };
  await directRound();
  await gql(url, refs);
  const a = [];
  const b = [];
  const spreads = [];
  let calls = 0;
  for (let i = 0; i < ROUNDS; i++) {
    let t = performance.now();
    await directRound();
    a.push(performance.now() - t);
    sim.resetCounts();
    t = performance.now();
    await gql(url, refs);
    b.push(performance.now() - t);
    calls = sim.count('imagestreamimages');
    spreads.push(spread(sim));
  }
  await gateway.close();
  await sim.close();
  return { directMs: round(median(a)), gatewayMs: round(median(b)), ratio: round(median(b) / median(a), 3), upstreamCalls: calls, arrivalSpreadMs: round(median(spreads)) };
}

async function dedup() {
  const sim = await createSimulator({ name: 'bench', latencyMs: LATENCY_MS });
  const { url, gateway } = await startGateway([sim]);
  const distinct = refsOf(sim, 40);
  const refs = Array.from({ length: 100 }, (_, i) => distinct[(i * 7) % 40]);
  sim.resetCounts();
  await gql(url, refs);
  const cold = sim.count('imagestreamimages');
  sim.resetCounts();
  await gql(url, refs);
  const repeated = sim.count('imagestreamimages');
  await gateway.close();
  await sim.close();
  return { refs: refs.length, distinct: 40, upstreamCalls: cold, repeatedQueryCalls: repeated };
}

async function multiCluster() {
  const sims = await Promise.all(['east', 'west', 'north'].map((name) => createSimulator({ name, latencyMs: LATENCY_MS })));
  const { url, gateway } = await startGateway(sims);
  const refs = sims.flatMap((sim) => refsOf(sim, 34));
  await gql(url, refs);
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await gql(url, refs);
    times.push(performance.now() - t);
  }
  await gateway.close();
  await Promise.all(sims.map((s) => s.close()));
  return { images: refs.length, clusters: 3, medianMs: round(median(times)) };
}

async function locations() {
  const sims = await Promise.all(['east', 'west', 'north'].map((name) => createSimulator({ name, latencyMs: LATENCY_MS, seedOptions: { benchStreams: 50, benchImagesPerStream: 3 } })));
  const { url, gateway } = await startGateway(sims);
  const digest = [...sims[0].data.streams.get('shared').get('base').status.tags.find((t) => t.tag === 'latest').items][0].image;
  const query = JSON.stringify({ query: `{ imageLocations(digest: "${digest}") { cluster { name } namespace stream tags } }` });
  const run = async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors[0]));
    return body.data.imageLocations.length;
  };
  await run();
  const times = [];
  let calls = 0;
  let found = 0;
  for (let i = 0; i < ROUNDS; i++) {
    for (const sim of sims) sim.resetCounts();
    const t = performance.now();
    found = await run();
    times.push(performance.now() - t);
    calls = sims.reduce((n, sim) => n + sim.count(), 0);
  }
  const streams = sims.reduce((n, sim) => n + [...sim.data.streams.values()].reduce((m, s) => m + s.size, 0), 0);
  await gateway.close();
  await Promise.all(sims.map((s) => s.close()));
  return { clusters: 3, streamsScanned: streams, locationsFound: found, medianMs: round(median(times)), upstreamCalls: calls };
}

const results = { date: new Date().toISOString(), node: process.version, rounds: ROUNDS, latencyMs: LATENCY_MS, fanOut: await fanOut(), dedup: await dedup(), multiCluster: await multiCluster(), locations: await locations() };
const md = `# Benchmark results

Simulator latency ${LATENCY_MS} ms, ${ROUNDS} interleaved rounds, Node ${results.node}, ${results.date}.

| benchmark | measure | value |
|---|---|---|
| fan-out, 100 distinct images | direct got client, median | ${results.fanOut.directMs} ms |
| | one gateway query, median | ${results.fanOut.gatewayMs} ms |
| | ratio gateway / direct | ${results.fanOut.ratio} |
| | upstream imagestreamimages calls | ${results.fanOut.upstreamCalls} |
| | arrival spread at the simulator, median | ${results.fanOut.arrivalSpreadMs} ms |
| dedup, ${results.dedup.refs} refs over ${results.dedup.distinct} distinct | upstream calls | ${results.dedup.upstreamCalls} |
| | same query again (no cross-request cache yet) | ${results.dedup.repeatedQueryCalls} |
| 3 clusters x 34 images | one gateway query, median | ${results.multiCluster.medianMs} ms |
| imageLocations, 3 clusters, ${results.locations.streamsScanned} streams (50 generated per cluster) | one query, median | ${results.locations.medianMs} ms |
| | upstream calls (all clusters) | ${results.locations.upstreamCalls} |
| | locations found | ${results.locations.locationsFound} |
`;
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(new URL('./results/latest.md', import.meta.url), md);
console.log(md);
