import { describe, expect, it } from 'vitest';
import { createPaging, decodeContinue, encodeContinue } from '../../src/simulator/createPaging.js';

const ITEMS = Array.from({ length: 10 }, (_, i) => i);
const q = (query: Record<string, string>) => new URLSearchParams(query);

describe('createPaging', () => {
  it('pages with limit and continue until no continue token is left', () => {
    const paging = createPaging();
    const seen: number[] = [];
    const remaining: (number | undefined)[] = [];
    let token: string | undefined;
    do {
      const page = paging.page(ITEMS, q(token ? { limit: '4', continue: token } : { limit: '4' }));
      if ('error' in page) throw new Error('unexpected error');
      seen.push(...page.items);
      remaining.push(page.metadata.remainingItemCount);
      expect(page.metadata.resourceVersion).toBe('5000');
      token = page.metadata.continue;
    } while (token);
    expect(seen).toEqual(ITEMS);
    expect(remaining).toEqual([6, 2, undefined]);
  });

  it('returns everything without a limit, or with a limit of 0 or less', () => {
    const paging = createPaging();
    for (const query of [{}, { limit: '0' }, { limit: '-3' }, { limit: '' }] as Record<
      string,
      string
    >[]) {
      const page = paging.page(ITEMS, q(query));
      expect('items' in page && page.items).toEqual(ITEMS);
    }
  });

  it('answers 410 Expired with a fresh token that continues where the old one stopped', () => {
    const paging = createPaging();
    const first = paging.page(ITEMS, q({ limit: '3' }));
    if ('error' in first) throw new Error('unexpected error');
    paging.expire();
    const expired = paging.page(ITEMS, q({ limit: '3', continue: first.metadata.continue ?? '' }));
    if (!('error' in expired)) throw new Error('expected 410');
    expect(expired.error.status).toBe(410);
    const body = expired.error.body as { reason: string; metadata: { continue: string } };
    expect(body.reason).toBe('Expired');
    const resumed = paging.page(ITEMS, q({ limit: '3', continue: body.metadata.continue }));
    expect('items' in resumed && resumed.items).toEqual([3, 4, 5]);
  });

  it('answers 400 to a limit that is not a whole number', () => {
    const page = createPaging().page(ITEMS, q({ limit: '1.5' }));
    expect('error' in page && page.error).toEqual({
      status: 400,
      body: expect.objectContaining({
        reason: 'BadRequest',
        message: 'strconv.ParseInt: parsing "1.5": invalid syntax',
      }),
    });
  });

  it('answers 400 to forged or broken continue tokens', () => {
    const paging = createPaging();
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    for (const token of [
      'not base64 at all!',
      b64('null'),
      b64('[]'),
      b64('{"epoch":1,"start":-1}'),
      b64('{"epoch":1,"start":1.5}'),
      b64('{"epoch":1,"start":"3"}'),
      b64('{"epoch":"1","start":3}'),
      b64('{"epoch":1,"start":1e300}'),
    ]) {
      const page = paging.page(ITEMS, q({ limit: '2', continue: token }));
      expect({ token, answer: 'error' in page && page.error.status }).toEqual({
        token,
        answer: 400,
      });
    }
  });

  it('encodes and decodes a position', () => {
    expect(decodeContinue(encodeContinue({ epoch: 3, start: 7 }))).toEqual({ epoch: 3, start: 7 });
  });
});
