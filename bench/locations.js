// The location index benchmark: `npm run bench:locations` (builds first; run by node with
// --expose-gc). imageLocations over CLUSTERS simulated clusters × STREAMS generated streams each,
// answered by a gateway that lists (no index) and by one whose watch-fed index is synced: upstream
// requests per query and the median time of each (interleaved rounds). Then the heap the indexes
// take per stream, and the time from a tag moved on a simulator to the index applying it.
// Writes bench/results/locations.{json,md}. The simulators run in this process (they must be
// driven to move tags), with LATENCY_MS of added latency per call.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { createClusterRegistry } from '../dist/clusters/createClusterRegistry.js';
import { createLocationIndex } from '../dist/clusters/createLocationIndex.js';
import { createGateway } from '../dist/createGateway.js';
import { createLogger } from '../dist/logger.js';
import { createSimulator } from '../dist/simulator/createSimulator.js';
import {
  createImageApiClient,
  DEFAULT_UPSTREAM_OPTIONS,
} from '../dist/upstream/createImageApiClient.js';

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 10);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 50);
const LATENCY_MS = 5;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1];
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const silent = createLogger({
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});
const connectionOf = (sim) => ({
  name: sim.name,
  server: sim.url,
  insecureSkipTlsVerify: false,
  token: () => `demo-token-${sim.name}`,
});
const heap = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};
const upstreamRequests = (sims) =>
  sims.reduce((n, sim) => n + sim.count() - sim.count('version'), 0);

async function startGateway(sims, locationIndex) {
  const registry = createClusterRegistry(sims.map(connectionOf), DEFAULT_UPSTREAM_OPTIONS, silent);
  // Deadlines far above what a listing of this size takes on a busy machine: timed, not cut.
  const gateway = await createGateway({
    registry,
    logger: silent,
    locationIndex,
    deadlineMs: 300_000,
    fanOut: { clusterDeadlineMs: 300_000, concurrency: 16 },
  });
  const url = await gateway.listen(0, '127.0.0.1');
  return { url, gateway };
}

async function imageLocations(url, digest) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `query($d: String!) { imageLocations(digest: $d) { cluster { name } namespace stream tags } }`,
      variables: { d: digest },
    }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors[0]));
  return body.data.imageLocations;
}

async function until(condition) {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}

const sims = [];
for (let i = 0; i < CLUSTERS; i++)
  sims.push(
    await createSimulator({
      name: `c${i}`,
      latencyMs: LATENCY_MS,
      seedOptions: { benchStreams: STREAMS, benchImagesPerStream: 3 },
      maxRecords: 1000,
    }),
  );
const streamsPerCluster = [...sims[0].data.streams.values()].reduce((n, s) => n + s.size, 0);
const digestOf = (sim, i) =>
  sim.data.streams.get('bench').get(`stream-${String(i).padStart(3, '0')}`).status.tags[0].items[0]
    .image;

// Memory: the heap before and after one index per cluster is synced (seeds already allocated;
// the indexes alone, without a gateway around them).
const clients = sims.map((sim) => createImageApiClient(connectionOf(sim)));
const before = heap();
const standalone = clients.map((c) => createLocationIndex(c, { maxEntries: 10_000_000 }));
for (const index of standalone) index.start();
await until(() => standalone.every((index) => index.synced));
const after = heap();
await Promise.all(standalone.map((index) => index.stop()));
for (const c of clients) c.close();

const listing = await startGateway(sims, undefined);
const indexed = await startGateway(sims, { maxEntries: 10_000_000 });
const readyz = indexed.url.replace(/\/graphql$/, '/readyz');
await until(async () =>
  ((await (await fetch(readyz)).json()).clusters ?? []).every((c) => c.index?.state === 'synced'),
);
const indexedStreams = streamsPerCluster * CLUSTERS;

// A few queries first: the indexes learn the children of the few manifest lists.
for (const sim of sims.slice(0, 2)) await imageLocations(indexed.url, digestOf(sim, 1));
const times = { listing: [], indexed: [] };
const requests = { listing: [], indexed: [] };
for (let r = 0; r < ROUNDS; r++) {
  const digest = digestOf(sims[r % CLUSTERS], (r * 37) % STREAMS);
  for (const [name, gateway] of [
    ['listing', listing],
    ['indexed', indexed],
  ]) {
    for (const sim of sims) sim.resetCounts();
    const started = performance.now();
    const found = await imageLocations(gateway.url, digest);
    times[name].push(performance.now() - started);
    requests[name].push(upstreamRequests(sims));
    if (found.length !== 1) throw new Error(`${name}: ${found.length} locations for ${digest}`);
  }
}

// Change → index: a tag moved on one simulator until the index applies it.
const client = createImageApiClient(connectionOf(sims[0]));
const single = createLocationIndex(client, {});
let seen;
single.onChange(() => seen?.());
single.start();
await until(() => single.synced);
await until(() => sims[0].watches.open >= 2);
await new Promise((resolve) => setTimeout(resolve, 200));
const latencies = [];
for (let i = 0; i < CHANGES; i++) {
  const applied = new Promise((resolve) => (seen = resolve));
  const started = performance.now();
  sims[0].changes.moveTag('bench', 'stream-000', `t${i % 5}`);
  await applied;
  latencies.push(performance.now() - started);
}
await single.stop();
client.close();

const results = {
  clusters: CLUSTERS,
  streamsPerCluster,
  latencyMs: LATENCY_MS,
  rounds: ROUNDS,
  listing: {
    medianMs: round(median(times.listing)),
    upstreamRequests: median(requests.listing),
  },
  indexed: {
    medianMs: round(median(times.indexed)),
    upstreamRequests: median(requests.indexed),
  },
  speedup: round(median(times.listing) / median(times.indexed), 1),
  heapBytesPerIndexedStream: globalThis.gc ? Math.round((after - before) / indexedStreams) : null,
  changeToIndexMs: { median: round(median(latencies)), p99: round(percentile(latencies, 99)) },
};
await Promise.all([listing.gateway.close(), indexed.gateway.close()]);
await Promise.all(sims.map((s) => s.close()));

const md = `| imageLocations, ${CLUSTERS} clusters × ${streamsPerCluster} streams (${LATENCY_MS} ms per call) | listing | index |
|---|---|---|
| upstream requests per query | ${results.listing.upstreamRequests} | ${results.indexed.upstreamRequests} |
| median time | ${results.listing.medianMs} ms | ${results.indexed.medianMs} ms |
| listing / index | | ${results.speedup}× |

Heap per indexed stream: ${results.heapBytesPerIndexedStream ?? 'n/a (run with --expose-gc)'} bytes (${indexedStreams} streams, 3 history entries each).
A tag moved upstream → applied by the index: median ${results.changeToIndexMs.median} ms, p99 ${results.changeToIndexMs.p99} ms (${CHANGES} changes).
`;
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(new URL('results/locations.json', import.meta.url), JSON.stringify(results, null, 2));
writeFileSync(new URL('results/locations.md', import.meta.url), md);
process.stdout.write(md);
