import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import { streamKey } from '../../src/loaders/keys.js';
import {
  imageStreamImageOf,
  imageStreamOf,
  imageStreamsOf,
  imageStreamTagOf,
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
    expect(first.edges.map((e) => decode(e.cursor))).toEqual([
      { c: '', s: 1 },
      { c: '', s: 2 },
      { c: '', s: 3 },
      { c: '', s: 4 },
      { c: '', s: 5 },
    ]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const end = decode(first.pageInfo.endCursor) as { c: string; s: number };
    expect(end.s).toBe(0);
    expect(end.c).not.toBe('');

    const second = await imageStreamsOf(ctx, 'east', 'bench', 5, first.pageInfo.endCursor);
    expect(names(second)).toEqual([
      'stream-005',
      'stream-006',
      'stream-007',
      'stream-008',
      'stream-009',
    ]);
    expect(decode(second.edges[0]?.cursor)).toEqual({ c: end.c, s: 1 });

    const last = await imageStreamsOf(ctx, 'east', 'bench', 5, second.pageInfo.endCursor);
    expect(names(last)).toEqual(['stream-010', 'stream-011']);
    expect(last.pageInfo).toEqual({ hasNextPage: false, endCursor: last.edges[1]?.cursor });
  });

  it('continues after an edge in the middle of a page', async () => {
    const ctx = context();
    const first = await imageStreamsOf(ctx, 'east', 'bench', 5, undefined);
    const fromThird = await imageStreamsOf(ctx, 'east', 'bench', 4, first.edges[2]?.cursor);
    expect(names(fromThird)).toEqual(['stream-003', 'stream-004', 'stream-005', 'stream-006']);
    expect(fromThird.edges.map((e) => decode(e.cursor))).toEqual([
      { c: '', s: 4 },
      { c: '', s: 5 },
      { c: '', s: 6 },
      { c: '', s: 7 },
    ]);
  });

  it('answers an empty namespace with no edges and no end cursor', async () => {
    const page = await imageStreamsOf(context(), 'east', 'no-streams-here', 5, undefined);
    expect(page).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
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
