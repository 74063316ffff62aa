// Where the CPU goes in a V8 CPU profile (`node --cpu-prof`): self time per part of the
// process, as shares of the busy time (idle excluded). Used by `npm run bench` on the gateway
// process it profiles, and by `node bench/profileSummary.js <file.cpuprofile>` by hand.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A source map's mappings, per generated line: [column, source index, original line] sorted. */
function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  let line = 0;
  for (const text of mappings.split(';')) {
    const segments = [];
    let column = 0;
    for (const segment of text.split(',')) {
      if (segment === '') continue;
      const values = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0];
      if (values.length >= 4) {
        source += values[1];
        line += values[2];
        segments.push([column, source, line]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/**
 * The server runs bundled (dist/main.js and its dist/main-*.js chunks, scripts/bundle-server.mjs):
 * each frame of a bundled file is given back the URL of the file it came from, through the
 * bundle's source map — node_modules/<package>/…, or dist/<folder>/<file>.js for src/<…>.ts —
 * so that the parts below (got, graphql-js, the upstream wrapper…) are told apart as before.
 */
export function unbundle(profile) {
  const maps = new Map();
  const mapOf = (url) => {
    if (!maps.has(url)) {
      const path = url.startsWith('file://') ? fileURLToPath(url) : undefined;
      const file = path && /\/dist\/main[^/]*\.js$/.test(path) ? `${path}.map` : undefined;
      if (!file || !existsSync(file)) maps.set(url, undefined);
      else {
        const map = JSON.parse(readFileSync(file, 'utf8'));
        const dir = new URL('.', url);
        const sources = map.sources.map((source) => {
          const original = new URL(source, dir);
          const src = own(original.pathname) && /\/src\/(.*)\.tsx?$/.exec(original.pathname);
          return src ? new URL(`${src[1]}.js`, dir).href : original.href;
        });
        maps.set(url, { sources, lines: decodeMappings(map.mappings) });
      }
    }
    return maps.get(url);
  };
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const map = frame.url ? mapOf(frame.url) : undefined;
    const segments = map?.lines[frame.lineNumber];
    if (!segments || segments.length === 0) continue;
    let found = segments[0];
    for (const segment of segments) if (segment[0] <= frame.columnNumber) found = segment;
    node.callFrame = { ...frame, url: map.sources[found[1]], lineNumber: found[2] };
  }
  return profile;
}

/** Our own compiled code (a package's dist/, such as @apollo/server's, is not). */
const own = (url) => !url.includes('/node_modules/');

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
  ['gateway: upstream wrapper', (url) => own(url) && url.includes('/dist/upstream/')],
  [
    'gateway: loaders, cache, authz, clusters',
    (url) => own(url) && /\/dist\/(loaders|cache|authz|clusters)\//.test(url),
  ],
  ['gateway: resolvers', (url) => own(url) && url.includes('/dist/resolvers/')],
  ['gateway: http, graphql, limits, other', (url) => own(url) && url.includes('/dist/')],
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
  const profile = unbundle(JSON.parse(readFileSync(process.argv[2], 'utf8')));
  const { busyMs, shares } = summarize(profile);
  console.log(`busy ${Math.round(busyMs)} ms`);
  for (const [part, share] of Object.entries(shares))
    console.log(`${(share * 100).toFixed(1).padStart(5)} %  ${part}`);
  console.log('\nhottest functions (self time):');
  for (const line of hottest(profile)) console.log(line);
}
