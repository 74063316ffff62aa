import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessReviews } from '../../src/authz/createAccessReviews.js';
import { createContentCache } from '../../src/cache/createContentCache.js';
import { DEFAULT_FAN_OUT } from '../../src/clusters/fanOut.js';
import { GatewayError } from '../../src/errors.js';
import {
  createLoaders,
  type LoaderOptions,
  type Loaders,
} from '../../src/loaders/createLoaders.js';
import { imageKey, streamKey, tagKey } from '../../src/loaders/keys.js';
import {
  startSimulatedClusters,
  tagHistory,
  upstreamRequests,
  type SimulatedClusters,
} from '../helpers/startSimulatedClusters.js';

const ISI = '/apis/image.openshift.io/v1/namespaces/openshift/imagestreamimages';
const IS = '/apis/image.openshift.io/v1/namespaces/openshift/imagestreams';
const ISTAG = '/apis/image.openshift.io/v1/namespaces/openshift/imagestreamtags';

let clusters: SimulatedClusters;
let python: string;
let oldPython: string;
let list: string;
const missing = `sha256:${'0'.repeat(64)}`;

beforeAll(async () => {
  clusters = await startSimulatedClusters([
    { name: 'east' },
    // West's own credentials may read two namespaces, not list image streams cluster-wide.
    {
      name: 'west',
      grants: { 'demo-token-west': { user: 'west-reader', namespaces: ['openshift', 'apps'] } },
    },
  ]);
  [python = '', oldPython = ''] = tagHistory(clusters.sim('east'), 'openshift', 'python', '3.8');
  list = tagHistory(clusters.sim('east'), 'openshift', 'hello-multiarch', 'latest')[0] ?? '';
});
afterAll(async () => {
  await clusters.close();
});

/** The loaders of one new request, and the batches (loader, size) they dispatched. */
function newRequest(options: Partial<LoaderOptions> = {}): {
  loaders: Loaders;
  batches: [string, number][];
} {
  const batches: [string, number][] = [];
  const loaders = createLoaders({
    registry: clusters.registry,
    call: {},
    fanOut: DEFAULT_FAN_OUT,
    observer: { loaderBatch: (loader, size) => void batches.push([loader, size]) },
    ...options,
  });
  return { loaders, batches };
}

const east = streamKey('east', 'openshift', 'python');

describe('createLoaders: imageStream', () => {
  it('loads the streams asked for in one tick in one batch, one GET per distinct stream', async () => {
    const { loaders, batches } = newRequest();
    clusters.resetCounts();
    const streams = await Promise.all([
      loaders.imageStream.load(streamKey('east', 'openshift', 'python')),
      loaders.imageStream.load(streamKey('east', 'openshift', 'wildfly')),
      loaders.imageStream.load(streamKey('east', 'openshift', 'python')),
    ]);
    expect(streams.map((s) => s.metadata.name)).toEqual(['python', 'wildfly', 'python']);
    expect(batches).toEqual([['imageStream', 2]]);
    expect(upstreamRequests(clusters.sim('east'))).toEqual([
      `GET ${IS}/python`,
      `GET ${IS}/wildfly`,
    ]);
  });

  it('asks once per request, and again in the next request', async () => {
    const first = newRequest();
    clusters.resetCounts();
    await first.loaders.imageStream.load(east);
    await first.loaders.imageStream.load(streamKey('east', 'openshift', 'python'));
    expect(first.batches).toEqual([['imageStream', 1]]);
    expect(clusters.sim('east').count()).toBe(1);
    await newRequest().loaders.imageStream.load(east);
    expect(clusters.sim('east').count()).toBe(2);
  });
});

describe('createLoaders: imageStreamImage', () => {
  it('batches images across streams and clusters, deduplicated, in the order asked', async () => {
    const { loaders, batches } = newRequest();
    clusters.resetCounts();
    const keys = [
      imageKey(east, python),
      imageKey(east, oldPython),
      imageKey(streamKey('east', 'openshift', 'hello-multiarch'), list),
      imageKey(east, python),
      imageKey(streamKey('west', 'openshift', 'python'), python),
    ];
    const loaded = await Promise.all(keys.map((key) => loaders.imageStreamImage.load(key)));
    expect(loaded.map((l) => l.wire.metadata.name)).toEqual([
      `python@${python}`,
      `python@${oldPython}`,
      `hello-multiarch@${list}`,
      `python@${python}`,
      `python@${python}`,
    ]);
    expect(loaded.map((l) => l.cachedAt)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(batches).toEqual([['imageStreamImage', 4]]);
    expect(upstreamRequests(clusters.sim('east'))).toEqual(
      [
        `GET ${ISI}/python@${python}`,
        `GET ${ISI}/python@${oldPython}`,
        `GET ${ISI}/hello-multiarch@${list}`,
      ].sort(),
    );
    expect(upstreamRequests(clusters.sim('west'))).toEqual([`GET ${ISI}/python@${python}`]);
  });

  it('gives each failed key its own error and the others their images', async () => {
    const { loaders, batches } = newRequest();
    const results = await loaders.imageStreamImage.loadMany([
      imageKey(east, python),
      imageKey(east, missing),
      imageKey(streamKey('east', 'openshift', 'no-such-stream'), python),
      imageKey(streamKey('nowhere', 'openshift', 'python'), python),
    ]);
    expect(batches).toEqual([['imageStreamImage', 4]]);
    expect(results[0]).toMatchObject({ wire: { metadata: { name: `python@${python}` } } });
    expect(results[1]).toMatchObject({
      code: 'NOT_FOUND',
      upstream: { status: 404, kind: 'imagestreamimage' },
    });
    expect(results[2]).toMatchObject({
      code: 'NOT_FOUND',
      upstream: { status: 404, kind: 'imagestreams' },
    });
    expect(results[3]).toBeInstanceOf(GatewayError);
    expect(results[3]).toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      message: 'no client for cluster "nowhere"',
    });
  });

  it('reads with the request’s credentials', async () => {
    const { loaders } = newRequest({ call: { bearerToken: 'not-a-known-token' } });
    const results = await loaders.imageStreamImage.loadMany([
      imageKey(east, python),
      imageKey(east, oldPython),
    ]);
    expect(results.map((r) => (r instanceof GatewayError ? r.code : 'loaded'))).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
  });
});

describe('createLoaders: imageStreamTag', () => {
  it('batches tags, names them <stream>:<tag> upstream, and confines a missing tag', async () => {
    const { loaders, batches } = newRequest();
    clusters.resetCounts();
    const results = await loaders.imageStreamTag.loadMany([
      tagKey(east, '3.8'),
      tagKey(east, 'latest'),
      tagKey(east, '3.8'),
      tagKey(east, 'no-such-tag'),
    ]);
    expect(batches).toEqual([['imageStreamTag', 3]]);
    expect(upstreamRequests(clusters.sim('east'))).toEqual([
      `GET ${ISTAG}/python:3.8`,
      `GET ${ISTAG}/python:latest`,
      `GET ${ISTAG}/python:no-such-tag`,
    ]);
    expect(
      results.slice(0, 3).map((r) => (r instanceof Error ? r : r.image.metadata.name)),
    ).toEqual([python, python, python]);
    expect(results[3]).toMatchObject({ code: 'NOT_FOUND', upstream: { status: 404 } });
  });
});

describe('createLoaders: imageStreamPage', () => {
  it('reads a namespace a page at a time with the API’s continue tokens', async () => {
    const { loaders, batches } = newRequest();
    clusters.resetCounts();
    const page = { cluster: 'east', namespace: 'openshift', limit: 2, continueToken: '' };
    const first = await loaders.imageStreamPage.load(page);
    expect(first.items?.map((s) => s.metadata.name)).toEqual(['hello-multiarch', 'python']);
    const token = first.metadata?.continue ?? '';
    expect(token).not.toBe('');
    const second = await loaders.imageStreamPage.load({ ...page, continueToken: token });
    expect(second.items?.map((s) => s.metadata.name)).toEqual(['wildfly']);
    expect(second.metadata?.continue).toBeUndefined();
    // The first page again: already loaded in this request.
    await loaders.imageStreamPage.load({ ...page });
    expect(batches).toEqual([
      ['imageStreamPage', 1],
      ['imageStreamPage', 1],
    ]);
    expect(clusters.sim('east').count('imagestreams')).toBe(2);
  });

  it('answers an expired continue token as an expired cursor for that page only', async () => {
    const page = { cluster: 'east', namespace: 'openshift', limit: 1, continueToken: '' };
    const first = await newRequest().loaders.imageStreamPage.load(page);
    clusters.sim('east').expireContinueTokens();
    const results = await newRequest().loaders.imageStreamPage.loadMany([
      { ...page, continueToken: first.metadata?.continue ?? '' },
      page,
    ]);
    expect(results[0]).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { reason: 'CURSOR_EXPIRED', upstream: { status: 410 } },
    });
    expect(results[1]).toMatchObject({ items: [{ metadata: { name: 'hello-multiarch' } }] });
  });
});

describe('createLoaders: imageLocations', () => {
  it('searches each cluster of a batch on its own: one cluster’s failure is its own', async () => {
    const { loaders, batches } = newRequest();
    const results = await loaders.imageLocations.loadMany([
      { cluster: 'east', digest: python, namespaces: undefined },
      { cluster: 'west', digest: python, namespaces: undefined },
      { cluster: 'west', digest: python, namespaces: ['openshift'] },
      { cluster: 'east', digest: python, namespaces: undefined },
    ]);
    expect(batches).toEqual([['imageLocations', 3]]);
    const found = {
      locations: [{ namespace: 'openshift', stream: 'python', tags: ['3.8', 'latest'] }],
      refused: [],
    };
    expect(results[0]).toEqual(found);
    expect(results[1]).toMatchObject({
      code: 'FORBIDDEN',
      cluster: 'west',
      message: expect.stringMatching(
        /\(the credentials cannot list image streams cluster-wide; pass the namespaces to search\)$/,
      ),
    });
    expect(results[2]).toEqual(found);
    expect(results[3]).toEqual(found);
  });

  it('confines a cluster the registry does not know to its own key', async () => {
    const { loaders } = newRequest();
    const results = await loaders.imageLocations.loadMany([
      { cluster: 'nowhere', digest: python, namespaces: ['openshift'] },
      { cluster: 'east', digest: python, namespaces: ['openshift'] },
    ]);
    expect(results[0]).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    expect(results[1]).toEqual({
      locations: [{ namespace: 'openshift', stream: 'python', tags: ['3.8', 'latest'] }],
      refused: [],
    });
  });
});

describe('createLoaders with a content cache', () => {
  it('serves imageStreamImage from the cache once access is proven, freshImageStreamImage never', async () => {
    const shared = {
      cache: createContentCache(),
      accessReviews: createAccessReviews({ ttlMs: 60_000 }),
    };
    const key = imageKey(east, python);
    const first = newRequest(shared);
    clusters.resetCounts();
    expect((await first.loaders.imageStreamImage.load(key)).cachedAt).toBeUndefined();
    expect(clusters.sim('east').count('imagestreamimages')).toBe(1);

    const second = newRequest(shared);
    const cached = await second.loaders.imageStreamImage.load(key);
    expect(cached.cachedAt).toEqual(expect.any(Number));
    expect(cached.wire.image.metadata.name).toBe(python);
    // The proof: the stream and one access review, no image GET.
    expect(clusters.sim('east').count('imagestreamimages')).toBe(1);
    expect(clusters.sim('east').count('imagestreams')).toBe(1);
    expect(clusters.sim('east').count('selfsubjectaccessreviews')).toBe(1);

    const fresh = await second.loaders.freshImageStreamImage.load(key);
    expect(fresh.cachedAt).toBeUndefined();
    expect(clusters.sim('east').count('imagestreamimages')).toBe(2);
    expect(second.batches).toEqual([
      ['imageStreamImage', 1],
      ['imageStream', 1],
      ['freshImageStreamImage', 1],
    ]);
  });
});
