import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentCache, type ContentCache } from '../../src/cache/createContentCache.js';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

/** A failure nulls exactly its own key (issue 9, finding 8). */

const QUERY = `query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name image { name } } }`;

function refs(stack: Stack, cluster: string, count: number, from = 0) {
  return historyOf(stack.sims[cluster]!, 'bench', 'stream-000')
    .slice(from, from + count)
    .map((d) => ({ cluster, namespace: 'bench', name: `stream-000@${d}` }));
}

describe('a bad object on one cluster', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      cache: createContentCache({ maxBytes: 16 * 1024 * 1024, ttlMs: 3_600_000 }),
      authzCacheTtlMs: 600_000,
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it("never fails another cluster's item, in the same batch, warm or cold", async () => {
    const all = [...refs(stack, 'east', 3), ...refs(stack, 'west', 3)];
    const cold = await stack.gql(QUERY, { refs: all });
    expect(cold.body.errors).toBeUndefined();
    // East now answers its image stream GETs (the cache's proof) with a malformed object.
    stack.sims['east']!.addFault({
      resource: 'imagestreams',
      fault: {
        kind: 'plain-text',
        status: 200,
        body: '{"kind":"ImageStream","metadata":{"name":"stream-000"},"status":{"tags":5}}',
      },
      times: Infinity,
    });
    const warm = await stack.gql(QUERY, { refs: all });
    // East's images are then read from the API server one by one; west's come from the cache.
    expect(warm.body).toEqual(cold.body);
    const direct = await stack.gql(
      '{ imageStream(cluster: "east", namespace: "bench", name: "stream-000") { name } }',
    );
    expect(direct.body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      cluster: 'east',
      upstream: { status: 200, reason: 'MalformedBody' },
    });
    expect(direct.body.errors?.[0]?.message).toContain('status.tags is number, not a list');
    stack.sims['east']!.clearFaults();
  });

  it('nulls only the malformed item of a batch, with an error at its index', async () => {
    // Images not cached yet (the first test cached the first three).
    const items = refs(stack, 'east', 3, 3);
    stack.sims['east']!.addFault({
      resource: 'imagestreamimages',
      pathIncludes: items[1]!.name,
      fault: {
        kind: 'plain-text',
        status: 200,
        body: '{"metadata":{},"image":{"metadata":{},"dockerImageLayers":"x"}}',
      },
      times: Infinity,
    });
    try {
      const { body } = await stack.gql(QUERY, {
        refs: [...items, ...refs(stack, 'west', 1, 3)],
      });
      const data = body.data?.['imageStreamImages'] as unknown[];
      expect(data[1]).toBeNull();
      expect(data.filter((x) => x !== null)).toHaveLength(3);
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]?.path).toEqual(['imageStreamImages', 1]);
    } finally {
      stack.sims['east']!.clearFaults();
    }
  });
});

describe('a cache that fails', () => {
  let stack: Stack;
  let writes = 0;
  beforeAll(async () => {
    const real = createContentCache({ maxBytes: 16 * 1024 * 1024, ttlMs: 3_600_000 });
    // A fault injected around the real cache: every write throws, reads work.
    const failing: ContentCache = {
      getMany: (keys) => real.getMany(keys),
      set: () => {
        writes += 1;
        throw new RangeError('injected: the cache refused the entry');
      },
      close: () => real.close(),
      stats: () => real.stats(),
    };
    stack = await startStack({ cache: failing, logLevel: 'warn' });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('never fails a good fetch when the write fails, and says so in the log', async () => {
    const { body } = await stack.gql(QUERY, { refs: refs(stack, 'east', 2) });
    expect(body.errors).toBeUndefined();
    expect((body.data?.['imageStreamImages'] as unknown[]).every((x) => x !== null)).toBe(true);
    expect(writes).toBe(2);
    expect(stack.logs.some((l) => l.includes('cache write failed') && l.includes('injected'))).toBe(
      true,
    );
  });
});
