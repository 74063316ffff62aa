import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.close();
});

const QUERY = `query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name cluster { name } image { name totalLayerSize } } }`;

function benchRefs(
  cluster: string,
  count: number,
): { cluster: string; namespace: string; name: string }[] {
  const sim = stack.sims[cluster];
  if (!sim) throw new Error('no sim');
  const refs = [];
  for (const stream of [...(sim.data.streams.get('bench')?.keys() ?? [])].sort()) {
    for (const digest of historyOf(sim, 'bench', stream))
      refs.push({ cluster, namespace: 'bench', name: `${stream}@${digest}` });
  }
  return refs.slice(0, count);
}

describe('batching through per-request loaders', () => {
  it('makes 20 upstream calls for 30 refs with 10 duplicates, and answers in ref order', async () => {
    const distinct = benchRefs('east', 20);
    const refs = [...distinct, ...distinct.slice(0, 10).reverse()];
    stack.resetCounts();
    const { body } = await stack.gql(QUERY, { refs });
    expect(body.errors).toBeUndefined();
    expect(stack.sims['east']?.count('imagestreamimages')).toBe(20);
    expect(stack.sims['east']?.count()).toBe(20);
    const items = body.data?.['imageStreamImages'] as { name: string; image: { name: string } }[];
    expect(items.map((i) => i.name)).toEqual(refs.map((r) => r.name));
    expect(items.map((i) => i.image.name)).toEqual(refs.map((r) => r.name.split('@')[1]));
    // All 20 went out in one wave: one loader batch of the 20 distinct keys.
    expect(stack.loaderBatches('imageStreamImage')).toEqual([20]);
  });

  it('sends 100 distinct images across two clusters in one wave per cluster', async () => {
    const refs = [...benchRefs('east', 50), ...benchRefs('west', 50)];
    stack.resetCounts();
    const { body } = await stack.gql(QUERY, { refs });
    expect(body.errors).toBeUndefined();
    expect((body.data?.['imageStreamImages'] as unknown[]).length).toBe(100);
    expect(stack.sims['east']?.count('imagestreamimages')).toBe(50);
    expect(stack.sims['west']?.count('imagestreamimages')).toBe(50);
    expect(stack.sims['east']?.count()).toBe(50);
    expect(stack.sims['west']?.count()).toBe(50);
    // One batch holds both clusters' keys; each cluster's 50 calls go out from it at once.
    expect(stack.loaderBatches('imageStreamImage')).toEqual([100]);
  });

  it('resolves the children of a manifest list in one batch', async () => {
    const list = historyOf(stack.sims['east']!, 'openshift', 'hello-multiarch')[0];
    stack.resetCounts();
    const { body } = await stack.gql(
      `{ imageStreamImage(cluster: "east", namespace: "openshift", name: "hello-multiarch@${list}") { image { manifests { image { name } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(stack.sims['east']?.count('imagestreamimages')).toBe(3);
    // The list first, then both children together.
    expect(stack.loaderBatches('imageStreamImage')).toEqual([1, 2]);
  });

  it('resolves a whole tag history in one wave and links each event once', async () => {
    stack.resetCounts();
    const { body } = await stack.gql(
      `{ imageStream(cluster: "west", namespace: "bench", name: "stream-001") { tags { name history { imageStreamImage { image { name } } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    // latest holds 12 events and each v1..v12 tag one of the same images: 12 distinct calls.
    expect(stack.sims['west']?.count('imagestreamimages')).toBe(12);
    expect(stack.sims['west']?.count('imagestreams')).toBe(1);
    // Every event of every tag in one batch of the 12 distinct images.
    expect(stack.loaderBatches('imageStream')).toEqual([1]);
    expect(stack.loaderBatches('imageStreamImage')).toEqual([12]);
  });

  it('does not share loaders between requests', async () => {
    const refs = benchRefs('east', 3);
    stack.resetCounts();
    await stack.gql(QUERY, { refs });
    await stack.gql(QUERY, { refs });
    expect(stack.sims['east']?.count('imagestreamimages')).toBe(6);
    expect(stack.loaderBatches('imageStreamImage')).toEqual([3, 3]);
  });

  it('reuses streams fetched by a listing for ImageStreamImage.stream', async () => {
    stack.resetCounts();
    const { body } = await stack.gql(
      `{ imageStreams(cluster: "east", namespace: "apps", first: 10) { edges { node { name tags { history { imageStreamImage { stream { name } } } } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(stack.sims['east']?.count('imagestreams')).toBe(1);
    expect(stack.loaderBatches('imageStream')).toEqual([]);
  });
});
