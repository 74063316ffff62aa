// Benchmarks: `npm run bench` (builds first). The simulated clusters run as their own processes
// (like real API servers); the gateway runs in this process for wall-time ratios, and in its own
// process where its CPU, memory and start-up are measured. Every A/B pair is interleaved (a, b,
// a, b, …) so machine noise hits both sides alike, in BENCH_RUNS blocks of BENCH_ROUNDS rounds:
// each figure is the median over the runs with its min–max spread. Upstream call counts and
// arrival times come from the simulators' own records (`GET /_simulator/stats`). Writes
// bench/results/local/latest.{json,md} (bench/results/ with BENCH_RECORD=1).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { buildSchema, graphql } from 'graphql';
import {
  BENCH_CONCURRENCY,
  DIRECT_SOCKETS,
  LATENCY_MS,
  directGot,
  directHttp,
  gql,
  interleave,
  median,
  refsOf,
  round,
  spreadOf,
  startGateway,
  startGatewayProcess,
  startSimulator,
  stopChildren,
} from './lib.js';
import { profileGateway } from './profile.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 3));

/** Spread of the simulator's arrival times of one query's image calls (one wave: a few ms). */
async function waveOf(sim, run) {
  await sim.reset();
  await run();
  const { arrivals } = await sim.stats();
  return Math.max(...arrivals) - Math.min(...arrivals);
}

/**
 * 100 (or 1,000) refs at 20 ms upstream latency, no cache: the gateway (in this process) against
 * the bare node:http client and a bare got client doing the same distinct GETs and parsing them.
 */
async function fanOut({
  images = 100,
  refCount = images,
  streams = 10,
  perStream = 12,
  rounds = ROUNDS,
} = {}) {
  const sim = await startSimulator(`fan${refCount}`, {
    benchStreams: streams,
    benchImages: perStream,
  });
  const { url, gateway } = await startGateway([sim], { maxRefs: Math.max(500, refCount) });
  const distinct = refsOf(sim, images);
  const refs = Array.from({ length: refCount }, (_, i) => distinct[i % images]);
  const nodeHttp = directHttp(sim);
  const bareGot = directGot(sim);
  const ratios = { http: [], got: [] };
  const ms = { http: [], got: [], gateway: [] };
  for (let run = 0; run < RUNS; run++) {
    const r = await interleave(
      { http: () => nodeHttp(refs), got: () => bareGot(refs), gateway: () => gql(url, refs) },
      rounds,
    );
    for (const side of ['http', 'got', 'gateway']) ms[side].push(median(r[side].wall));
    ratios.http.push(median(r.gateway.wall) / median(r.http.wall));
    ratios.got.push(median(r.gateway.wall) / median(r.got.wall));
  }
  const waves = { gateway: [], http: [] };
  for (let i = 0; i < 2 * RUNS; i++) {
    waves.http.push(await waveOf(sim, () => nodeHttp(refs)));
    waves.gateway.push(await waveOf(sim, () => gql(url, refs)));
  }
  await sim.reset();
  await gql(url, refs);
  const stats = await sim.stats();
  await gateway.close();
  sim.stop();
  return {
    refs: refCount,
    images,
    httpMs: spreadOf(ms.http),
    gotMs: spreadOf(ms.got),
    gatewayMs: spreadOf(ms.gateway),
    ratioToHttp: spreadOf(ratios.http),
    ratioToHttpMedian: round(median(ratios.http), 3),
    ratioToGot: spreadOf(ratios.got),
    upstreamCalls: stats.counts.imagestreamimages,
    waveMs: spreadOf(waves.gateway, 1),
    waveMaxMs: round(Math.max(...waves.gateway), 1),
    httpWaveMs: spreadOf(waves.http, 1),
  };
}

/**
 * CPU per ref at 0 ms latency, no cache: the gateway in its own process (its CPU from /proc)
 * against the bare node:http client in this one, interleaved query by query. Then the same
 * load under --cpu-prof: the shares of the gateway's CPU (garbage collection, got, …).
 */
async function cpuPerRef() {
  const sim = await startSimulator('cpu', { latencyMs: 0 });
  const refs = refsOf(sim, 100);
  const gateway = await startGatewayProcess([sim], { args: ['--cache-max-bytes', '0'] });
  const nodeHttp = directHttp(sim);
  // The floor of the upstream client the gateway must use: a bare got client, same GETs.
  const bareGot = directGot(sim);
  const perRef = { gateway: [], http: [], got: [] };
  const queries = 4 * ROUNDS;
  for (let i = 0; i < 5; i++) {
    await gql(gateway.url, refs);
    await nodeHttp(refs);
    await bareGot(refs);
  }
  const cpuOf = async (f) => {
    const c = process.cpuUsage();
    await f(refs);
    const used = process.cpuUsage(c);
    return (used.user + used.system) / 1000;
  };
  for (let run = 0; run < RUNS; run++) {
    let gatewayCpu = 0;
    let httpCpu = 0;
    let gotCpu = 0;
    for (let i = 0; i < queries; i++) {
      const before = gateway.cpuMs();
      await gql(gateway.url, refs);
      gatewayCpu += gateway.cpuMs() - before;
      httpCpu += await cpuOf(nodeHttp);
      gotCpu += await cpuOf(bareGot);
    }
    perRef.gateway.push(gatewayCpu / queries / refs.length);
    perRef.http.push(httpCpu / queries / refs.length);
    perRef.got.push(gotCpu / queries / refs.length);
  }
  await gateway.stop();
  const profiles = [];
  for (let run = 0; run < RUNS; run++) profiles.push(await profileGateway(sim, { queries: 100 }));
  sim.stop();
  const parts = Object.keys(profiles[0].shares);
  return {
    gatewayMsPerRef: spreadOf(perRef.gateway, 3),
    gatewayMsPerRefMedian: round(median(perRef.gateway), 3),
    // Per run, gateway / node:http client: the machine's load slows both alike.
    gatewayToHttpCpu: spreadOf(
      perRef.gateway.map((g, i) => g / perRef.http[i]),
      2,
    ),
    httpMsPerRef: spreadOf(perRef.http, 3),
    gotMsPerRef: spreadOf(perRef.got, 3),
    gotMsPerRefMedian: round(median(perRef.got), 3),
    gcShare: spreadOf(
      profiles.map((p) => 100 * (p.shares['garbage collection'] ?? 0)),
      1,
    ),
    gcShareMedian: round(
      median(profiles.map((p) => 100 * (p.shares['garbage collection'] ?? 0))),
      1,
    ),
    profile: Object.fromEntries(
      parts.map((part) => [
        part,
        spreadOf(
          profiles.map((p) => 100 * (p.shares[part] ?? 0)),
          1,
        ),
      ]),
    ),
    hottest: profiles[0].hottest.slice(0, 15),
  };
}

/** Spawn → first answer and memory of `image-gateway` as started (content cache on, defaults). */
async function startup() {
  const sim = await startSimulator('start', { latencyMs: 0 });
  const refs = refsOf(sim, 100);
  const spawnMs = [];
  const idle = [];
  const peak = [];
  for (let run = 0; run < RUNS; run++) {
    const gateway = await startGatewayProcess([sim], {
      firstQuery: (url) => gql(url, refs.slice(0, 1)),
    });
    spawnMs.push(gateway.spawnToAnswerMs);
    await new Promise((r) => setTimeout(r, 1000));
    idle.push(gateway.rssMiB());
    // Peak: 20 concurrent 100-image queries, cold then cached, twice.
    for (let i = 0; i < 2; i++)
      await Promise.all(Array.from({ length: 20 }, () => gql(gateway.url, refs)));
    peak.push(gateway.peakRssMiB());
    await gateway.stop();
  }
  sim.stop();
  return {
    spawnToAnswerMs: spreadOf(spawnMs, 0),
    spawnToAnswerMedianMs: round(median(spawnMs), 0),
    idleRssMiB: spreadOf(idle, 0),
    idleRssMedianMiB: round(median(idle), 0),
    peakRssMiB: spreadOf(peak, 0),
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

const QUERY_TEXT = `query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name image { name totalLayerSize layers { name size } dockerImageMetadata { config { env { name value } labels { key value } } } } } }`;

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
  const body = JSON.stringify({ query: QUERY_TEXT, variables: { refs } });
  const run = async (target) =>
    (
      await autocannon({
        url: target,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: 20,
        duration: 3,
      })
    ).requests.average;
  // Interleaved: gateway, minimal, gateway, minimal… (each pair one ratio).
  const rps = { gateway: [], minimal: [] };
  const ratios = [];
  for (let i = 0; i < RUNS; i++) {
    const g = await run(url);
    const m = await run(minimal.url);
    rps.gateway.push(g);
    rps.minimal.push(m);
    ratios.push(g / m);
  }
  await sim.reset();
  await gql(url, refs);
  const perQuery = (await sim.stats()).counts;
  await gateway.close();
  await minimal.close();
  sim.stop();
  return {
    images: 10,
    gatewayPerSecond: spreadOf(rps.gateway, 0),
    minimalGraphqlJsPerSecond: spreadOf(rps.minimal, 0),
    ratio: spreadOf(ratios, 3),
    ratioMedian: round(median(ratios), 3),
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
  const direct = directHttp(sim);
  const { bytes } = await direct(refs);
  const r = await interleave({ direct: () => direct(refs), gateway: () => gql(url, refs) }, ROUNDS);
  await gateway.close();
  sim.stop();
  const mib = bytes / 1024 / 1024;
  return {
    images: 100,
    upstreamMiB: round(mib),
    directMs: round(median(r.direct.wall)),
    gatewayMs: round(median(r.gateway.wall)),
    ratio: round(median(r.gateway.wall) / median(r.direct.wall), 3),
    directCpuMsPerMiB: round(median(r.direct.cpu) / mib),
    gatewayCpuMsPerMiB: round(median(r.gateway.cpu) / mib),
  };
}

async function coldWarm() {
  const sims = await Promise.all(['east', 'west', 'north'].map((name) => startSimulator(name)));
  const cold = await startGateway(sims);
  const warm = await startGateway(sims, { cache: true });
  const refs = sims.flatMap((sim) => refsOf(sim, 34));
  const r = await interleave(
    { cold: () => gql(cold.url, refs), warm: () => gql(warm.url, refs) },
    ROUNDS,
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
    coldMs: round(median(r.cold.wall)),
    warmMs: round(median(r.warm.wall)),
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

// Interrupted (Ctrl-C, SIGTERM): the simulators and gateway processes stop too.
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    stopChildren();
    process.exit(1);
  });
const load = loadavg().map((x) => round(x, 1));
try {
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    rounds: ROUNDS,
    runs: RUNS,
    latencyMs: LATENCY_MS,
    loadAverageAtStart: load,
    fanOut: await fanOut(),
    fanOut1000: await fanOut({
      images: 500,
      refCount: 1000,
      streams: 50,
      perStream: 10,
      rounds: Math.ceil(ROUNDS / 2),
    }),
    cpuPerRef: await cpuPerRef(),
    startup: await startup(),
    dedupAndWarm: await dedupAndWarm(),
    throughput: await throughput(),
    payload: await payload(),
    coldWarm: await coldWarm(),
    locations: await locations(),
    loadAverageAtEnd: loadavg().map((x) => round(x, 1)),
  };
  const {
    fanOut: f,
    fanOut1000: k,
    cpuPerRef: c1,
    startup: s,
    dedupAndWarm: d,
    throughput: t,
    payload: p,
    coldWarm: c,
    locations: l,
  } = results;
  const goal = (ok) => (ok ? 'met' : '**not met**');
  const md = `# Benchmark results

Simulated API servers in their own processes, ${LATENCY_MS} ms latency per call (0 for CPU, throughput and start-up), Node ${results.node}, ${results.date}. Each figure is the median of ${RUNS} runs of ${ROUNDS} interleaved rounds, with the min–max over the runs in brackets. Load average (1, 5, 15 min) at start ${results.loadAverageAtStart.join(' / ')}, at end ${results.loadAverageAtEnd.join(' / ')} on ${availableParallelism()} cores: other work shared the machine, so read the ratios, not the milliseconds. The gateways under test allow ${BENCH_CONCURRENCY} calls in flight per cluster (one operation: ${BENCH_CONCURRENCY / 2}); the direct clients have ${DIRECT_SOCKETS} sockets.

## Goals (issue 16)

| goal | figure | |
|---|---|---|
| 100 cold images at 20 ms: gateway / direct node:http ≤ 1.2 | ${f.ratioToHttp} | ${goal(f.ratioToHttpMedian <= 1.2)} |
| one wave: every call within 10 ms of the first | spread ${f.waveMs} ms, worst ${f.waveMaxMs} ms | ${goal(f.waveMaxMs <= 10)} |
| 1,000 refs (500 images) at 20 ms: gateway / direct node:http ≤ 1.4 | ${k.ratioToHttp} | ${goal(k.ratioToHttpMedian <= 1.4)} |
| CPU per ref at 0 ms ≤ 0.4 ms | ${c1.gatewayMsPerRef} ms (node:http client: ${c1.httpMsPerRef} ms; ratio per run ${c1.gatewayToHttpCpu}; a bare got client alone: ${c1.gotMsPerRef} ms) | ${goal(c1.gatewayMsPerRefMedian <= 0.4)} |
| garbage collection < 10 % of the profile | ${c1.gcShare} % | ${goal(c1.gcShareMedian < 10)} |
| warm 10-image query ≥ 0.7 × node:http + graphql-js | ${t.ratio} | ${goal(t.ratioMedian >= 0.7)} |
| spawn → first answer ≤ 0.5 s | ${s.spawnToAnswerMs} ms | ${goal(s.spawnToAnswerMedianMs <= 500)} |
| RSS idle ≤ 100 MiB | ${s.idleRssMiB} MiB (peak ${s.peakRssMiB} MiB) | ${goal(s.idleRssMedianMiB <= 100)} |

## Where the gateway's CPU goes (100 cold images per query, 0 ms, --cpu-prof, share of busy time)

| part | share % |
|---|---|
${Object.entries(c1.profile)
  .map(([part, share]) => `| ${part} | ${share} |`)
  .join('\n')}

Hottest functions (self time, first run): ${c1.hottest.map((h) => `\`${h.trim().replace(/\s+/g, ' ')}\``).join(', ')}.

## All figures

| benchmark | measure | value |
|---|---|---|
| fan-out, 100 distinct images, no cache | direct node:http / direct got / gateway, ms | ${f.httpMs} / ${f.gotMs} / ${f.gatewayMs} |
| | ratio gateway / node:http; gateway / got | ${f.ratioToHttp}; ${f.ratioToGot} |
| | upstream imagestreamimages calls | ${f.upstreamCalls} |
| | arrival spread at the simulator: gateway / node:http client | ${f.waveMs} / ${f.httpWaveMs} ms |
| fan-out, 1,000 refs over 500 images | direct node:http / direct got / gateway, ms | ${k.httpMs} / ${k.gotMs} / ${k.gatewayMs} |
| | ratio gateway / node:http; gateway / got | ${k.ratioToHttp}; ${k.ratioToGot} |
| | upstream imagestreamimages calls | ${k.upstreamCalls} |
| CPU per ref, 0 ms, no cache | gateway process / node:http client / bare got client | ${c1.gatewayMsPerRef} / ${c1.httpMsPerRef} / ${c1.gotMsPerRef} ms (ratio gateway / node:http per run ${c1.gatewayToHttpCpu}) |
| start-up (\`image-gateway\` with a kubeconfig, defaults) | spawn → first answer | ${s.spawnToAnswerMs} ms |
| | RSS idle / peak (20 concurrent 100-image queries) | ${s.idleRssMiB} / ${s.peakRssMiB} MiB |
| dedup, ${d.refs} refs over ${d.distinctImages} images in ${d.distinctStreams} streams | cold: imagestreamimages / imagestreams calls | ${d.coldCalls.imagestreamimages} / ${d.coldCalls.imagestreams} |
| | warm (same query again): imagestreamimages / imagestreams calls | ${d.warmCalls.imagestreamimages} / ${d.warmCalls.imagestreams} |
| throughput, cached 10-image query, 20 connections | gateway | ${t.gatewayPerSecond} queries/s (${t.upstreamCallsPerWarmQuery} upstream calls per query) |
| | node:http + graphql-js from memory, same schema and data | ${t.minimalGraphqlJsPerSecond} queries/s |
| | ratio gateway / minimal (interleaved pairs) | ${t.ratio} |
| payload, 100 images with ≈50 KB metadata (${p.upstreamMiB} MiB upstream) | direct node:http / gateway, median | ${p.directMs} / ${p.gatewayMs} ms (ratio ${p.ratio}) |
| | CPU per upstream MiB (this process): direct / gateway | ${p.directCpuMsPerMiB} / ${p.gatewayCpuMsPerMiB} ms |
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
  stopChildren();
}
