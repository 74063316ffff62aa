// `npm run docs`: writes the flag table generated from src/config/options.ts into README.md,
// between <!-- flags:start --> and <!-- flags:end -->. test/e2e/readme.test.ts fails while the
// README's table differs from the generated one.
import { readFileSync, writeFileSync } from 'node:fs';
import { flagTable } from '../dist/config/usage.js';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = '<!-- flags:start -->';
const end = '<!-- flags:end -->';
const before = readme.slice(0, readme.indexOf(start) + start.length);
const after = readme.slice(readme.indexOf(end));
writeFileSync(path, `${before}\n${flagTable()}\n${after}`);
