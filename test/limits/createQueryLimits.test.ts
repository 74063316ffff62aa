import { describe, expect, it } from 'vitest';
import { checkQuery } from '../../src/limits/createQueryLimits.js';

describe('checkQuery, before Apollo parses the query', () => {
  it('refuses past the token limit, with the reason MAX_TOKENS', () => {
    const refusal = checkQuery('{ clusters { name server } }', 5);
    expect(refusal?.reason).toBe('MAX_TOKENS');
    expect(refusal?.error.message).toBe('Syntax Error: Token limit of 5 exceeded.');
    expect(refusal?.error.code).toBe('BAD_USER_INPUT');
    expect(checkQuery('{ clusters { name server } }', 20)).toBeUndefined();
  });

  it('refuses fields merged pair by pair, with the reason TOO_COMPLEX', () => {
    const refusal = checkQuery(`{ clusters { ${'status { reachable } '.repeat(200)}} }`, 3000);
    expect(refusal?.reason).toBe('TOO_COMPLEX');
    expect(refusal?.error.message).toBe(
      'The operation is too complex to analyse: it needs more than 100000 steps or merges fields in more than 10000 ways. Select each field once and merge fewer fragments into the same fields.',
    );
    expect(refusal?.error.extensions['http']).toEqual({ status: 400 });
    expect(
      checkQuery(`{ clusters { ${'status { reachable } '.repeat(20)}} }`, 3000),
    ).toBeUndefined();
  });

  it('refuses a document nested deeper than the parser can recurse, with the reason TOO_COMPLEX', () => {
    const depth = 20_000;
    const query = `{ clusters(names: ${'['.repeat(depth)}${']'.repeat(depth)}) { name } }`;
    const refusal = checkQuery(query, 1_000_000);
    expect(refusal?.reason).toBe('TOO_COMPLEX');
    expect(refusal?.error.message).toMatch(/nested too deeply/);
  });

  it('leaves syntax errors to Apollo', () => {
    expect(checkQuery('{ clusters { name }', 3000)).toBeUndefined();
    expect(checkQuery('', 3000)).toBeUndefined();
  });
});
