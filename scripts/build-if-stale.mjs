// `npm start` runs this first: it builds only when dist/ is older than what it is built from,
// so a second `npm start` starts at once. Plain Node, no dependencies.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = [
  'src',
  'web',
  'schema.graphql',
  'package.json',
  'tsconfig.json',
  'scripts/build-graphiql.mjs',
  'scripts/bundle-server.mjs',
  'examples',
];
const OUTPUTS = ['dist/main.js', 'dist/graphiql/graphiql.js'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (most, entry) => Math.max(most, newest(join(path, entry))),
    stat.mtimeMs,
  );
}

const built = Math.min(...OUTPUTS.map((path) => (existsSync(path) ? statSync(path).mtimeMs : 0)));
const changed = Math.max(...SOURCES.map(newest));
if (built > 0 && built >= changed) {
  process.stderr.write('dist/ is up to date; starting.\n');
} else {
  process.stderr.write(
    'Building dist/ (TypeScript, then the GraphiQL bundle; about half a minute the first time)…\n',
  );
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], {
    stdio: 'inherit',
  });
}
