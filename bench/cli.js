// CLI start-up: `npm run bench:cli` (builds first; BENCH_CLI_ROUNDS to change the 10 rounds).
// How long `image-gateway --help`, `--version` and a bad flag take against Node's own start-up
// (`node -e 0`), as medians of interleaved rounds (node, help, version, bad flag, node, …) so
// that machine noise hits every side alike. The ratio is the number to watch: argv is parsed
// before anything heavy is imported, so these answers should cost a few times Node's start-up,
// not the seconds that loading Apollo, OpenTelemetry and the Kubernetes client takes.
// Prints to stdout only; writes no file.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const ROUNDS = Number(process.env.BENCH_CLI_ROUNDS ?? 10);
const MAIN = new URL('../dist/main.js', import.meta.url).pathname;
if (!existsSync(MAIN)) {
  console.error('dist/main.js is missing: run `npm run build` (npm run bench:cli does)');
  process.exit(1);
}

const cases = [
  { name: 'node -e 0', args: ['-e', '0'], exit: 0 },
  { name: 'image-gateway --help', args: [MAIN, '--help'], exit: 0 },
  { name: 'image-gateway --version', args: [MAIN, '--version'], exit: 0 },
  { name: 'image-gateway --max-ref 1 (bad flag)', args: [MAIN, '--max-ref', '1'], exit: 2 },
];

const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.startsWith('IMAGE_GATEWAY_')),
);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const times = new Map(cases.map((c) => [c.name, []]));
// One warm-up round (disk cache), not counted.
for (let round = -1; round < ROUNDS; round++) {
  for (const c of cases) {
    const started = performance.now();
    const result = spawnSync(process.execPath, c.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = performance.now() - started;
    if (result.status !== c.exit) {
      console.error(`${c.name}: exit ${result.status}, expected ${c.exit}\n${result.stderr}`);
      process.exit(1);
    }
    if (round >= 0) times.get(c.name).push(ms);
  }
}

const base = median(times.get('node -e 0'));
console.log(`CLI start-up, median of ${ROUNDS} interleaved rounds (Node ${process.version})\n`);
console.log('| command | median ms | × node -e 0 |');
console.log('|---|---|---|');
for (const c of cases) {
  const m = median(times.get(c.name));
  console.log(`| \`${c.name}\` | ${m.toFixed(0)} | ${(m / base).toFixed(2)} |`);
}
