import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  createOperationMemo,
  MAX_MEMO_KEY_LENGTH,
  MAX_MEMO_VARIABLE_SETS,
} from '../../src/graphql/createOperationMemo.js';

const schema = buildSchema('type Query { a(n: Int): Int }');
const operationOf = (text: string): OperationDefinitionNode =>
  parse(text).definitions[0] as OperationDefinitionNode;

describe('createOperationMemo', () => {
  it('computes once per operation, variables and extra key; another of any of them computes again', () => {
    const memo = createOperationMemo<number>();
    const op = operationOf('query($n: Int) { a(n: $n) }');
    let computed = 0;
    const run = (
      operation: OperationDefinitionNode,
      variables: Record<string, unknown> | undefined,
      extra = '',
      s = schema,
    ) =>
      memo(s, operation, variables, extra, () => {
        computed += 1;
        return Number(variables?.['n'] ?? 0) + extra.length;
      });
    expect(run(op, { n: 1 })).toBe(1);
    expect(run(op, { n: 1 })).toBe(1);
    expect(computed).toBe(1);
    expect(run(op, { n: 2 })).toBe(2);
    expect(run(op, { n: 1 }, 'xy')).toBe(3);
    // The same text parsed again is another operation node (Apollo would hand out the same one).
    expect(run(operationOf('query($n: Int) { a(n: $n) }'), { n: 1 })).toBe(1);
    expect(run(op, { n: 1 }, '', buildSchema('type Query { a(n: Int): Int }'))).toBe(1);
    expect(computed).toBe(5);
    // No variables and empty variables are the same request.
    expect(run(op, undefined)).toBe(0);
    expect(run(op, {})).toBe(0);
    expect(computed).toBe(6);
  });

  it('keeps at most MAX_MEMO_VARIABLE_SETS variable sets per operation, dropping the oldest', () => {
    const memo = createOperationMemo<number>();
    const op = operationOf('query($n: Int) { a(n: $n) }');
    let computed = 0;
    const run = (n: number): number =>
      memo(schema, op, { n }, '', () => {
        computed += 1;
        return n;
      });
    for (let n = 0; n < MAX_MEMO_VARIABLE_SETS; n++) run(n);
    expect(computed).toBe(MAX_MEMO_VARIABLE_SETS);
    run(MAX_MEMO_VARIABLE_SETS - 1);
    expect(computed).toBe(MAX_MEMO_VARIABLE_SETS);
    // One more set drops the first one, which is then computed again; the second stays.
    expect(run(MAX_MEMO_VARIABLE_SETS)).toBe(MAX_MEMO_VARIABLE_SETS);
    expect(run(0)).toBe(0);
    expect(computed).toBe(MAX_MEMO_VARIABLE_SETS + 2);
    run(2);
    expect(computed).toBe(MAX_MEMO_VARIABLE_SETS + 2);
  });

  it('never remembers variables longer than MAX_MEMO_KEY_LENGTH', () => {
    const memo = createOperationMemo<string>();
    const op = operationOf('query($s: String) { a }');
    let computed = 0;
    const long = { s: 'x'.repeat(MAX_MEMO_KEY_LENGTH) };
    for (let i = 0; i < 3; i++)
      memo(schema, op, long, '', () => {
        computed += 1;
        return 'v';
      });
    expect(computed).toBe(3);
  });
});
