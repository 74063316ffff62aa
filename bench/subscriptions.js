// The subscription benchmark: `npm run bench:subscriptions` (builds first). One simulated
// cluster in its own process (bench/simulatorProcess.js, with a control listener that moves a
// tag on demand and stamps it with that process's clock) and `image-gateway` in its own process
// (a kubeconfig naming the simulator; the location index on; Node's inspector on a loopback port,
// used only to force a garbage collection before memory is read). This process is the client.
// Per run (BENCH_RUNS, default 3, a fresh gateway each):
//   1. latency: BENCH_CHANGES (200) tag moves per transport, one at a time, BENCH_GAP_MS (25)
//      apart, alternating a graphql-ws subscriber (stream-000) and an SSE subscriber
//      (stream-001); for each, the simulator's clock just before moveTag, the arrival at a bare
//      watch reader in this process (the same watch the gateway's index holds) and at the
//      subscriber;
//   2. memory: /metrics (RSS, heap used) after a forced GC, median of 5 samples, before and after
//      BENCH_SUBSCRIBERS (1,000) idle subscriptions, one connection each, over graphql-ws, then
//      over SSE (the order alternates between runs);
//   3. fan-out: BENCH_FANOUTS (5) moves of a tag every one of them follows, each until the last
//      has it; every subscriber must have had each event exactly once.
// Clock: performance.timeOrigin + performance.now() in each process, with the offset between
// this process and the simulator's measured over the control channel (the sample of least
// round-trip time; its half round trip bounds the error). Writes bench/results/subscriptions.{json,md}.
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { spawn } from 'node:child_process';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { median, round, spreadOf, startGatewayProcess, stopChildren } from './lib.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 25);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const FANOUTS = Number(process.env.BENCH_FANOUTS ?? 5);
/**
 * BENCH_CPU_PROF=<dir>: the gateway's CPU profile of each run's fan-outs (taken through its
 * inspector, Profiler.start/stop) in <dir>/fanout-<transport>-run<N>.cpuprofile.
 */
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
const LATENCY_MS = 5;
const SAMPLES = 5;
const CONNECT_BATCH = 50;

const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1];
const load = () => loadavg().map((x) => round(x, 1));
const kib = (bytes) => bytes / 1024;

async function until(condition, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const QUERY = `subscription($streams: [String!]) {
  imageStreamEvents(namespaces: ["bench"], streams: $streams) { type stream changedTags { tag to } }
}`;
const digestsOf = (result) =>
  (result?.data?.imageStreamEvents?.changedTags ?? []).map((t) => t.to).filter(Boolean);

// ---- the simulator process and its control channel ----

async function startSimulatorProcess(name) {
  const child = spawn(
    process.execPath,
    ['bench/simulatorProcess.js', name, String(LATENCY_MS), '10'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /simulator (\S+) control (\S+)/.exec(out);
      if (m) resolve(m);
    });
    child.on('exit', () => reject(new Error('simulator exited')));
  });
  const control = line[2];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const call = (method, path) =>
    new Promise((resolve, reject) => {
      const req = http.request(`${control}${path}`, { method, agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(JSON.parse(body)));
      });
      req.on('error', reject);
      req.end();
    });
  return {
    name,
    url: line[1],
    /** {digest, t0, t1}: the simulator's clock before and after moveTag. */
    move: (stream, tag) => call('POST', `/move?stream=${stream}&tag=${tag}`),
    watches: async () => (await call('GET', '/watches')).open,
    /** Simulator clock − this process's clock, from the sample of least round-trip time. */
    async offset() {
      let best = { rtt: Infinity, offset: 0 };
      const rtts = [];
      for (let i = 0; i < 40; i++) {
        const a = clock();
        const { now } = await call('GET', '/clock');
        const b = clock();
        rtts.push(b - a);
        if (b - a < best.rtt) best = { rtt: b - a, offset: now - (a + b) / 2 };
      }
      return { ...best, medianRtt: median(rtts) };
    },
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGTERM');
        agent.destroy();
      }),
  };
}

/** A bare watch of bench/imagestreams, as the index holds it: arrival time of each digest. */
function watchReader(sim, arrivals) {
  const req = http.get(
    `${sim.url}/apis/image.openshift.io/v1/namespaces/bench/imagestreams?watch=true`,
    { headers: { authorization: `Bearer demo-token-${sim.name}` }, agent: false },
    (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        const at = clock();
        buffer += chunk;
        for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
          const event = JSON.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 1);
          if (event.type !== 'MODIFIED') continue;
          for (const tag of event.object.status?.tags ?? [])
            if (tag.items?.[0]) arrivals.set(tag.items[0].image, at);
        }
      });
    },
  );
  return { close: () => req.destroy() };
}

// ---- subscribers ----

/** One graphql-ws client (its own WebSocket) with one subscription; resolves once connected. */
async function wsSubscriber(url, streams, onEvent) {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
  });
  const connected = new Promise((resolve, reject) => {
    client.on('connected', resolve);
    client.on('closed', (e) => reject(new Error(`websocket closed: ${e?.code ?? e}`)));
  });
  client.subscribe(
    { query: QUERY, variables: { streams } },
    {
      next: (result) => {
        const at = clock();
        for (const digest of digestsOf(result)) onEvent(digest, at);
      },
      error: (err) => process.stderr.write(`ws subscription error: ${JSON.stringify(err)}\n`),
      complete: () => undefined,
    },
  );
  await connected;
  return { close: () => client.dispose() };
}

/** One SSE subscription (graphql-sse, distinct connections) over node:http; resolves on its head. */
function sseSubscriber(url, streams, onEvent) {
  return new Promise((resolve, reject) => {
    let closed = false;
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      },
      (res) => {
        if (!(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          reject(new Error(`not an event stream: ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const lines = buffer.slice(0, end).split('\n');
            buffer = buffer.slice(end + 2);
            if (!lines.includes('event: next')) continue;
            const data = lines
              .filter((l) => l.startsWith('data:'))
              .map((l) => l.slice(5).trimStart())
              .join('\n');
            const result = JSON.parse(data);
            const at = clock();
            for (const digest of digestsOf(result)) onEvent(digest, at);
          }
        });
        resolve({
          close: () => {
            closed = true;
            req.destroy();
          },
        });
      },
    );
    req.on('error', (err) => {
      if (!closed) reject(err);
    });
    req.end(JSON.stringify({ query: QUERY, variables: { streams } }));
  });
}

const SUBSCRIBE = { ws: wsSubscriber, sse: sseSubscriber };

// ---- the gateway's /metrics and a forced GC through its inspector ----

async function metricsOf(gateway) {
  const text = await (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text();
  const value = (pattern) => Number(new RegExp(`^${pattern} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    rss: value('image_gateway_process_resident_memory_bytes'),
    heap: value('image_gateway_nodejs_heap_size_used_bytes'),
    ws: value('image_gateway_subscriptions\\{transport="ws"\\}'),
    sse: value('image_gateway_subscriptions\\{transport="sse"\\}'),
  };
}

/** A DevTools protocol session on the gateway's inspector: send(method, params) → result. */
async function inspectorSession(inspectorUrl) {
  const socket = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const pending = new Map();
  let id = 0;
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  });
  return {
    send: (method, params = {}) =>
      new Promise((resolve) => {
        id += 1;
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

async function forceGc(inspectorUrl) {
  const session = await inspectorSession(inspectorUrl);
  await session.send('HeapProfiler.collectGarbage');
  session.close();
}

/** RSS and heap used after a forced GC: the median of SAMPLES readings. */
async function memoryOf(gateway) {
  const samples = [];
  for (let i = 0; i < SAMPLES; i++) {
    await forceGc(gateway.inspectorUrl);
    await sleep(200);
    samples.push(await metricsOf(gateway));
  }
  return {
    rss: median(samples.map((s) => s.rss)),
    heap: median(samples.map((s) => s.heap)),
  };
}

// ---- the phases ----

/** Changes alternating between a ws and an SSE subscriber; per transport, the timings (ms). */
async function latencyPhase(sim, gateway, offset) {
  const arrivals = { ws: new Map(), sse: new Map(), watch: new Map() };
  const reader = watchReader(sim, arrivals.watch);
  const subscribers = {
    ws: await wsSubscriber(gateway.url, ['stream-000'], (d, at) => arrivals.ws.set(d, at)),
    sse: await sseSubscriber(gateway.url, ['stream-001'], (d, at) => arrivals.sse.set(d, at)),
  };
  await until(async () => {
    const m = await metricsOf(gateway);
    return m.ws === 1 && m.sse === 1;
  }, 'the two subscriptions');
  await until(async () => (await sim.watches()) >= 2, 'the watches');
  const stream = { ws: 'stream-000', sse: 'stream-001' };
  const out = { ws: [], sse: [] };
  const warmup = 10;
  for (let i = 0; i < CHANGES + warmup; i++) {
    for (const transport of i % 2 ? ['sse', 'ws'] : ['ws', 'sse']) {
      const { digest, t0, t1 } = await sim.move(stream[transport], `t${i % 5}`);
      await until(
        () => arrivals[transport].has(digest) && arrivals.watch.has(digest),
        `event ${digest} over ${transport}`,
        30_000,
      );
      const start = t0 - offset;
      const at = arrivals[transport].get(digest);
      const watched = arrivals.watch.get(digest);
      if (i >= warmup)
        out[transport].push({
          total: at - start,
          simulator: t1 - t0,
          toWatch: watched - start,
          watchToSubscriber: at - watched,
        });
      await sleep(GAP_MS);
    }
  }
  reader.close();
  subscribers.ws.close();
  subscribers.sse.close();
  await until(async () => {
    const m = await metricsOf(gateway);
    return m.ws === 0 && m.sse === 0;
  }, 'the subscriptions to end');
  return out;
}

/** SUBSCRIBERS idle subscriptions over one transport: memory, then FANOUTS changes to all. */
async function crowdPhase(sim, gateway, transport, offset, run) {
  await sleep(500);
  const before = await memoryOf(gateway);
  const received = [];
  const subscribers = [];
  for (let i = 0; i < SUBSCRIBERS; i += CONNECT_BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(SUBSCRIBERS, i + CONNECT_BATCH); j++) {
      const mine = [];
      received.push(mine);
      batch.push(SUBSCRIBE[transport](gateway.url, ['stream-002'], (d, at) => mine.push([d, at])));
    }
    subscribers.push(...(await Promise.all(batch)));
  }
  await until(
    async () => (await metricsOf(gateway))[transport] === SUBSCRIBERS,
    `${SUBSCRIBERS} ${transport} subscriptions`,
  );
  await sleep(500);
  const after = await memoryOf(gateway);

  const fanouts = [];
  const moved = [];
  // BENCH_CPU_PROF: the gateway's CPU profile of the fan-outs alone, through its inspector.
  const profiler = PROFILE_DIR ? await inspectorSession(gateway.inspectorUrl) : undefined;
  await profiler?.send('Profiler.enable');
  await profiler?.send('Profiler.start');
  for (let f = 0; f < FANOUTS; f++) {
    const cpu = gateway.cpuMs();
    const { digest, t0 } = await sim.move('stream-002', `f${f % 3}`);
    moved.push(digest);
    const has = (mine) => mine.some(([d]) => d === digest);
    await until(() => received.every(has), `the fan-out of ${digest}`, 60_000);
    const times = received.map((mine) => mine.find(([d]) => d === digest)[1] - (t0 - offset));
    fanouts.push({
      last: Math.max(...times),
      first: Math.min(...times),
      median: median(times),
      gatewayCpuMs: gateway.cpuMs() - cpu,
    });
    await sleep(500);
  }
  if (profiler) {
    const { profile } = await profiler.send('Profiler.stop');
    profiler.close();
    mkdirSync(PROFILE_DIR, { recursive: true });
    writeFileSync(
      `${PROFILE_DIR}/fanout-${transport}-run${run + 1}.cpuprofile`,
      JSON.stringify(profile),
    );
  }
  await sleep(500);
  // What stays on the heap (after a forced GC) once every event is delivered: per event per
  // subscriber, and after the subscribers leave.
  const afterEvents = await memoryOf(gateway);
  // Exactly one event per change per subscriber, in order, nothing else.
  const exact = received.every(
    (mine) => mine.length === moved.length && mine.every(([d], i) => d === moved[i]),
  );
  for (const s of subscribers) s.close();
  await until(
    async () => (await metricsOf(gateway))[transport] === 0,
    `the ${transport} subscriptions to end`,
  );
  await sleep(500);
  const left = await memoryOf(gateway);
  return {
    heapBytesPerDeliveredEvent: (afterEvents.heap - after.heap) / (SUBSCRIBERS * FANOUTS),
    heapMiBLeftAfter: (left.heap - before.heap) / 2 ** 20,
    rssKiBPerSubscriber: kib(after.rss - before.rss) / SUBSCRIBERS,
    heapKiBPerSubscriber: kib(after.heap - before.heap) / SUBSCRIBERS,
    before,
    after,
    fanouts,
    exact,
  };
}

// ---- main ----

const loadStart = load();
const sim = await startSimulatorProcess('c0');
const runs = [];
try {
  for (let r = 0; r < RUNS; r++) {
    const gateway = await startGatewayProcess([sim], {
      inspect: true,
      args: ['--max-connections', String(SUBSCRIBERS * 2 + 100)],
    });
    try {
      const readyz = gateway.url.replace(/\/graphql$/, '/readyz');
      await until(
        async () =>
          ((await (await fetch(readyz)).json()).clusters ?? []).every(
            (c) => c.index?.state === 'synced',
          ),
        'the location index',
      );
      const { offset, rtt, medianRtt } = await sim.offset();
      const latency = await latencyPhase(sim, gateway, offset);
      const crowd = {};
      for (const transport of r % 2 ? ['sse', 'ws'] : ['ws', 'sse'])
        crowd[transport] = await crowdPhase(sim, gateway, transport, offset, r);
      runs.push({ offsetMs: offset, offsetBoundMs: rtt / 2, medianRtt, latency, crowd });
      process.stderr.write(`run ${r + 1}/${RUNS} done (load ${load().join(' ')})\n`);
    } finally {
      await gateway.stop();
    }
  }
} finally {
  await sim.stop();
  stopChildren();
}
const loadEnd = load();

// ---- figures ----

const TRANSPORTS = ['ws', 'sse'];
const perRun = (f) => runs.map(f);
const latencyOf = (t, key, stat) =>
  perRun((run) => {
    const xs = run.latency[t].map((x) => x[key]);
    return stat === 'median'
      ? median(xs)
      : stat === 'max'
        ? Math.max(...xs)
        : percentile(xs, Number(stat.slice(1)));
  });
const pooled = (t, key, p) =>
  percentile(
    runs.flatMap((run) => run.latency[t].map((x) => x[key])),
    p,
  );
const fanOf = (t, key) => perRun((run) => median(run.crowd[t].fanouts.map((f) => f[key])));
const fanWorst = (t) => Math.max(...runs.flatMap((run) => run.crowd[t].fanouts.map((f) => f.last)));

const results = {
  runs: RUNS,
  changesPerTransportPerRun: CHANGES,
  gapMs: GAP_MS,
  subscribers: SUBSCRIBERS,
  fanouts: FANOUTS,
  simulatorLatencyMs: LATENCY_MS,
  clock: 'performance.timeOrigin + performance.now() per process; offset to the simulator measured',
  clockOffsetMs: perRun((run) => round(run.offsetMs, 3)),
  clockOffsetBoundMs: perRun((run) => round(run.offsetBoundMs, 3)),
  controlRoundTripMedianMs: perRun((run) => round(run.medianRtt, 2)),
  load: { start: loadStart, end: loadEnd },
  latency: Object.fromEntries(
    TRANSPORTS.map((t) => [
      t,
      {
        median: latencyOf(t, 'total', 'median'),
        p90: latencyOf(t, 'total', 'p90'),
        p99: latencyOf(t, 'total', 'p99'),
        max: latencyOf(t, 'total', 'max'),
        pooled: { median: pooled(t, 'total', 50), p99: pooled(t, 'total', 99) },
        simulatorMedian: latencyOf(t, 'simulator', 'median'),
        toWatchMedian: latencyOf(t, 'toWatch', 'median'),
        watchToSubscriberMedian: latencyOf(t, 'watchToSubscriber', 'median'),
        watchToSubscriberP99: latencyOf(t, 'watchToSubscriber', 'p99'),
      },
    ]),
  ),
  crowd: Object.fromEntries(
    TRANSPORTS.map((t) => [
      t,
      {
        rssKiBPerSubscriber: perRun((run) => run.crowd[t].rssKiBPerSubscriber),
        heapKiBPerSubscriber: perRun((run) => run.crowd[t].heapKiBPerSubscriber),
        rssMiBBefore: perRun((run) => run.crowd[t].before.rss / 2 ** 20),
        rssMiBAfter: perRun((run) => run.crowd[t].after.rss / 2 ** 20),
        heapMiBBefore: perRun((run) => run.crowd[t].before.heap / 2 ** 20),
        heapMiBAfter: perRun((run) => run.crowd[t].after.heap / 2 ** 20),
        heapBytesPerDeliveredEvent: perRun((run) => run.crowd[t].heapBytesPerDeliveredEvent),
        heapMiBLeftAfter: perRun((run) => run.crowd[t].heapMiBLeftAfter),
        fanOutLastMs: fanOf(t, 'last'),
        fanOutFirstMs: fanOf(t, 'first'),
        fanOutMedianMs: fanOf(t, 'median'),
        fanOutWorstMs: fanWorst(t),
        firstFanOutLastMs: perRun((run) => run.crowd[t].fanouts[0].last),
        firstFanOutGatewayCpuMs: perRun((run) => run.crowd[t].fanouts[0].gatewayCpuMs),
        gatewayCpuMsPerFanOut: fanOf(t, 'gatewayCpuMs'),
        exactlyOnce: runs.every((run) => run.crowd[t].exact),
      },
    ]),
  ),
  fanOutsPerRun: perRun((run) =>
    Object.fromEntries(TRANSPORTS.map((t) => [t, run.crowd[t].fanouts])),
  ),
};

const L = results.latency;
const C = results.crowd;
const row = (label, f, d = 2) =>
  `| ${label} | ${spreadOf(f('ws'), d)} | ${spreadOf(f('sse'), d)} |`;
const beforeAfter = (label, key) =>
  `| ${label} | ${TRANSPORTS.map((t) => `${spreadOf(C[t][`${key}Before`], 1)} → ${spreadOf(C[t][`${key}After`], 1)}`).join(' | ')} |`;
const md = `Subscriptions: one simulated cluster (${LATENCY_MS} ms per call) and \`image-gateway\` in their own processes, loopback, ${RUNS} runs (a fresh gateway each); each figure is the median over the runs with the min–max in brackets. Load average ${loadStart.join(' ')} at start, ${loadEnd.join(' ')} at end (2 shared cores: read ratios and spreads, not absolute milliseconds).

| event latency, upstream change → subscriber (${CHANGES} changes per transport per run, ${GAP_MS} ms apart, one at a time) | graphql-ws | SSE |
|---|---|---|
${row('median, ms', (t) => L[t].median)}
${row('p90, ms', (t) => L[t].p90)}
${row('p99, ms', (t) => L[t].p99)}
${row('max, ms', (t) => L[t].max)}
| all runs pooled: median / p99, ms | ${round(L.ws.pooled.median)} / ${round(L.ws.pooled.p99)} | ${round(L.sse.pooled.median)} / ${round(L.sse.pooled.p99)} |
${row('path: moveTag in the simulator (median), ms', (t) => L[t].simulatorMedian, 3)}
${row('path: change → a bare watch reader in the client process (median), ms', (t) => L[t].toWatchMedian)}
${row('path: that watch reader → subscriber (the gateway: watch, index, hub, execute, send; median), ms', (t) => L[t].watchToSubscriberMedian)}
${row('path: watch reader → subscriber p99, ms', (t) => L[t].watchToSubscriberP99)}

| ${SUBSCRIBERS} idle subscribers, one connection each (gateway /metrics after a forced GC, median of ${SAMPLES}) | graphql-ws | SSE |
|---|---|---|
${beforeAfter('RSS before → after, MiB', 'rssMiB')}
${beforeAfter('heap used before → after, MiB', 'heapMiB')}
${row('RSS per subscriber, KiB', (t) => C[t].rssKiBPerSubscriber, 1)}
${row('heap per subscriber, KiB', (t) => C[t].heapKiBPerSubscriber, 1)}
${row(`fan-out: change → last of ${SUBSCRIBERS} has it (median of ${FANOUTS}), ms`, (t) => C[t].fanOutLastMs, 1)}
${row('fan-out: change → first has it, ms', (t) => C[t].fanOutFirstMs, 1)}
${row('fan-out: change → half have it, ms', (t) => C[t].fanOutMedianMs, 1)}
${row('the first fan-out after subscribing: change → last has it, ms', (t) => C[t].firstFanOutLastMs, 1)}
${row('the first fan-out: gateway CPU, ms', (t) => C[t].firstFanOutGatewayCpuMs, 0)}
| fan-out: slowest of all ${RUNS * FANOUTS}, ms | ${round(C.ws.fanOutWorstMs, 1)} | ${round(C.sse.fanOutWorstMs, 1)} |
${row('gateway CPU per fan-out (/proc, 10 ms ticks), ms', (t) => C[t].gatewayCpuMsPerFanOut, 0)}
${row(`heap kept after the ${FANOUTS} fan-outs (forced GC), per event delivered to one subscriber, bytes`, (t) => C[t].heapBytesPerDeliveredEvent, 0)}
${row('heap after the subscribers left, against before they came, MiB', (t) => C[t].heapMiBLeftAfter, 1)}
| every subscriber got each event exactly once | ${C.ws.exactlyOnce ? 'yes' : 'NO'} | ${C.sse.exactlyOnce ? 'yes' : 'NO'} |

Clock: \`performance.timeOrigin + performance.now()\` in each process; the simulator's offset from the client process, measured over the control channel before each run, was ${results.clockOffsetMs.join(', ')} ms (error bound ±${results.clockOffsetBoundMs.join(', ')} ms) and is subtracted. For scale, an HTTP round trip to the simulator's control listener on loopback took ${results.controlRoundTripMedianMs.join(', ')} ms (median of 40, per run): on this shared machine a process waiting for a socket is not always woken at once, and the "change → watch reader" leg carries this process's wake-up too. The "watch reader → subscriber" leg is timed in the client process alone. Subscriber times include the client's own parsing in this one process (for the fan-out, ${SUBSCRIBERS} clients on one event loop).
`;
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('results/subscriptions.json', import.meta.url),
  JSON.stringify(results, null, 2),
);
writeFileSync(new URL('results/subscriptions.md', import.meta.url), md);
process.stdout.write(md);
