import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagTable, usage } from '../../src/config/usage.js';
import { OPTIONS } from '../../src/config/options.js';
import { startStack, type Stack } from '../helpers/startStack.js';

/**
 * The README is read by newcomers first: its flag table is the option table, and every GraphQL
 * example in it runs, as written, against the demo's two clusters (issue 11).
 */
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

interface Example {
  readonly query: string;
  readonly variables: Record<string, unknown> | undefined;
  /** `# expect errors: CODE, CODE` */
  readonly errors: readonly string[];
  /** `# expect nonempty: a.b.c` — every list reached along the path has items. */
  readonly nonempty: readonly string[];
  /** `# expect some: a.b.c` — at least one list reached along the path has items. */
  readonly some: readonly string[];
}

function examples(): Example[] {
  const blocks = [...README.matchAll(/```(graphql|json)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1],
    text: m[2] ?? '',
  }));
  const out: Example[] = [];
  blocks.forEach((block, i) => {
    if (block.lang !== 'graphql') return;
    const next = blocks[i + 1];
    // A JSON block right after a query whose operation takes variables holds them.
    const takesVariables = /query\s+\w*\s*\(\$/.test(block.text);
    const variables =
      takesVariables && next?.lang === 'json'
        ? (JSON.parse(next.text) as Record<string, unknown>)
        : undefined;
    const directive = (name: string): string[] =>
      [...block.text.matchAll(new RegExp(`^# expect ${name}: (.+)$`, 'gm'))].flatMap((m) =>
        (m[1] ?? '').split(',').map((s) => s.trim()),
      );
    out.push({
      query: block.text,
      variables,
      errors: directive('errors'),
      nonempty: directive('nonempty'),
      some: directive('some'),
    });
  });
  return out;
}

/** The lists reached along a dotted path, through lists at every step. */
function listsAt(value: unknown, path: readonly string[]): unknown[][] {
  if (path.length === 0) return Array.isArray(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => listsAt(item, path));
  if (typeof value !== 'object' || value === null) return [];
  const [head, ...rest] = path;
  const child = (value as Record<string, unknown>)[head ?? ''];
  if (rest.length === 0) return Array.isArray(child) ? [child] : [];
  return listsAt(child, rest);
}

describe('README', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The demo's clusters: east and west, seeded as `npm start` seeds them.
    stack = await startStack({ logLevel: 'silent' });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('lists every option exactly as the option table and --help do (npm run docs writes it)', () => {
    const table = README.slice(
      README.indexOf('<!-- flags:start -->') + '<!-- flags:start -->'.length,
      README.indexOf('<!-- flags:end -->'),
    );
    expect(table.trim()).toBe(flagTable());
    for (const option of OPTIONS) expect(usage()).toContain(`--${option.name}`);
  });

  const all = examples();

  it('has examples to run', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
  });

  it.each(all.map((example, i) => [i, example] as const))(
    'example %i runs against the demo as written',
    async (_i, example) => {
      const { status, body } = await stack.gql(example.query, example.variables);
      expect(status).toBe(200);
      const codes = (body.errors ?? []).map((e) => e.extensions?.['code']);
      expect(codes).toEqual(example.errors);
      expect(body.data).toBeTruthy();
      for (const path of example.nonempty) {
        const lists = listsAt(body.data, path.split('.'));
        expect(lists.length, path).toBeGreaterThan(0);
        for (const list of lists) expect(list.length, path).toBeGreaterThan(0);
      }
      for (const path of example.some) {
        const items = listsAt(body.data, path.split('.')).flat();
        expect(items.length, path).toBeGreaterThan(0);
      }
    },
  );
});
