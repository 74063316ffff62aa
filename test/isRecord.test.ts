import { describe, expect, it } from 'vitest';
import { isRecord } from '../src/isRecord.js';

describe('isRecord', () => {
  it('is true for objects with keys only: not null, lists, strings or numbers', () => {
    expect([{}, { a: 1 }, Object.create(null)].map(isRecord)).toEqual([true, true, true]);
    expect([null, undefined, [], [1], 'x', 1, true].map(isRecord)).toEqual(
      new Array<boolean>(7).fill(false),
    );
  });
});
