import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isObjectType,
  isScalarType,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { seededRandom } from '../../src/simulator/seededRandom.js';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ logLevel: 'silent', upstream: { attemptTimeoutMs: 1_000 } });
});
afterAll(async () => {
  await stack.close();
});

/** Strings that are valid somewhere, nearly valid, or hostile. */
function interestingStrings(): string[] {
  const east = stack.sims['east']!;
  const digest = historyOf(east, 'apps', 'frontend')[0] ?? '';
  return [
    'east',
    'west',
    'nope',
    'apps',
    'openshift',
    'bench',
    'frontend',
    `frontend@${digest}`,
    digest,
    'python:3.8',
    'python',
    `python@${digest}`,
    'hello-multiarch',
    'amd64',
    'arm64',
    'linux',
    '',
    ' ',
    'A_B',
    '../..',
    'a@b@c',
    'x:y:z',
    '%2F',
    '\u0000',
    'sha256:' + 'f'.repeat(64),
    'sha256:' + 'F'.repeat(64),
    'é'.repeat(300),
    '{"json":true}',
    'Bearer x',
    'a'.repeat(5000),
  ];
}

function generateValue(
  type: GraphQLInputType,
  rnd: () => number,
  strings: string[],
  depth: number,
): string {
  if (rnd() < 0.02) return 'null';
  const inner = getNullableType(type);
  if (isListType(inner)) {
    const n = Math.floor(rnd() * 4);
    return `[${Array.from({ length: n }, () => generateValue(inner.ofType as GraphQLInputType, rnd, strings, depth + 1)).join(', ')}]`;
  }
  if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields()).filter(() => rnd() < 0.85);
    return `{ ${fields.map((f) => `${f.name}: ${generateValue(f.type, rnd, strings, depth + 1)}`).join(', ')} }`;
  }
  if (isEnumType(inner)) return inner.getValues()[0]?.name ?? 'null';
  if (isScalarType(inner)) {
    const r = rnd();
    if (inner.name === 'Int' || inner.name === 'Int64')
      return r < 0.9 ? String(Math.floor(rnd() * 600) - 50) : r < 0.95 ? '2147483648' : '"12"';
    if (inner.name === 'Boolean') return r < 0.95 ? 'true' : '3';
    return JSON.stringify(strings[Math.floor(rnd() * strings.length)]);
  }
  return 'null';
}

function generateSelection(
  type: GraphQLObjectType,
  rnd: () => number,
  strings: string[],
  depth: number,
): string {
  const fields = Object.values(type.getFields());
  const picked = fields.filter(() => rnd() < 0.25);
  if (picked.length === 0 && fields[0]) picked.push(fields[0]);
  const parts = picked.map((field, i) => {
    const alias = rnd() < 0.1 ? `a${i}: ` : '';
    const args = field.args.filter((a) => rnd() < 0.85 || a.type.toString().endsWith('!'));
    const argText = args.length
      ? `(${args.map((a) => `${a.name}: ${generateValue(a.type, rnd, strings, 0)}`).join(', ')})`
      : '';
    const named = getNamedType(field.type);
    let sub = '';
    if (isObjectType(named))
      sub =
        depth >= 5
          ? ' { __typename }'
          : ` { ${generateSelection(named, rnd, strings, depth + 1)} }`;
    return `${alias}${field.name}${argText}${sub}`;
  });
  if (rnd() < 0.01) parts.push('doesNotExist');
  return parts.join(' ');
}

function generateOperation(seed: number): string {
  const rnd = seededRandom(seed);
  const query = `query Fuzz${seed} { ${generateSelection(schema.getQueryType()!, rnd, interestingStrings(), 1)} }`;
  const r = rnd();
  // Some documents are cut short or mangled: the parser must refuse them cleanly.
  if (r < 0.05) return query.slice(0, Math.floor(rnd() * query.length));
  if (r < 0.08) return query.replace(/\{/g, '(');
  return query;
}

describe('fuzzing the gateway with generated operations', () => {
  it('answers 1,000 generated operations without a 5xx, a crash or an unknown error code', async () => {
    const statuses = new Map<number, number>();
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 30 }), async (seed) => {
        const res = await fetch(stack.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: generateOperation(seed) }),
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        const body = (await res.json()) as {
          data?: unknown;
          errors?: { extensions?: { code?: string } }[];
        };
        expect(body.data !== undefined || body.errors !== undefined).toBe(true);
        for (const e of body.errors ?? []) {
          const code = e.extensions?.code ?? 'none';
          codes.add(code);
          expect(ERROR_CODES).toContain(code);
        }
      }),
      { numRuns: 1_000, seed: 20261128 },
    );
    console.log(
      `fuzz: statuses ${JSON.stringify(Object.fromEntries(statuses))}, error codes ${[...codes].sort().join(', ')}`,
    );
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(1_000);
    expect((await fetch(stack.url.replace('/graphql', '/healthz'))).status).toBe(200);
  }, 120_000);
});
