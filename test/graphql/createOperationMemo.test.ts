import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  createOperationMemo,
  MAX_MEMO_ENTRIES,
  MAX_MEMO_KEY_CHARS,
  MAX_MEMO_KEY_LENGTH,
} from '../../src/graphql/createOperationMemo.js';

const schema = buildSchema('type Query { a(n: Int, s: String): Int }');
const operationOf = (text: string): OperationDefinitionNode =>
  parse(text).definitions[0] as OperationDefinitionNode;
const op = operationOf('query($n: Int, $s: String) { a(n: $n, s: $s) }');

/** A memo and a counter of the computations it made. */
function counted() {
  const memo = createOperationMemo<number>();
  const state = { computed: 0 };
  const run = (
    variables: Record<string, unknown> | undefined,
    operation = op,
    extra = '',
    s = schema,
  ): number =>
    memo(s, operation, variables, extra, () => {
      state.computed += 1;
      return Number(variables?.['n'] ?? -1);
    });
  return { run, state };
}

describe('createOperationMemo', () => {
  it('computes once per operation, declared values and extra key; another of any computes again', () => {
    const { run, state } = counted();
    expect(run({ n: 1 })).toBe(1);
    expect(run({ n: 1 })).toBe(1);
    expect(state.computed).toBe(1);
    expect(run({ n: 2 })).toBe(2);
    run({ n: 1 }, op, 'other');
    // The same text parsed again is another operation node (Apollo would hand out the same one).
    run({ n: 1 }, operationOf('query($n: Int, $s: String) { a(n: $n, s: $s) }'));
    run({ n: 1 }, op, '', buildSchema('type Query { a(n: Int, s: String): Int }'));
    expect(state.computed).toBe(5);
  });

  it('ignores variables the operation does not declare: padding cannot make new entries', () => {
    const { run, state } = counted();
    run({ n: 1 });
    for (let i = 0; i < 100; i++) run({ n: 1, [`pad${i}`]: 'x'.repeat(1_000) });
    expect(state.computed).toBe(1);
  });

  it('tells a declared variable left out from one sent as null, and key order does not matter', () => {
    const { run, state } = counted();
    run({});
    run(undefined);
    expect(state.computed).toBe(1);
    run({ n: null });
    expect(state.computed).toBe(2);
    run({ n: 3, s: 'a' });
    run({ s: 'a', n: 3 });
    expect(state.computed).toBe(3);
  });

  it('holds at most MAX_MEMO_ENTRIES entries across operations, dropping the least recently used', () => {
    const { run, state } = counted();
    for (let n = 0; n <= MAX_MEMO_ENTRIES; n++) run({ n });
    expect(state.computed).toBe(MAX_MEMO_ENTRIES + 1);
    run({ n: MAX_MEMO_ENTRIES });
    expect(state.computed).toBe(MAX_MEMO_ENTRIES + 1);
    run({ n: 0 });
    expect(state.computed).toBe(MAX_MEMO_ENTRIES + 2);
  });

  it('holds at most MAX_MEMO_KEY_CHARS characters of keys', () => {
    const { run, state } = counted();
    const s = 'y'.repeat(MAX_MEMO_KEY_LENGTH - 100);
    const fit = Math.floor(MAX_MEMO_KEY_CHARS / MAX_MEMO_KEY_LENGTH);
    for (let n = 0; n < 2 * fit; n++) run({ n, s });
    // The first ones were dropped to stay within the bound: asked again, they are computed.
    run({ n: 0, s });
    expect(state.computed).toBe(2 * fit + 1);
  });

  it('never remembers variables longer than MAX_MEMO_KEY_LENGTH', () => {
    const { run, state } = counted();
    const long = { n: 1, s: 'x'.repeat(MAX_MEMO_KEY_LENGTH) };
    for (let i = 0; i < 3; i++) run(long);
    expect(state.computed).toBe(3);
  });
});
