// Where the CPU goes in a V8 CPU profile (`node --cpu-prof`): self time per part of the
// process, as shares of the busy time (idle excluded). Used by `npm run bench` on the gateway
// process it profiles, and by `node bench/profileSummary.js <file.cpuprofile>` by hand.
import { readFileSync } from 'node:fs';

/** The first rule whose test matches a frame's URL (or function name) names its part. */
const PARTS = [
  ['garbage collection', (url, fn) => fn === '(garbage collector)'],
  ['idle', (url, fn) => fn === '(idle)'],
  ['V8 / native (program)', (url, fn) => fn === '(program)'],
  [
    'got',
    (url) =>
      url.includes('/node_modules/got/') ||
      url.includes('/node_modules/@sindresorhus/') ||
      url.includes('/node_modules/@szmarczak/') ||
      url.includes('/node_modules/cacheable-') ||
      url.includes('/node_modules/responselike/') ||
      url.includes('/node_modules/lowercase-keys/') ||
      url.includes('/node_modules/decompress-response/') ||
      url.includes('/node_modules/http2-wrapper/') ||
      url.includes('/node_modules/form-data-encoder/') ||
      url.includes('/node_modules/get-stream/') ||
      url.includes('/node_modules/p-cancelable/') ||
      url.includes('/node_modules/type-fest/') ||
      url.includes('/node_modules/mimic-response/') ||
      url.includes('/node_modules/keyv/') ||
      url.includes('/node_modules/byte-counter/') ||
      url.includes('/node_modules/chunk-data/'),
  ],
  ['gateway: upstream wrapper', (url) => url.includes('/dist/upstream/')],
  [
    'gateway: loaders, cache, authz, clusters',
    (url) => /\/dist\/(loaders|cache|authz|clusters)\//.test(url),
  ],
  ['gateway: resolvers', (url) => url.includes('/dist/resolvers/')],
  ['gateway: http, graphql, limits, other', (url) => url.includes('/dist/')],
  ['graphql-js (parse, validate, execute)', (url) => url.includes('/node_modules/graphql/')],
  ['Apollo Server', (url) => url.includes('/node_modules/@apollo/')],
  [
    'Fastify',
    (url) =>
      url.includes('/node_modules/fastify/') ||
      url.includes('/node_modules/find-my-way/') ||
      url.includes('/node_modules/light-my-request/') ||
      url.includes('/node_modules/avvio/') ||
      url.includes('/node_modules/@fastify/'),
  ],
  ['dataloader', (url) => url.includes('/node_modules/dataloader/')],
  ['other node_modules', (url) => url.includes('/node_modules/')],
  [
    'Node http / net / streams',
    (url) =>
      /^node:(_http|http|https|net|stream|internal\/streams|internal\/http|_tls|tls|internal\/stream_base|internal\/net)/.test(
        url,
      ) || /^node:internal\/(deps\/llhttp|timers|url)/.test(url),
  ],
  ['Node other (events, buffers, timers…)', (url) => url.startsWith('node:')],
  ['builtins (JSON, regexps, promises…)', () => true],
];

/** { total busy ms, shares by part (0..1 of busy time) } from a parsed .cpuprofile. */
export function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const dt = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const parts = new Map();
  let idle = 0;
  for (const [id, count] of hits) {
    const { url, functionName } = byId.get(id).callFrame;
    const [part] = PARTS.find(([, test]) => test(url, functionName));
    if (part === 'idle') {
      idle += count;
      continue;
    }
    parts.set(part, (parts.get(part) ?? 0) + count);
  }
  const busy = profile.samples.length - idle;
  const shares = Object.fromEntries(
    [...parts.entries()].sort((a, b) => b[1] - a[1]).map(([p, n]) => [p, n / busy]),
  );
  return { busyMs: busy * dt, shares };
}

/** The hottest functions by self time, for reading a profile. */
export function hottest(profile, n = 25) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const hits = new Map();
  for (const id of profile.samples) {
    const { url, functionName, lineNumber } = byId.get(id).callFrame;
    if (functionName === '(idle)') continue;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}`;
    hits.set(key, (hits.get(key) ?? 0) + 1);
  }
  const total = [...hits.values()].reduce((a, b) => a + b, 0);
  return [...hits.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const { busyMs, shares } = summarize(profile);
  console.log(`busy ${Math.round(busyMs)} ms`);
  for (const [part, share] of Object.entries(shares))
    console.log(`${(share * 100).toFixed(1).padStart(5)} %  ${part}`);
  console.log('\nhottest functions (self time):');
  for (const line of hottest(profile)) console.log(line);
}
