// Where the gateway's CPU goes: `npm run bench:profile` (builds first). Starts one simulated
// cluster (PROFILE_LATENCY_MS, default 0) and the gateway in its own process under
// `node --cpu-prof`, sends PROFILE_QUERIES (default 200) queries of 100 distinct cold images,
// one after the other, then prints the CPU per ref, the profile's shares by part of the process
// (garbage collection, got, Node's http, graphql-js…) and the hottest functions. Writes no file
// outside a temporary directory. PROFILE_NODE_FLAGS replaces the gateway's Node flags (default: production's).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PRODUCTION_NODE_FLAGS,
  gql,
  refsOf,
  startGatewayProcess,
  startSimulator,
  stopChildren,
} from './lib.js';
import { hottest, summarize, unbundle } from './profileSummary.js';

const QUERIES = Number(process.env.PROFILE_QUERIES ?? 200);
const LATENCY = Number(process.env.PROFILE_LATENCY_MS ?? 0);
// The gateway's Node flags: as production runs it, unless PROFILE_NODE_FLAGS says otherwise.
const FLAGS =
  process.env.PROFILE_NODE_FLAGS === undefined
    ? PRODUCTION_NODE_FLAGS
    : process.env.PROFILE_NODE_FLAGS.split(' ').filter(Boolean);

/**
 * Profiles the gateway process under `load(url)`; returns the CPU per ref, the summary and the
 * hottest functions. Exported for bench/run.js.
 */
export async function profileGateway(sim, { queries = QUERIES, nodeFlags = FLAGS } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  const refs = refsOf(sim, 100);
  const gateway = await startGatewayProcess([sim], {
    nodeFlags: [...nodeFlags, '--cpu-prof', '--cpu-prof-dir', dir],
    args: ['--cache-max-bytes', '0'],
  });
  try {
    for (let i = 0; i < 5; i++) await gql(gateway.url, refs);
    const before = gateway.cpuMs();
    for (let i = 0; i < queries; i++) await gql(gateway.url, refs);
    const cpuPerRefMs = (gateway.cpuMs() - before) / queries / refs.length;
    await gateway.stop();
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    const profile = unbundle(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    return { cpuPerRefMs, ...summarize(profile), hottest: hottest(profile, 30) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const sim = await startSimulator('profile', { latencyMs: LATENCY });
    const r = await profileGateway(sim);
    console.log(
      `${QUERIES} queries x 100 cold images, ${LATENCY} ms upstream latency, Node ${process.version}`,
    );
    console.log(
      `CPU per ref (profiled, so slower than unprofiled): ${r.cpuPerRefMs.toFixed(3)} ms`,
    );
    console.log(`busy ${Math.round(r.busyMs)} ms; shares of busy time:`);
    for (const [part, share] of Object.entries(r.shares))
      console.log(`${(share * 100).toFixed(1).padStart(5)} %  ${part}`);
    console.log('\nhottest functions (self time):');
    for (const line of r.hottest) console.log(line);
  } finally {
    stopChildren();
  }
}
