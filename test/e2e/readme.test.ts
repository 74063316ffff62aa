import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagTable, usage } from '../../src/config/usage.js';
import { OPTIONS } from '../../src/config/options.js';
import { buildImageStream } from '../../src/simulator/buildImageStream.js';
import { startStack, type Stack } from '../helpers/startStack.js';
import { sseSubscribe } from '../helpers/subscribe.js';
import { until } from '../helpers/until.js';

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

interface EventBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
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
    // The demo's clusters: east and west, seeded as `npm start` seeds them, with the location
    // index on and the stream whose tag the demo moves.
    stack = await startStack({ logLevel: 'silent', locationIndex: { maxEntries: 1_000_000 } });
    stack.sims['east']!.changes.putImageStream(buildImageStream('demo', 'ticker', [], []));
    await until(
      () => Object.values(stack.sims).every((sim) => sim.watches.open === 1),
      'every index watches',
    );
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

  /** A subscription example: over SSE, until the demo's tag moves once (as the demo does). */
  async function firstEvent(example: Example): Promise<{ status: number; body: EventBody }> {
    const before = stack.gateway.subscriptions.subscribers;
    const sub = await sseSubscribe(stack.url, example.query, example.variables);
    try {
      await until(
        () => stack.gateway.subscriptions.subscribers === before + 1,
        'the example subscribed',
      );
      stack.sims['east']!.changes.moveTag('demo', 'ticker', 'live');
      return { status: sub.response.status, body: await sub.next() };
    } finally {
      sub.close();
    }
  }

  it('has examples to run', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
  });

  it.each(all.map((example, i) => [i, example] as const))(
    'example %i runs against the demo as written',
    async (_i, example) => {
      const { status, body } = /^\s*subscription\b/m.test(example.query)
        ? await firstEvent(example)
        : await stack.gql(example.query, example.variables);
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
