import DataLoader from 'dataloader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessReviews, type AccessReviews } from '../../src/authz/createAccessReviews.js';
import { createContentCache, type ContentCache } from '../../src/cache/createContentCache.js';
import {
  createLocationIndex,
  MAX_KEPT_ANNOTATION_BYTES,
  type LocationIndex,
} from '../../src/clusters/createLocationIndex.js';
import { GatewayError } from '../../src/errors.js';
import type { LoadedImageStreamImage } from '../../src/loaders/createLoaders.js';
import {
  createImageStreamImageBatch,
  type ImageStreamImageBatchOptions,
} from '../../src/loaders/createImageStreamImageBatch.js';
import { imageKey, streamCacheKey, streamKey, type StreamKey } from '../../src/loaders/keys.js';
import { perKey } from '../../src/loaders/perKey.js';
import {
  createImageApiClient,
  type CallOptions,
  type ImageApiClient,
} from '../../src/upstream/createImageApiClient.js';
import { startRecordingServer } from '../helpers/startRecordingServer.js';
import { captureLogs } from '../helpers/captureLogs.js';
import { until } from '../helpers/until.js';
import {
  startSimulatedClusters,
  tagHistory,
  upstreamRequests,
  type SimulatedClusters,
} from '../helpers/startSimulatedClusters.js';

let clusters: SimulatedClusters;
let python: string;
let oldPython: string;
let list: string;
let children: string[];

const GATEWAY: CallOptions = {};
const READER: CallOptions = { bearerToken: 'reader-token' };
/** May get and list image streams, nothing else: not `get imagestreamimages`. */
const STREAMS_ONLY: CallOptions = { bearerToken: 'streams-only-token' };

/** The east cluster's tokens: the simulator reads this object on each request (revocation). */
const grants: Record<string, unknown> = {};

beforeAll(async () => {
  clusters = await startSimulatedClusters([
    {
      name: 'east',
      grants: Object.assign(grants, {
        'demo-token-east': { user: 'gateway', namespaces: '*' },
        'reader-token': { user: 'reader', namespaces: '*' },
        'streams-only-token': {
          user: 'streams-only',
          namespaces: '*',
          resources: { imagestreams: ['get', 'list'] },
        },
      }) as NonNullable<Parameters<typeof startSimulatedClusters>[0][number]['grants']>,
    },
  ]);
  const sim = clusters.sim('east');
  [python = '', oldPython = ''] = tagHistory(sim, 'openshift', 'python', '3.8');
  list = tagHistory(sim, 'openshift', 'hello-multiarch', 'latest')[0] ?? '';
  children = (sim.data.images.get(list)?.dockerImageManifests ?? []).map((m) => m.digest);
});
afterAll(async () => {
  await clusters.close();
});

function clientOf(cluster: string): ImageApiClient {
  const client = clusters.registry.get(cluster);
  if (!client)
    throw new GatewayError('INTERNAL_SERVER_ERROR', `no client for cluster "${cluster}"`);
  return client;
}

/** A batch of one request with the caller's call options, and the batch sizes it reported. */
function newBatch(
  call: CallOptions,
  options: Partial<ImageStreamImageBatchOptions> = {},
): ReturnType<typeof createImageStreamImageBatch> & { sizes: [string, number][] } {
  const imageStream = new DataLoader(
    perKey('imageStream', undefined, (key: StreamKey) =>
      clientOf(key.cluster).getImageStream(key.namespace, key.stream, call),
    ),
    { cacheKeyFn: streamCacheKey },
  );
  const sizes: [string, number][] = [];
  const batch = createImageStreamImageBatch({
    clientOf,
    call,
    imageStream,
    observer: { loaderBatch: (loader, size) => void sizes.push([loader, size]) },
    ...options,
  });
  return { ...batch, sizes };
}

const pythonStream = streamKey('east', 'openshift', 'python');
const multiarch = streamKey('east', 'openshift', 'hello-multiarch');

/** The content cache and access reviews of one gateway, warmed with the gateway's own reads. */
async function warmCache(keys: Parameters<typeof imageKey>[]): Promise<{
  cache: ContentCache;
  accessReviews: AccessReviews;
}> {
  const shared = {
    cache: createContentCache(),
    accessReviews: createAccessReviews({ ttlMs: 60_000 }),
  };
  const results = await newBatch(GATEWAY, shared).batch(keys.map((k) => imageKey(...k)));
  for (const result of results) if (result instanceof Error) throw result;
  clusters.resetCounts();
  return shared;
}

const outcome = (result: LoadedImageStreamImage | Error): string =>
  result instanceof GatewayError
    ? result.code
    : result instanceof Error
      ? result.message
      : result.cachedAt === undefined
        ? 'fetched'
        : 'cached';

describe('createImageStreamImageBatch without a cache', () => {
  it('fetches every key with one GET, all at once, and answers in key order', async () => {
    const { batch, sizes } = newBatch(GATEWAY);
    clusters.resetCounts();
    const results = await batch([
      imageKey(pythonStream, oldPython),
      imageKey(pythonStream, `sha256:${'0'.repeat(64)}`),
      imageKey(pythonStream, python),
    ]);
    expect(results.map(outcome)).toEqual(['fetched', 'NOT_FOUND', 'fetched']);
    expect(results[0]).toMatchObject({ wire: { metadata: { name: `python@${oldPython}` } } });
    expect(results[2]).toMatchObject({ wire: { metadata: { name: `python@${python}` } } });
    expect(sizes).toEqual([['imageStreamImage', 3]]);
    expect(clusters.sim('east').count()).toBe(3);
    expect(clusters.sim('east').count('imagestreamimages')).toBe(3);
  });

  it('remembers an image under its own digest, never under a short form the API resolved', async () => {
    const cache = createContentCache();
    const short = python.slice(0, 'sha256:'.length + 12);
    const { batch } = newBatch(GATEWAY, { cache });
    const [loaded] = await batch([imageKey(pythonStream, short)]);
    expect(loaded).toMatchObject({ wire: { image: { metadata: { name: python } } } });
    expect(
      await cache.getMany([
        { cluster: 'east', digest: short },
        { cluster: 'east', digest: python },
      ]),
    ).toEqual([undefined, undefined]);
    await batch([imageKey(pythonStream, python)]);
    const [entry] = await cache.getMany([{ cluster: 'east', digest: python }]);
    expect(entry?.image.metadata.name).toBe(python);
  });
});

describe('createImageStreamImageBatch and an API server that answers with another image', () => {
  it('answers MalformedBody for that key, never another digest’s image as its own (red team)', async () => {
    // Whatever it is asked, this server answers with python's ImageStreamImage.
    const pythonAnswer = await clientOf('east').getImageStreamImage(
      'openshift',
      `python@${python}`,
      GATEWAY,
    );
    const server = await startRecordingServer(() => ({ body: JSON.stringify(pythonAnswer) }));
    const liar = createImageApiClient({
      name: 'east',
      server: server.url,
      insecureSkipTlsVerify: false,
    });
    const cache = createContentCache();
    try {
      const { batch } = newBatch(GATEWAY, { clientOf: () => liar, cache });
      const results = await batch([
        imageKey(pythonStream, oldPython),
        imageKey(pythonStream, python),
      ]);
      expect(results.map(outcome)).toEqual(['UPSTREAM_UNAVAILABLE', 'fetched']);
      expect((results[0] as GatewayError).extensions).toMatchObject({
        upstream: { status: 200, reason: 'MalformedBody' },
      });
      expect(await cache.getMany([{ cluster: 'east', digest: oldPython }])).toEqual([undefined]);
    } finally {
      liar.close();
      await server.close();
    }
  });
});

describe('createImageStreamImageBatch with a cache', () => {
  it('serves a cached image exactly as the API server answers it, once the caller is proven', async () => {
    const shared = await warmCache([
      [pythonStream, python],
      [pythonStream, oldPython],
    ]);
    const { batch } = newBatch(READER, shared);
    const results = await batch([
      imageKey(pythonStream, python),
      imageKey(pythonStream, oldPython),
    ]);
    expect(results.map(outcome)).toEqual(['cached', 'cached']);
    // One stream GET and one access review prove both; no image GET.
    expect(upstreamRequests(clusters.sim('east'))).toEqual([
      'GET /apis/image.openshift.io/v1/namespaces/openshift/imagestreams/python',
      'POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    ]);
    const real = await clientOf('east').getImageStreamImage(
      'openshift',
      `python@${python}`,
      READER,
    );
    expect((results[0] as LoadedImageStreamImage).wire).toEqual(real);
  });

  it('refuses the cache to a caller who may read the stream but not its images', async () => {
    const shared = await warmCache([[pythonStream, python]]);
    const results = await newBatch(STREAMS_ONLY, shared).batch([imageKey(pythonStream, python)]);
    // The API server answers that caller itself, as it would without a cache.
    expect(results.map(outcome)).toEqual(['FORBIDDEN']);
    expect(results[0]).toMatchObject({ upstream: { status: 403 } });
    expect(clusters.sim('east').count('selfsubjectaccessreviews')).toBe(1);
    expect(clusters.sim('east').count('imagestreamimages')).toBe(1);
  });

  it('refuses the cache for a digest the stream does not hold', async () => {
    const shared = await warmCache([[pythonStream, python]]);
    const results = await newBatch(READER, shared).batch([
      imageKey(streamKey('east', 'apps', 'frontend'), python),
      imageKey(pythonStream, python),
    ]);
    expect(results.map(outcome)).toEqual(['NOT_FOUND', 'cached']);
    expect(results[0]).toMatchObject({ upstream: { status: 404, kind: 'imagestreamimage' } });
    expect(upstreamRequests(clusters.sim('east'), 'imagestreamimages')).toEqual([
      `GET /apis/image.openshift.io/v1/namespaces/apps/imagestreamimages/frontend@${python}`,
    ]);
  });

  it('proves a manifest-list child through the cached list its stream holds', async () => {
    const shared = await warmCache([
      [multiarch, list],
      [multiarch, children[0] ?? ''],
    ]);
    const [served] = await newBatch(READER, shared).batch([imageKey(multiarch, children[0] ?? '')]);
    expect(outcome(served as LoadedImageStreamImage)).toBe('cached');
    expect(clusters.sim('east').count('imagestreamimages')).toBe(0);

    // Without the list in the cache nothing proves the child: it is fetched.
    const childOnly = await warmCache([[multiarch, children[1] ?? '']]);
    const [fetched] = await newBatch(READER, childOnly).batch([
      imageKey(multiarch, children[1] ?? ''),
    ]);
    expect(outcome(fetched as LoadedImageStreamImage)).toBe('fetched');
    expect(clusters.sim('east').count('imagestreamimages')).toBe(1);
  });

  it('reads each stream once and asks one access review per namespace', async () => {
    const shared = await warmCache([
      [pythonStream, python],
      [pythonStream, oldPython],
      [multiarch, list],
    ]);
    const results = await newBatch(READER, shared).batch([
      imageKey(pythonStream, python),
      imageKey(multiarch, list),
      imageKey(pythonStream, oldPython),
    ]);
    expect(results.map(outcome)).toEqual(['cached', 'cached', 'cached']);
    expect(clusters.sim('east').count('imagestreams')).toBe(2);
    expect(clusters.sim('east').count('selfsubjectaccessreviews')).toBe(1);
    expect(clusters.sim('east').count('imagestreamimages')).toBe(0);
  });

  it('fetches the images of a stream it cannot read', async () => {
    const shared = await warmCache([[pythonStream, python]]);
    clusters
      .sim('east')
      .addFault({ resource: 'imagestreams', fault: { kind: 'status', status: 500 } });
    const results = await newBatch(READER, shared).batch([imageKey(pythonStream, python)]);
    expect(results.map(outcome)).toEqual(['fetched']);
    expect(clusters.sim('east').count('imagestreamimages')).toBe(1);
  });

  it('counts an access review that fails as "no"', async () => {
    const shared = await warmCache([[pythonStream, python]]);
    clusters
      .sim('east')
      .addFault({ resource: 'selfsubjectaccessreviews', fault: { kind: 'status', status: 500 } });
    const results = await newBatch(READER, shared).batch([imageKey(pythonStream, python)]);
    expect(results.map(outcome)).toEqual(['fetched']);
    expect(clusters.sim('east').count('imagestreamimages')).toBe(1);
  });

  it('never reads the cache without access reviews to prove the caller', async () => {
    const { cache } = await warmCache([[pythonStream, python]]);
    const results = await newBatch(READER, { cache }).batch([imageKey(pythonStream, python)]);
    expect(results.map(outcome)).toEqual(['fetched']);
    expect(clusters.sim('east').count('selfsubjectaccessreviews')).toBe(0);
    expect(clusters.sim('east').count('imagestreams')).toBe(0);
  });

  it('turns a cache that fails to read or to write into fetches and a warning', async () => {
    const { lines, logger } = captureLogs();
    const broken: ContentCache = {
      getMany: () => Promise.reject(new Error('cache is down')),
      set: () => {
        throw new Error('cache is full');
      },
      close: () => Promise.resolve(),
      stats: () => ({ entries: 0, bytes: 0 }),
    };
    const results = await newBatch(READER, {
      cache: broken,
      accessReviews: createAccessReviews({ ttlMs: 60_000 }),
      logger,
    }).batch([imageKey(pythonStream, python), imageKey(pythonStream, oldPython)]);
    expect(results.map(outcome)).toEqual(['fetched', 'fetched']);
    const warnings = lines.map((l) => JSON.parse(l) as { level: string; msg: string; err: string });
    expect(warnings.filter((w) => w.level === 'warn').map((w) => `${w.msg}: ${w.err}`)).toEqual([
      'cache read failed: cache is down',
      'cache write failed: cache is full',
      'cache write failed: cache is full',
    ]);
  });
});

describe('createImageStreamImageBatch with a cache and a synced location index', () => {
  const SILENCE_MS = 90_000;
  let index: LocationIndex;
  const stream = (): ReturnType<LocationIndex['stream']> => index.stream('openshift', 'python');

  beforeAll(async () => {
    index = createLocationIndex(clientOf('east'));
    index.start();
    await until(() => index.synced && clusters.sim('east').watches.open === 1, 'index synced');
  });
  afterAll(async () => {
    await index.stop();
  });

  /** Cache and reviews warmed by the gateway, then the caller's batch with the index. */
  async function withIndex(
    call: CallOptions,
    digests: string[],
    idx: LocationIndex = index,
    maxSilenceMs = SILENCE_MS,
  ) {
    const shared = await warmCache(digests.map((d) => [pythonStream, d]));
    return newBatch(call, {
      ...shared,
      indexes: new Map([['east', idx]]),
      indexProofMaxSilenceMs: maxSilenceMs,
    }).batch(digests.map((d) => imageKey(pythonStream, d)));
  }

  it("proves the gateway's cached images from the index: no read of the stream, the API server's answer", async () => {
    const results = await withIndex(GATEWAY, [python, oldPython]);
    expect(results.map(outcome)).toEqual(['cached', 'cached']);
    // The access review is still asked (with the gateway's credentials); the stream is not read.
    expect(upstreamRequests(clusters.sim('east'))).toEqual([
      'POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    ]);
    const real = await clientOf('east').getImageStreamImage('openshift', `python@${python}`, {});
    expect(real.metadata.annotations).toBeTruthy();
    expect((results[0] as LoadedImageStreamImage).wire).toEqual(real);
  });

  it("reads the stream with a caller's own token (passthrough): a revoked token shows at once", async () => {
    const results = await withIndex(READER, [python]);
    expect(results.map(outcome)).toEqual(['cached']);
    expect(clusters.sim('east').count('imagestreams')).toBe(1);
    // A token deleted after its access review: the review is still remembered, but the stream
    // read with the token fails, so the image is asked for, and the API server answers.
    grants['revocable-token'] = { user: 'revocable', namespaces: '*' };
    const shared = await warmCache([[pythonStream, python]]);
    const batch = () =>
      newBatch(
        { bearerToken: 'revocable-token' },
        { ...shared, indexes: new Map([['east', index]]), indexProofMaxSilenceMs: SILENCE_MS },
      ).batch([imageKey(pythonStream, python)]);
    expect((await batch()).map(outcome)).toEqual(['cached']);
    delete grants['revocable-token'];
    clusters.resetCounts();
    expect((await batch()).map(outcome)).toEqual(['UNAUTHENTICATED']);
    // The review was not asked again: the stream read is what saw the revocation.
    expect(clusters.sim('east').count('selfsubjectaccessreviews')).toBe(0);
  });

  it('never proves from the index with a max silence of 0', async () => {
    const results = await withIndex(GATEWAY, [python], index, 0);
    expect(results.map(outcome)).toEqual(['cached']);
    expect(clusters.sim('east').count('imagestreams')).toBe(1);
  });

  it('reads the stream when the index could not keep its annotations', async () => {
    const sim = clusters.sim('east');
    const original = sim.data.streams.get('openshift')?.get('python');
    if (!original) throw new Error('no python stream');
    const large = { description: 'x'.repeat(MAX_KEPT_ANNOTATION_BYTES) };
    sim.changes.putImageStream({
      ...original,
      metadata: { ...original.metadata, annotations: large },
    });
    try {
      await until(() => stream()?.annotations === null, 'the index saw the large annotations');
      const results = await withIndex(GATEWAY, [python]);
      expect(results.map(outcome)).toEqual(['cached']);
      expect(sim.count('imagestreams')).toBe(1);
      expect((results[0] as LoadedImageStreamImage).wire.metadata.annotations).toEqual(large);
    } finally {
      sim.changes.putImageStream(original);
      await until(() => stream()?.annotations !== null, 'the index saw the annotations back');
    }
  });

  it('stops proving a digest once the watch shows its stream gone, and the API server answers', async () => {
    const sim = clusters.sim('east');
    const original = sim.data.streams.get('openshift')?.get('python');
    if (!original) throw new Error('no python stream');
    const shared = await warmCache([[pythonStream, python]]);
    sim.changes.deleteImageStream('openshift', 'python');
    try {
      await until(() => stream() === undefined, 'the index saw the stream deleted');
      clusters.resetCounts();
      const results = await newBatch(GATEWAY, {
        ...shared,
        indexes: new Map([['east', index]]),
        indexProofMaxSilenceMs: SILENCE_MS,
      }).batch([imageKey(pythonStream, python)]);
      // Not in the index: the stream is read (404), then the image is asked for (404).
      expect(results.map(outcome)).toEqual(['NOT_FOUND']);
      expect(sim.count('imagestreams')).toBe(1);
      expect(sim.count('imagestreamimages')).toBe(1);
    } finally {
      sim.changes.putImageStream(original);
      await until(() => stream() !== undefined, 'the index saw the stream back');
    }
  });

  it('reads the stream once the index has heard nothing (no event, no bookmark) for too long, on a monotonic clock', async () => {
    let clock = 0;
    // The wall clock stepping back an hour must not make old silence look recent.
    let wall = Date.now();
    const quiet = createLocationIndex(clientOf('east'), {
      monotonic: () => clock,
      now: () => wall,
    });
    quiet.start();
    try {
      await until(() => quiet.heardWithin(0), 'the quiet index synced');
      const once = async (): Promise<number> => {
        clusters.resetCounts();
        const results = await withIndex(GATEWAY, [python], quiet);
        expect(results.map(outcome)).toEqual(['cached']);
        return clusters.sim('east').count('imagestreams');
      };
      clock += SILENCE_MS;
      wall -= 3_600_000;
      expect(await once()).toBe(0);
      clock += 1;
      expect(quiet.synced).toBe(true);
      expect(await once()).toBe(1);
      // A bookmark is news: the index proves again.
      clusters.sim('east').watches.bookmark();
      await until(() => quiet.heardWithin(0), 'the bookmark arrived');
      expect(await once()).toBe(0);
    } finally {
      await quiet.stop();
    }
  });

  it('reads the stream once the index is stopped', async () => {
    const stopped = createLocationIndex(clientOf('east'));
    const results = await withIndex(GATEWAY, [python], stopped);
    expect(stopped.synced).toBe(false);
    expect(results.map(outcome)).toEqual(['cached']);
    expect(clusters.sim('east').count('imagestreams')).toBe(1);
  });
});
