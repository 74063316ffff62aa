import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentCache } from '../../src/cache/createContentCache.js';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';
import { until } from '../helpers/until.js';

const QUERY = `query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name digest image { name totalLayerSize layers { name size } dockerImageMetadata { config { env { name value } } } } } }`;

function refsOf(
  stack: Stack,
  cluster: string,
  streams: string[],
  perStream: number,
): { cluster: string; namespace: string; name: string }[] {
  return streams.flatMap((stream) =>
    historyOf(stack.sims[cluster]!, 'bench', stream)
      .slice(0, perStream)
      .map((d) => ({ cluster, namespace: 'bench', name: `${stream}@${d}` })),
  );
}

describe('the content cache', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      cache: createContentCache({ maxBytes: 16 * 1024 * 1024, ttlMs: 3_600_000 }),
      logLevel: 'warn',
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('serves a warm query with one stream call per distinct stream and no image call, with the same data', async () => {
    const east = stack.sims['east']!;
    const refs = refsOf(stack, 'east', ['stream-000', 'stream-001', 'stream-002'], 10);
    east.resetCounts();
    const cold = await stack.gql(QUERY, { refs });
    expect(cold.body.errors).toBeUndefined();
    expect(east.count('imagestreamimages')).toBe(30);
    expect(east.count('imagestreams')).toBe(0);
    east.resetCounts();
    const warm = await stack.gql(QUERY, { refs });
    expect(warm.body).toEqual(cold.body);
    expect(east.count('imagestreamimages')).toBe(0);
    expect(east.count('imagestreams')).toBe(3);
    // One access review for the namespace (the caller's, remembered for --authz-cache-ttl-ms).
    expect(east.count('selfsubjectaccessreviews')).toBe(1);
    expect(east.count()).toBe(4);
  });

  it('resolves warm manifest-list children through their list in the stream history', async () => {
    const east = stack.sims['east']!;
    const list = historyOf(east, 'openshift', 'hello-multiarch')[0];
    const q = `{ imageStreamImage(cluster: "east", namespace: "openshift", name: "hello-multiarch@${list}") { image { manifests { architecture image { name totalLayerSize } } } } }`;
    const cold = await stack.gql(q);
    east.resetCounts();
    const warm = await stack.gql(q);
    expect(warm.body).toEqual(cold.body);
    expect(east.count('imagestreamimages')).toBe(0);
    expect(east.count('imagestreams')).toBe(1);
  });

  it('never serves a cached digest through a stream whose history does not hold it', async () => {
    const east = stack.sims['east']!;
    const [digest] = historyOf(east, 'bench', 'stream-000');
    await stack.gql(QUERY, {
      refs: [{ cluster: 'east', namespace: 'bench', name: `stream-000@${digest}` }],
    });
    const { body } = await stack.gql(
      `{ imageStreamImage(cluster: "east", namespace: "bench", name: "stream-001@${digest}") { name } }`,
    );
    expect(body.data?.['imageStreamImage']).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      upstream: { kind: 'imagestreamimage' },
    });
  });

  it("a cluster's cache never answers for another cluster", async () => {
    const [digest] = historyOf(stack.sims['east']!, 'bench', 'stream-000');
    const { body } = await stack.gql(
      `{ imageStreamImage(cluster: "west", namespace: "bench", name: "stream-000@${digest}") { name } }`,
    );
    expect(body.data?.['imageStreamImage']).toBeNull();
    expect(body.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });
});

describe('the content cache across callers (passthrough)', () => {
  let stack: Stack;
  beforeAll(async () => {
    const grants = {
      alice: { user: 'alice', namespaces: ['bench'] },
      bob: { user: 'bob', namespaces: ['openshift'] },
    };
    stack = await startStack({
      clusters: [{ name: 'east', grants }],
      auth: 'passthrough',
      cache: createContentCache({ maxBytes: 16 * 1024 * 1024, ttlMs: 3_600_000 }),
      // Long enough that a slow machine never sees an answer expire mid-test.
      authzCacheTtlMs: 600_000,
      logLevel: 'warn',
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it("never lets one caller see what another caller's query put in the cache", async () => {
    const east = stack.sims['east']!;
    const refs = refsOf(stack, 'east', ['stream-000'], 5);
    const alice = await stack.gql(QUERY, { refs }, { authorization: 'Bearer alice' });
    expect(alice.body.errors).toBeUndefined();
    const again = await stack.gql(QUERY, { refs }, { authorization: 'Bearer alice' });
    expect(again.body.errors).toBeUndefined();
    // bob may not read namespace bench: the cache does not change that.
    const bob = await stack.gql(QUERY, { refs }, { authorization: 'Bearer bob' });
    expect(bob.body.data?.['imageStreamImages']).toEqual([null, null, null, null, null]);
    expect(new Set(bob.body.errors?.map((e) => e.extensions?.['code']))).toEqual(
      new Set(['FORBIDDEN']),
    );
    expect(bob.text).not.toContain('totalLayerSize');
    // Nor through a stream bob may read that does not hold the digest.
    const digest = refs[0]!.name.split('@')[1];
    const sideways = await stack.gql(
      `{ imageStreamImage(cluster: "east", namespace: "openshift", name: "python@${digest}") { image { layers { name } } } }`,
      undefined,
      {
        authorization: 'Bearer bob',
      },
    );
    expect(sideways.body.data?.['imageStreamImage']).toBeNull();
    expect(sideways.body.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(east.count('imagestreamimages')).toBeGreaterThan(5);
  });
});

describe('signatures and annotations in the cache', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      clusters: [{ name: 'east' }],
      cache: createContentCache({ maxBytes: 16 * 1024 * 1024, ttlMs: 3_600_000 }),
      cacheMutableTtlMs: 0,
      logLevel: 'warn',
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('re-reads signatures once their TTL passed, and only when asked for', async () => {
    const east = stack.sims['east']!;
    const digest = historyOf(east, 'openshift', 'python')[0];
    const name = `python@${digest}`;
    await stack.gql(
      `{ imageStreamImage(namespace: "openshift", name: "${name}") { image { name } } }`,
    );
    east.resetCounts();
    await stack.gql(
      `{ imageStreamImage(namespace: "openshift", name: "${name}") { image { layers { name } } } }`,
    );
    expect(east.count('imagestreamimages')).toBe(0);
    const signed = await stack.gql(
      `{ imageStreamImage(namespace: "openshift", name: "${name}") { image { signatures { trusted } annotations { key } } } }`,
    );
    expect(east.count('imagestreamimages')).toBe(1);
    expect((signed.body.data?.['imageStreamImage'] as any).image.signatures).toEqual([
      { trusted: true },
      { trusted: false },
    ]);
  });
});

describe('createContentCache', () => {
  it('is bounded by bytes: the least recently used content goes first', async () => {
    const cache = createContentCache({ maxBytes: 2_000, ttlMs: 60_000 });
    const image = (n: number) => ({
      metadata: { name: `sha256:${String(n).padStart(64, '0')}` },
      dockerImageReference: 'x'.repeat(500),
    });
    for (let n = 0; n < 10; n++) cache.set({ cluster: 'c', digest: `d${n}` }, image(n));
    const got = await cache.getMany(
      Array.from({ length: 10 }, (_, n) => ({ cluster: 'c', digest: `d${n}` })),
    );
    const kept = got.map((g) => g !== undefined);
    expect(kept.filter(Boolean).length).toBeLessThanOrEqual(3);
    expect(kept.at(-1)).toBe(true);
    expect(kept[0]).toBe(false);
    await cache.close();
  });
});

describe('the content cache obeys the API server, resource by resource (passthrough)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      auth: 'passthrough',
      cache: createContentCache({ maxBytes: 16 * 1024 * 1024, ttlMs: 3_600_000 }),
      // Long enough that a slow machine never sees an answer expire mid-test.
      authzCacheTtlMs: 600_000,
      logLevel: 'warn',
      clusters: [
        {
          name: 'east',
          grants: {
            'alice-token-0123456789': { user: 'alice', namespaces: ['bench'] },
            // A custom role: may read image streams, but not the images through them.
            'bob-token-0123456789': {
              user: 'bob',
              namespaces: ['bench'],
              resources: { imagestreams: ['get', 'list'], imagestreamtags: ['get'] },
            },
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('refuses a cached image to a caller who may get imagestreams but not imagestreamimages, cold and warm alike', async () => {
    const refs = refsOf(stack, 'east', ['stream-000'], 3);
    const bobCold = await stack.gql(QUERY, { refs }, as('bob-token-0123456789'));
    expect(bobCold.body.data).toEqual({ imageStreamImages: [null, null, null] });
    expect(bobCold.body.errors?.map((e) => e.extensions?.['code'])).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
    // Alice warms the cache.
    const alice = await stack.gql(QUERY, { refs }, as('alice-token-0123456789'));
    expect(alice.body.errors).toBeUndefined();
    const warmAlice = await stack.gql(QUERY, { refs }, as('alice-token-0123456789'));
    expect(warmAlice.body).toEqual(alice.body);
    // Before: Bob got Alice's images here (env, layers), on every replica through Redis.
    const bobWarm = await stack.gql(QUERY, { refs }, as('bob-token-0123456789'));
    expect(bobWarm.body).toEqual(bobCold.body);
    expect(bobWarm.text).not.toContain('totalLayerSize":');
  });

  it('asks the API server with the caller’s own token, and remembers the answer per caller', async () => {
    const sim = stack.sims['east']!;
    const refs = refsOf(stack, 'east', ['stream-001'], 2);
    await stack.gql(QUERY, { refs }, as('alice-token-0123456789'));
    sim.resetCounts();
    await stack.gql(QUERY, { refs }, as('alice-token-0123456789'));
    await stack.gql(QUERY, { refs }, as('alice-token-0123456789'));
    // Alice's answer for bench was remembered from the previous test: no review at all.
    expect(sim.count('selfsubjectaccessreviews')).toBe(0);
    expect(sim.count('imagestreamimages')).toBe(0);
    await stack.gql(QUERY, { refs }, as('bob-token-0123456789'));
    expect(sim.count('selfsubjectaccessreviews')).toBe(0);
    // Bob was refused by his remembered review, and the API server answered his reads itself.
    expect(sim.count('imagestreamimages')).toBe(2);
  });
});

describe('an Image deleted upstream while its digest stays in the history (red team)', () => {
  it('is served from the cache only until its entry expires, then NOT_FOUND as the API server says', async () => {
    const stack = await startStack({
      cache: createContentCache({ maxBytes: 16 * 1024 * 1024, ttlMs: 500 }),
      logLevel: 'warn',
      clusters: [{ name: 'east' }],
    });
    try {
      const east = stack.sims['east']!;
      const digest = historyOf(east, 'openshift', 'python')[0]!;
      const q = `{ imageStreamImage(cluster: "east", namespace: "openshift", name: "python@${digest}") { image { name } } }`;
      expect((await stack.gql(q)).body.errors).toBeUndefined();
      east.data.images.delete(digest);
      // Once read, the entry is served for the cache's TTL (documented), then read again: the
      // API server's 404 is what the caller gets.
      await until(
        async () => (await stack.gql(q)).body.errors?.[0]?.extensions?.['code'] === 'NOT_FOUND',
        'the expired entry was read again',
      );
    } finally {
      await stack.close();
    }
  });
});
