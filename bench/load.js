// Load: `npm run bench:load` (LOAD_SECONDS, LOAD_CONNECTIONS to change). Starts the demo as its
// own process, holds concurrent connections against one realistic query, and reports
// throughput, latency percentiles, errors and the gateway's memory before and after.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50);
// LOAD_NO_CACHE=1 measures the gateway without its content cache (every image from upstream).
const CACHE = process.env.LOAD_NO_CACHE ? ['--cache-max-bytes', '0'] : [];

const child = spawn(
  process.execPath,
  ['dist/main.js', '--demo', '--port', '0', '--log-level', 'warn', ...CACHE],
  {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const url = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const m = /http:\/\/127\.0\.0\.1:\d+\/graphql/.exec(out);
    if (m) resolve(m[0]);
  });
  child.on('exit', () => reject(new Error('the demo exited')));
});
const rssMiB = () => {
  const line = readFileSync(`/proc/${child.pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
};

const post = (body) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.json());
// Ten images of one stream, with layers, config and the stream: a typical UI page.
const stream = await post({
  query:
    '{ imageStream(cluster: "east", namespace: "bench", name: "stream-000") { tags { name history { digest } } } }',
});
const digests = stream.data.imageStream.tags
  .find((t) => t.name === 'latest')
  .history.map((e) => e.digest)
  .slice(0, 10);
const body = JSON.stringify({
  query:
    'query Page($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name image { totalLayerSize layers { name size } dockerImageMetadata { config { env { name value } labels { key value } } } } stream { name } } }',
  variables: {
    refs: digests.map((d) => ({ cluster: 'east', namespace: 'bench', name: `stream-000@${d}` })),
  },
});
for (let i = 0; i < 50; i++) await post(JSON.parse(body));
const before = rssMiB();

const samples = [];
const sampler = setInterval(() => samples.push(rssMiB()), 10_000);
const result = await autocannon({
  url,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body,
  connections: CONNECTIONS,
  duration: SECONDS,
});
clearInterval(sampler);
const after = rssMiB();
await new Promise((r) => setTimeout(r, 2000));
const settled = rssMiB();
child.kill('SIGTERM');

const report = {
  date: new Date().toISOString(),
  seconds: SECONDS,
  connections: CONNECTIONS,
  contentCache: CACHE.length === 0,
  requests: result.requests.total,
  throughputPerSecond: Math.round(result.requests.average),
  latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  errors: result.errors + result.timeouts + result.non2xx,
  rssMiB: { before, every10s: samples, after, afterTwoSeconds: settled },
};
// Results are recorded (in the tracked bench/results/) only when asked: BENCH_RECORD=1.
const name = `load${CACHE.length ? '-no-cache' : ''}.json`;
const target = process.env.BENCH_RECORD ? `./results/${name}` : `./results/local/${name}`;
mkdirSync(new URL('./results/local/', import.meta.url), { recursive: true });
writeFileSync(new URL(target, import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
console.log(`written to bench/${target.slice(2)}`);
console.log(JSON.stringify(report, null, 2));
