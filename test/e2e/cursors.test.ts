import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/startStack.js';

/** A cursor is the caller's input, checked like any argument (issue 10, finding 6). */
describe('imageStreams cursors', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ clusters: [{ name: 'east' }], logLevel: 'silent' });
  });
  afterAll(async () => {
    await stack.close();
  });

  const page = (after: string) =>
    stack.gql(
      'query($after: String) { imageStreams(namespace: "bench", first: 2, after: $after) { edges { node { name } } } }',
      { after },
    );
  const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('refuses a forged offset before asking the API server for a huge page', async () => {
    const sim = stack.sims['east']!;
    sim.resetCounts();
    // Before: this asked upstream for limit=1000000001.
    for (const forged of [
      cursor({ c: '', s: 1_000_000_000 }),
      cursor({ c: '', s: -1 }),
      cursor({ c: '', s: 1.5 }),
      cursor({ c: '../../x', s: 0 }),
      cursor({ c: 'a'.repeat(5_000), s: 0 }),
      'not base64 json',
      'x'.repeat(100_000),
    ]) {
      const { body } = await page(forged);
      expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.message).toContain('Argument "after" must be a cursor');
    }
    expect(sim.count()).toBe(0);
  });

  it('follows a real cursor from one page to the next', async () => {
    const first = await stack.gql(
      '{ imageStreams(namespace: "bench", first: 2) { edges { node { name } } pageInfo { endCursor hasNextPage } } }',
    );
    const info = (first.body.data?.['imageStreams'] as any).pageInfo;
    expect(info.hasNextPage).toBe(true);
    const second = await page(info.endCursor);
    expect(second.body.errors).toBeUndefined();
    expect((second.body.data?.['imageStreams'] as any).edges.map((e: any) => e.node.name)).toEqual([
      'stream-002',
      'stream-003',
    ]);
  });
});
