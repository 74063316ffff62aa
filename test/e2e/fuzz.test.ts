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

/** One generated document in the making: its variables and fragments, and a seeded source. */
interface Draft {
  readonly rnd: () => number;
  readonly strings: string[];
  /** `$name: Type [= default]` declarations, in order. */
  readonly declarations: string[];
  readonly variables: Record<string, unknown>;
  /** Fragment definitions, and the names defined on each type. */
  readonly fragments: string[];
  readonly fragmentsOn: Map<string, string[]>;
  /** The argument text last generated for each `Type.field`. */
  readonly argumentsOf: Map<string, string>;
  counter: number;
}

const pick = <T>(rnd: () => number, items: readonly T[]): T =>
  items[Math.floor(rnd() * items.length)]!;

function nestedList(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** A variable value that does not fit: wrong JSON type, huge, deeply nested, null. */
function hostileValue(draft: Draft): unknown {
  const r = draft.rnd();
  if (r < 0.15) return 'h'.repeat(1_000 + Math.floor(draft.rnd() * 99_000));
  if (r < 0.3) return nestedList(1 + Math.floor(draft.rnd() * 3_000));
  if (r < 0.45) return { cluster: 'east', namespace: ['apps'], name: 42 };
  if (r < 0.6) return Math.floor(draft.rnd() * 1e12) - 5e11;
  if (r < 0.7) return true;
  if (r < 0.8) return null;
  if (r < 0.9) return [pick(draft.rnd, draft.strings), 3, null];
  return {};
}

/** A variable value that fits its type (mostly), as JSON. */
function fittingValue(type: GraphQLInputType, draft: Draft, depth: number): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) {
    const n = Math.floor(draft.rnd() * 4);
    return Array.from({ length: n }, () => fittingValue(inner.ofType, draft, depth + 1));
  }
  if (isInputObjectType(inner)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(inner.getFields()))
      if (draft.rnd() < 0.9) out[f.name] = fittingValue(f.type, draft, depth + 1);
    return out;
  }
  if (isEnumType(inner)) return inner.getValues()[0]?.name ?? null;
  if (isScalarType(inner)) {
    if (inner.name === 'Int' || inner.name === 'Int64') return Math.floor(draft.rnd() * 600) - 50;
    if (inner.name === 'Boolean') return draft.rnd() < 0.5;
    return pick(draft.rnd, draft.strings);
  }
  return null;
}

/** Declares a variable for an argument of `type`: right or wrong type, fitting or hostile value. */
function variable(type: GraphQLInputType, draft: Draft): string {
  const name = `v${draft.counter++}`;
  const r = draft.rnd();
  const declared =
    r < 0.93 ? type.toString() : pick(draft.rnd, ['Int', 'String', '[String!]!', 'Boolean!']);
  const withDefault = draft.rnd() < 0.1 && !declared.endsWith('!');
  draft.declarations.push(
    `$${name}: ${declared}${withDefault ? ` = ${generateValue(type, draft.rnd, draft.strings, 0)}` : ''}`,
  );
  const v = draft.rnd();
  if (v < 0.85) draft.variables[name] = fittingValue(type, draft, 0);
  else if (v < 0.97) draft.variables[name] = hostileValue(draft);
  // else: declared but not sent
  return `$${name}`;
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
    return `[${Array.from({ length: n }, () => generateValue(inner.ofType, rnd, strings, depth + 1)).join(', ')}]`;
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

/** `@include`/`@skip`, literal or through a Boolean variable (sometimes null or a string). */
function directives(draft: Draft): string {
  if (draft.rnd() >= 0.06) return '';
  const which = draft.rnd() < 0.5 ? 'include' : 'skip';
  if (draft.rnd() < 0.4) return ` @${which}(if: ${draft.rnd() < 0.5})`;
  const name = `b${draft.counter++}`;
  draft.declarations.push(`$${name}: Boolean${draft.rnd() < 0.7 ? '!' : ' = true'}`);
  const r = draft.rnd();
  draft.variables[name] = r < 0.9 ? draft.rnd() < 0.5 : r < 0.95 ? null : 'yes';
  return ` @${which}(if: $${name})`;
}

const objectTypes = (): GraphQLObjectType[] =>
  Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'),
  );

/**
 * A named fragment on `type` (usually; sometimes on another type, which validation refuses),
 * reused when one exists so that fragments are spread in several places. Its selection may
 * spread other fragments, nested. Now and then: a chain of fragments each spreading the
 * previous one several times (exponential when unmerged), or a fragment spreading itself.
 */
function fragmentSpread(type: GraphQLObjectType, draft: Draft, depth: number): string {
  const onType = draft.rnd() < 0.95 ? type : pick(draft.rnd, objectTypes());
  const known = draft.fragmentsOn.get(onType.name) ?? [];
  let name: string;
  if (known.length > 0 && draft.rnd() < 0.5) {
    name = pick(draft.rnd, known);
  } else if (draft.rnd() < 0.15) {
    name = `Chain${draft.counter++}_`;
    const levels = 1 + Math.floor(draft.rnd() * 7);
    const width = 2 + Math.floor(draft.rnd() * 7);
    draft.fragments.push(
      `fragment ${name}0 on ${onType.name} { ${generateSelection(onType, draft, 5)} }`,
    );
    for (let i = 1; i <= levels; i++) {
      const spreads = Array.from({ length: width }, () => `...${name}${i - 1}`).join(' ');
      draft.fragments.push(`fragment ${name}${i} on ${onType.name} { ${spreads} }`);
    }
    name = `${name}${levels}`;
  } else {
    name = `F${draft.counter++}`;
    const self = draft.rnd() < 0.03 ? ` ...${name}` : '';
    draft.fragments.push(
      `fragment ${name} on ${onType.name} { ${generateSelection(onType, draft, depth + 1)}${self} }`,
    );
  }
  draft.fragmentsOn.set(onType.name, [...(draft.fragmentsOn.get(onType.name) ?? []), name]);
  const times = 1 + Math.floor(draft.rnd() * 3);
  if (draft.rnd() < 0.02) name = 'DoesNotExist';
  return Array.from({ length: times }, () => `...${name}${directives(draft)}`).join(' ');
}

function inlineFragment(type: GraphQLObjectType, draft: Draft, depth: number): string {
  const r = draft.rnd();
  const condition =
    r < 0.5 ? ` on ${type.name}` : r < 0.95 ? '' : ` on ${pick(draft.rnd, objectTypes()).name}`;
  return `...${condition}${directives(draft)} { ${generateSelection(type, draft, depth + 1)} }`;
}

function generateSelection(type: GraphQLObjectType, draft: Draft, depth: number): string {
  const { rnd, strings } = draft;
  const fields = Object.values(type.getFields());
  const picked = fields.filter(() => rnd() < 0.25);
  if (picked.length === 0 && fields[0]) picked.push(fields[0]);
  const parts = picked.map((field, i) => {
    const alias = rnd() < 0.1 ? `a${i}: ` : '';
    // The same field usually gets the same arguments again, so that fragments and inline
    // fragments merge with what they sit next to more often than they conflict.
    const key = `${type.name}.${field.name}`;
    let argText = draft.argumentsOf.get(key);
    if (argText === undefined || rnd() < 0.2) {
      const args = field.args.filter((a) => rnd() < 0.85 || a.type.toString().endsWith('!'));
      argText = args.length
        ? `(${args.map((a) => `${a.name}: ${rnd() < 0.1 ? variable(a.type, draft) : generateValue(a.type, rnd, strings, 0)}`).join(', ')})`
        : '';
      draft.argumentsOf.set(key, argText);
    }
    const named = getNamedType(field.type);
    let sub = '';
    if (isObjectType(named))
      sub = depth >= 5 ? ' { __typename }' : ` { ${generateSelection(named, draft, depth + 1)} }`;
    return `${alias}${field.name}${argText}${directives(draft)}${sub}`;
  });
  if (depth < 5 && rnd() < 0.15) parts.push(fragmentSpread(type, draft, depth));
  if (depth < 5 && rnd() < 0.1) parts.push(inlineFragment(type, draft, depth));
  if (rnd() < 0.01) parts.push('doesNotExist');
  return parts.join(' ');
}

interface GeneratedRequest {
  readonly query: string;
  readonly variables: unknown;
}

function generateOperation(seed: number): GeneratedRequest {
  const draft: Draft = {
    rnd: seededRandom(seed),
    strings: interestingStrings(),
    declarations: [],
    variables: {},
    fragments: [],
    fragmentsOn: new Map(),
    argumentsOf: new Map(),
    counter: 0,
  };
  const selection = generateSelection(schema.getQueryType()!, draft, 1);
  const header = draft.declarations.length ? `(${draft.declarations.join(', ')})` : '';
  const query = `query Fuzz${seed}${header} { ${selection} }\n${draft.fragments.join('\n')}`;
  const r = draft.rnd();
  // Some documents are cut short or mangled: the parser must refuse them cleanly. Some
  // requests carry variables that are not an object at all.
  const variables = r > 0.97 ? pick(draft.rnd, ['x', [1, 2], 7]) : draft.variables;
  if (r < 0.05) return { query: query.slice(0, Math.floor(draft.rnd() * query.length)), variables };
  if (r < 0.08) return { query: query.replace(/\{/g, '('), variables };
  return { query, variables };
}

/** What a generated request exercises, to check that the generator covers each shape. */
function shapesOf(request: GeneratedRequest, body: string): string[] {
  const q = request.query;
  return [
    q.includes('fragment ') ? 'named fragments' : '',
    /fragment (Chain\d+_)\d+ /.test(q) ? 'fragment chains' : '',
    /\.\.\.(?: on \w+)?(?: @\w+\([^)]*\))? \{/.test(q) ? 'inline fragments' : '',
    q.includes('($') ? 'variables' : '',
    /@(include|skip)/.test(q) ? 'directives' : '',
    body.length > 20_000 ? 'huge variables' : '',
    /\[\[\[\[/.test(body) ? 'nested lists' : '',
  ].filter(Boolean);
}

describe('fuzzing the gateway with generated operations', () => {
  it('answers 1,000 generated operations without a 5xx, a crash or an unknown error code', async () => {
    const statuses = new Map<number, number>();
    const codes = new Set<string>();
    const shapes = new Map<string, number>();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 30 }), async (seed) => {
        const request = generateOperation(seed);
        const payload = JSON.stringify(request);
        for (const shape of shapesOf(request, payload))
          shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
        const res = await fetch(stack.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: payload,
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
          // Whatever the caller sends, the answer is never the gateway's own failure.
          expect(code).not.toBe('INTERNAL_SERVER_ERROR');
        }
        if (++runs % 100 === 0)
          expect((await fetch(stack.url.replace('/graphql', '/healthz'))).status).toBe(200);
      }),
      // The generator walks the schema: a new field shifts what a seed draws, so the seed is
      // picked again when the schema grows (every shape below must still be drawn 10 times).
      { numRuns: 1_000, seed: 20261201 },
    );
    console.log(
      `fuzz: statuses ${JSON.stringify(Object.fromEntries(statuses))}, error codes ${[...codes].sort().join(', ')}, shapes ${JSON.stringify(Object.fromEntries(shapes))}`,
    );
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(1_000);
    // Every shape the generator is meant to produce was sent, more than a few times.
    for (const shape of [
      'named fragments',
      'fragment chains',
      'inline fragments',
      'variables',
      'directives',
      'huge variables',
      'nested lists',
    ])
      expect([shape, (shapes.get(shape) ?? 0) >= 10]).toEqual([shape, true]);
    expect((await fetch(stack.url.replace('/graphql', '/healthz'))).status).toBe(200);
  }, 120_000);
});
