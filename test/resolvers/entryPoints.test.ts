import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import { streamKey } from '../../src/loaders/keys.js';
import {
  imageStreamImageOf,
  imageStreamOf,
  imageStreamsOf,
  imageStreamTagOf,
  SEARCH_PAGES,
} from '../../src/resolvers/entryPoints.js';
import { createTestContext } from '../helpers/createTestContext.js';
import {
  startSimulatedClusters,
  tagHistory,
  type SimulatedClusters,
} from '../helpers/startSimulatedClusters.js';

const MAX_PAGE = 100;
const BAD_CURSOR =
  'Argument "after" must be a cursor returned by imageStreams (an edge cursor or pageInfo.endCursor).';

let clusters: SimulatedClusters;
beforeAll(async () => {
  // 12 streams in `bench`, a namespace of its own to page through.
  clusters = await startSimulatedClusters([
    { name: 'east', seedOptions: { benchStreams: 12, benchImagesPerStream: 1 } },
  ]);
});
afterAll(async () => {
  await clusters.close();
});

const context = (): GatewayContext =>
  createTestContext(clusters.registry, { limits: { maxRefs: 10, maxPageSize: MAX_PAGE } }).context;

/** What a cursor holds: the upstream continue token its page started from, and an offset. */
const decode = (cursor: string | null | undefined): unknown =>
  JSON.parse(Buffer.from(cursor ?? '', 'base64url').toString('utf8'));
const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const names = (page: Awaited<ReturnType<typeof imageStreamsOf>>): (string | undefined)[] =>
  page.edges.map((e) => e.node.wire.metadata.name);

describe('imageStreamsOf: cursors over limit/continue', () => {
  it('pages through a namespace with edge cursors and an end cursor that carries the continue token', async () => {
    const ctx = context();
    const first = await imageStreamsOf(ctx, 'east', 'bench', 5, undefined);
    expect(names(first)).toEqual([
      'stream-000',
      'stream-001',
      'stream-002',
      'stream-003',
      'stream-004',
    ]);
    // `o`: how many items of the list come before the page (for totalCount).
    expect(first.edges.map((e) => decode(e.cursor))).toEqual([
      { c: '', s: 1, o: 0 },
      { c: '', s: 2, o: 0 },
      { c: '', s: 3, o: 0 },
      { c: '', s: 4, o: 0 },
      { c: '', s: 5, o: 0 },
    ]);
    expect(first.totalCount).toBe(12);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const end = decode(first.pageInfo.endCursor) as { c: string; s: number; o: number };
    expect(end.s).toBe(0);
    expect(end.o).toBe(5);
    expect(end.c).not.toBe('');

    const second = await imageStreamsOf(ctx, 'east', 'bench', 5, first.pageInfo.endCursor);
    expect(names(second)).toEqual([
      'stream-005',
      'stream-006',
      'stream-007',
      'stream-008',
      'stream-009',
    ]);
    expect(decode(second.edges[0]?.cursor)).toEqual({ c: end.c, s: 1, o: 5 });
    expect(second.totalCount).toBe(12);

    const last = await imageStreamsOf(ctx, 'east', 'bench', 5, second.pageInfo.endCursor);
    expect(names(last)).toEqual(['stream-010', 'stream-011']);
    expect(last.pageInfo).toEqual({ hasNextPage: false, endCursor: last.edges[1]?.cursor });
    expect(last.totalCount).toBe(12);
  });

  it('continues after an edge in the middle of a page', async () => {
    const ctx = context();
    const first = await imageStreamsOf(ctx, 'east', 'bench', 5, undefined);
    const fromThird = await imageStreamsOf(ctx, 'east', 'bench', 4, first.edges[2]?.cursor);
    expect(names(fromThird)).toEqual(['stream-003', 'stream-004', 'stream-005', 'stream-006']);
    expect(fromThird.edges.map((e) => decode(e.cursor))).toEqual([
      { c: '', s: 4, o: 0 },
      { c: '', s: 5, o: 0 },
      { c: '', s: 6, o: 0 },
      { c: '', s: 7, o: 0 },
    ]);
  });

  it('answers an empty namespace with no edges and no end cursor', async () => {
    const page = await imageStreamsOf(context(), 'east', 'no-streams-here', 5, undefined);
    expect(page).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
      totalCount: 0,
    });
  });

  it('takes 50 streams by default', async () => {
    clusters.resetCounts();
    const page = await imageStreamsOf(context(), 'east', 'bench', undefined, undefined);
    expect(page.edges).toHaveLength(12);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it('hands the streams of a page to the stream loader: no second read', async () => {
    const ctx = context();
    await imageStreamsOf(ctx, 'east', 'bench', 3, undefined);
    clusters.resetCounts();
    const stream = await ctx.loaders.imageStream.load(streamKey('east', 'bench', 'stream-001'));
    expect(stream.metadata.name).toBe('stream-001');
    expect(clusters.sim('east').count()).toBe(0);
  });

  it('accepts an offset of a whole page, the largest a real cursor holds', async () => {
    const page = await imageStreamsOf(
      context(),
      'east',
      'bench',
      1,
      encode({ c: '', s: MAX_PAGE }),
    );
    expect(page.edges).toEqual([]);
  });

  it.each([
    ['not base64 JSON', 'not a cursor'],
    ['JSON null', encode(null)],
    ['a list', encode(['', 1])],
    ['no continue token', encode({ s: 1 })],
    ['a continue token that is not a string', encode({ c: 5, s: 1 })],
    ['a continue token with characters the API never uses', encode({ c: 'a b&c', s: 1 })],
    ['a continue token longer than 2048', encode({ c: 'a'.repeat(2049), s: 1 })],
    ['a negative offset', encode({ c: '', s: -1 })],
    ['a fractional offset', encode({ c: '', s: 1.5 })],
    ['an offset larger than a page', encode({ c: '', s: MAX_PAGE + 1 })],
    ['an offset that would ask for a billion items', encode({ c: '', s: 1_000_000_000 })],
    ['a cursor longer than 4096 characters', encode({ c: '', s: 1, pad: 'x'.repeat(4096) })],
  ])('refuses a forged cursor (%s) before any upstream call', async (_what, after) => {
    clusters.resetCounts();
    await expect(imageStreamsOf(context(), 'east', 'bench', 5, after)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: BAD_CURSOR,
    });
    expect(clusters.sim('east').count()).toBe(0);
  });
});

describe('the other entry points', () => {
  it('read one object each, named by the arguments', async () => {
    const ctx = context();
    const python = tagHistory(clusters.sim('east'), 'openshift', 'python', 'latest')[0] ?? '';
    const isi = await imageStreamImageOf(ctx, 'east', 'openshift', `python@${python}`);
    expect([isi.cluster, isi.namespace, isi.stream, isi.digest]).toEqual([
      'east',
      'openshift',
      'python',
      python,
    ]);
    const stream = await imageStreamOf(ctx, undefined, 'openshift', 'python');
    expect([stream.cluster, stream.wire.metadata.name]).toEqual(['east', 'python']);
    const tag = await imageStreamTagOf(ctx, 'east', 'openshift', 'python:3.8');
    expect([tag.cluster, tag.namespace, tag.stream, tag.wire.image.metadata.name]).toEqual([
      'east',
      'openshift',
      'python',
      python,
    ]);
  });

  it('check every argument before any upstream call', async () => {
    clusters.resetCounts();
    const ctx = context();
    const refused = [
      () => imageStreamImageOf(ctx, 'east', 'openshift', 'python'),
      () => imageStreamImageOf(ctx, 'east', 'Open Shift', `python@sha256:${'a'.repeat(64)}`),
      () => imageStreamImageOf(ctx, 'nowhere', 'openshift', `python@sha256:${'a'.repeat(64)}`),
      () => imageStreamOf(ctx, 'east', 'openshift', 'Python!'),
      () => imageStreamTagOf(ctx, 'east', 'openshift', 'python'),
      () => imageStreamsOf(ctx, 'east', 'openshift', MAX_PAGE + 1, undefined),
      () => imageStreamsOf(ctx, 'east', 'openshift', 0, undefined),
    ];
    for (const call of refused) {
      const err: unknown = await (async () => call())().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    expect(clusters.sim('east').count()).toBe(0);
  });
});

describe('imageStreamsOf: search, label selectors, every namespace, totalCount', () => {
  const all = async (
    ctx: GatewayContext,
    namespace: string | null,
    first: number,
    filter: Parameters<typeof imageStreamsOf>[5],
  ): Promise<{ names: string[]; calls: number }> => {
    const out: string[] = [];
    let after: string | null = null;
    let calls = 0;
    for (;;) {
      const page = await imageStreamsOf(ctx, 'east', namespace, first, after, filter);
      calls += 1;
      out.push(
        ...page.edges.map((e) => `${e.node.wire.metadata.namespace}/${e.node.wire.metadata.name}`),
      );
      if (!page.pageInfo.hasNextPage) return { names: out, calls };
      after = page.pageInfo.endCursor;
    }
  };

  it('searches names case-insensitively, page by page, never repeating or skipping one', async () => {
    const ctx = context();
    const found = await all(ctx, 'bench', 2, { search: 'STREAM-00' });
    expect(found.names).toEqual(Array.from({ length: 10 }, (_, i) => `bench/stream-00${i}`));
    const page = await imageStreamsOf(ctx, 'east', 'bench', 2, undefined, { search: '01' });
    expect(names(page)).toEqual(['stream-001', 'stream-010']);
    expect(page.totalCount).toBeNull();
  });

  it('reads at most SEARCH_PAGES pages of the API per call, then hands back a cursor to go on', async () => {
    // Pages of one stream (the largest page allowed): 12 pages to find stream-011.
    const ctx = createTestContext(clusters.registry, {
      limits: { maxRefs: 10, maxPageSize: 1 },
    }).context;
    clusters.resetCounts();
    const first = await imageStreamsOf(ctx, 'east', 'bench', 1, undefined, {
      search: 'stream-011',
    });
    expect(first.edges).toEqual([]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(clusters.sim('east').count('imagestreams')).toBe(SEARCH_PAGES);
    const next = await imageStreamsOf(ctx, 'east', 'bench', 1, first.pageInfo.endCursor, {
      search: 'stream-011',
    });
    expect(names(next)).toEqual(['stream-011']);
  });

  it('passes a label selector to the API; totalCount is null where the API does not count', async () => {
    const ctx = context();
    clusters.resetCounts();
    const ruby = await imageStreamsOf(ctx, 'east', null, 50, undefined, {
      labelSelector: 'app=ruby',
    });
    expect(ruby.edges.map((e) => e.node.wire.metadata.name)).toEqual(['ruby-20-centos7']);
    // The last page: the count is known.
    expect(ruby.totalCount).toBe(1);
    // The API filtered (the gateway never reads labels): one list call, one stream.
    expect(clusters.sim('east').count('imagestreams')).toBe(1);
    const set = await all(ctx, null, 1, {
      labelSelector: 'app in (ruby, ruby-sample-build),!nope',
    });
    expect(set.names).toEqual(['example/ruby-20-centos7', 'test/origin-ruby-sample']);
    const firstOfTwo = await imageStreamsOf(ctx, 'east', null, 1, undefined, {
      labelSelector: 'app',
    });
    expect(firstOfTwo.pageInfo.hasNextPage).toBe(true);
    expect(firstOfTwo.totalCount).toBeNull();
  });

  it('lists every namespace when namespace is omitted, with a count that holds on every page', async () => {
    const ctx = context();
    const first = await imageStreamsOf(ctx, 'east', null, 4, undefined);
    const total = first.totalCount ?? -1;
    expect(total).toBeGreaterThan(12);
    const found = await all(ctx, null, 7, {});
    expect(found.names).toHaveLength(total);
    expect(new Set(found.names).size).toBe(total);
    const second = await imageStreamsOf(ctx, 'east', null, 4, first.pageInfo.endCursor);
    expect(second.totalCount).toBe(total);
  });

  it.each([
    ['an empty selector', ''],
    ['a selector with a space in a value', 'app=ruby sample'],
    ['unbalanced parentheses', 'app in (ruby'],
    ['nested parentheses', 'app in ((ruby))'],
    ['an operator the API does not know', 'app~=ruby'],
    ['a key too long', `${'k'.repeat(64)}=v`],
    ['a query string smuggled in', 'app=ruby&limit=100000'],
    ['a control character', 'app=ruby\n'],
    ['an oversized selector', Array.from({ length: 200 }, (_, i) => `k${i}=v`).join(',')],
  ])('refuses a label selector (%s) before any upstream call', async (_what, labelSelector) => {
    clusters.resetCounts();
    await expect(
      imageStreamsOf(context(), 'east', 'bench', 5, undefined, { labelSelector }),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/^Argument "labelSelector" must be a label selector/),
    });
    expect(clusters.sim('east').count()).toBe(0);
  });

  it('takes an old cursor without a count, and refuses a forged count', async () => {
    const ctx = context();
    const old = await imageStreamsOf(ctx, 'east', 'bench', 5, encode({ c: '', s: 2 }));
    expect(names(old)[0]).toBe('stream-002');
    expect(old.totalCount).toBeNull();
    for (const o of [-1, 1.5, 1_000_000_001, '3']) {
      await expect(
        imageStreamsOf(ctx, 'east', 'bench', 5, encode({ c: '', s: 2, o })),
      ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
  });
});
