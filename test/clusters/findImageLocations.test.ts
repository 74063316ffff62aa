import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  findImageLocations,
  LOCATION_NAMESPACE_CONCURRENCY,
  LOCATION_PAGE_SIZE,
  tagsContaining,
  type FoundLocation,
} from '../../src/clusters/findImageLocations.js';
import type { ImageApiClient } from '../../src/upstream/createImageApiClient.js';
import type { ImageStream } from '../../src/upstream/types.js';
import {
  startSimulatedClusters,
  tagHistory,
  type SimulatedClusters,
} from '../helpers/startSimulatedClusters.js';
import { until } from '../helpers/until.js';

let clusters: SimulatedClusters;

let python: string;
let list: string;
let amd64: string;

/** The locations of an answer that refused no namespace. */
async function locations(
  ...args: Parameters<typeof findImageLocations>
): Promise<readonly FoundLocation[]> {
  const answer = await findImageLocations(...args);
  expect(answer.refused).toEqual([]);
  return answer.locations;
}

beforeAll(async () => {
  clusters = await startSimulatedClusters([
    // 450 one-image streams in `bench`: three pages of LOCATION_PAGE_SIZE.
    { name: 'east', seedOptions: { benchStreams: 450, benchImagesPerStream: 1 } },
    // A view-like role: no imagestreams/layers, one namespace.
    {
      name: 'west',
      grants: {
        'demo-token-west': { user: 'viewer', namespaces: ['openshift', 'apps'], layers: false },
      },
    },
  ]);
  const sim = clusters.sim('east');
  python = tagHistory(sim, 'openshift', 'python', 'latest')[0] ?? '';
  list = tagHistory(sim, 'openshift', 'hello-multiarch', 'latest')[0] ?? '';
  amd64 =
    sim.data.images.get(list)?.dockerImageManifests?.find((m) => m.architecture === 'amd64')
      ?.digest ?? '';
});
afterEach(() => {
  clusters.sim('east').clearFaults();
});
afterAll(async () => {
  await clusters.close();
});

const client = (name: string): ImageApiClient => clusters.registry.resolve(name);
const layerReads = (): string[] =>
  clusters
    .sim('east')
    .requests.filter((r) => r.resource === 'imagestreams/layers')
    .map((r) => r.path);

describe('tagsContaining', () => {
  it('names every tag whose history holds the digest, sorted', () => {
    const stream = {
      metadata: { name: 's' },
      status: {
        tags: [
          { tag: 'z', items: [{ image: 'sha256:b', dockerImageReference: 'r' }] },
          {
            tag: 'old',
            items: [
              { image: 'sha256:x', dockerImageReference: 'r' },
              { image: 'sha256:b', dockerImageReference: 'r' },
            ],
          },
          { tag: 'empty', items: null },
          { tag: 'a', items: [{ image: 'sha256:b', dockerImageReference: 'r' }] },
        ],
      },
    } satisfies ImageStream;
    expect(tagsContaining(stream, 'sha256:b')).toEqual(['a', 'old', 'z']);
    expect(tagsContaining(stream, 'sha256:none')).toEqual([]);
    expect(tagsContaining({ metadata: {} }, 'sha256:b')).toEqual([]);
  });
});

describe('findImageLocations', () => {
  it('finds the streams that tag a digest directly', async () => {
    clusters.resetCounts();
    expect(await locations(client('east'), python, ['openshift'], {})).toEqual([
      { namespace: 'openshift', stream: 'python', tags: ['3.8', 'latest'] },
    ]);
    // A direct hit needs no more reads: the one layers read is for hello-multiarch, the
    // namespace's only stream that keeps manifest lists.
    expect(layerReads()).toEqual([
      '/apis/image.openshift.io/v1/namespaces/openshift/imagestreams/hello-multiarch/layers',
    ]);
    expect(clusters.sim('east').count('imagestreamimages')).toBe(0);
  });

  it('finds a manifest-list child through the layers subresource of the list’s stream', async () => {
    clusters.resetCounts();
    expect(await locations(client('east'), amd64, ['openshift'], {})).toEqual([
      { namespace: 'openshift', stream: 'hello-multiarch', tags: ['latest'], manifestList: list },
    ]);
    expect(clusters.sim('east').count('imagestreams/layers')).toBe(1);
    expect(clusters.sim('east').count('imagestreamimages')).toBe(0);
  });

  it('reads the candidate images instead when the layers subresource is forbidden', async () => {
    clusters.resetCounts();
    expect(await locations(client('west'), amd64, ['openshift'], {})).toEqual([
      { namespace: 'openshift', stream: 'hello-multiarch', tags: ['latest'], manifestList: list },
    ]);
    expect(clusters.sim('west').count('imagestreams/layers')).toBe(1);
    expect(clusters.sim('west').count('imagestreamimages')).toBe(1);
  });

  it('looks for list children only in tags imported with PreserveOriginal', async () => {
    clusters.resetCounts();
    const elsewhere = `sha256:${'1'.repeat(64)}`;
    expect(await locations(client('east'), elsewhere, ['openshift', 'apps'], {})).toEqual([]);
    // hello-multiarch is the only stream with such a tag: one layers read, for it.
    expect(layerReads()).toEqual([
      '/apis/image.openshift.io/v1/namespaces/openshift/imagestreams/hello-multiarch/layers',
    ]);
    expect(clusters.sim('east').count('imagestreams')).toBe(2);
  });

  it('answers each namespace once, sorted by namespace then stream, however they are named', async () => {
    const sim = clusters.sim('east');
    const base = sim.data.streams.get('openshift')?.get('python');
    if (!base) throw new Error('seed');
    // The python image tagged in a second namespace too.
    sim.changes.putImageStream({ ...base, metadata: { ...base.metadata, namespace: 'apps' } });
    try {
      const expected = [
        { namespace: 'apps', stream: 'python', tags: ['3.8', 'latest'] },
        { namespace: 'openshift', stream: 'python', tags: ['3.8', 'latest'] },
      ];
      for (const named of [
        ['openshift', 'apps'],
        ['apps', 'openshift', 'apps', 'openshift'],
      ])
        expect(await locations(client('east'), python, named, {})).toEqual(expected);
    } finally {
      sim.changes.deleteImageStream('apps', 'python');
    }
  });

  it('lets any other failure of the layers read fail the search', async () => {
    clusters
      .sim('east')
      .addFault({ resource: 'imagestreams/layers', fault: { kind: 'status', status: 500 } });
    await expect(
      findImageLocations(client('east'), amd64, ['openshift'], {}),
    ).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: { status: 500 },
    });
  });

  it('pages through a namespace with the API’s continue tokens', async () => {
    const sim = clusters.sim('east');
    const last = tagHistory(sim, 'bench', 'stream-449', 'latest')[0] ?? '';
    const first = tagHistory(sim, 'bench', 'stream-000', 'latest')[0] ?? '';
    clusters.resetCounts();
    expect(await locations(client('east'), last, ['bench'], {})).toEqual([
      { namespace: 'bench', stream: 'stream-449', tags: ['latest', 'v1'] },
    ]);
    expect(LOCATION_PAGE_SIZE).toBe(200);
    expect(sim.count('imagestreams')).toBe(3);
    clusters.resetCounts();
    expect(await locations(client('east'), first, ['bench'], {})).toEqual([
      { namespace: 'bench', stream: 'stream-000', tags: ['latest', 'v1'] },
    ]);
    // Every page is read even when the first one held the answer: a digest may be tagged anywhere.
    expect(sim.count('imagestreams')).toBe(3);
  });

  it('searches the whole cluster when no namespaces are named', async () => {
    clusters.resetCounts();
    expect(await locations(client('east'), python, undefined, {})).toEqual([
      { namespace: 'openshift', stream: 'python', tags: ['3.8', 'latest'] },
    ]);
    expect(clusters.sim('east').requests.map((r) => r.path)).toEqual([
      '/apis/image.openshift.io/v1/imagestreams',
      '/apis/image.openshift.io/v1/imagestreams',
      '/apis/image.openshift.io/v1/imagestreams',
      '/apis/image.openshift.io/v1/namespaces/openshift/imagestreams/hello-multiarch/layers',
    ]);
  });

  it('says how to search when the credentials cannot list image streams cluster-wide', async () => {
    await expect(findImageLocations(client('west'), python, undefined, {})).rejects.toMatchObject({
      code: 'FORBIDDEN',
      cluster: 'west',
      upstream: { status: 403 },
      message: expect.stringMatching(
        /^cluster "west": .+ \(the credentials cannot list image streams cluster-wide; pass the namespaces to search\)$/,
      ),
    });
  });

  it('reports a forbidden namespace as the API server words it, next to the namespaces that answer', async () => {
    const answer = await findImageLocations(client('west'), python, ['bench', 'openshift'], {});
    expect(answer.locations.map((l) => l.namespace)).toEqual(['openshift']);
    expect(answer.refused.map((r) => r.namespace)).toEqual(['bench']);
    const err = answer.refused[0]?.error;
    expect(err).toMatchObject({ code: 'FORBIDDEN', cluster: 'west', upstream: { status: 403 } });
    expect(err?.message).not.toContain('pass the namespaces');
  });

  it('leaves out a stream whose list children the caller may not read, and refuses its namespace', async () => {
    // west may list openshift and apps but read neither layers nor (here) the list's images.
    clusters.sim('west').addFault({
      resource: 'imagestreamimages',
      fault: { kind: 'status', status: 403 },
      times: Infinity,
    });
    try {
      const answer = await findImageLocations(client('west'), amd64, ['openshift', 'apps'], {});
      expect(answer.locations).toEqual([]);
      expect(answer.refused.map((r) => [r.namespace, r.error.code])).toEqual([
        ['openshift', 'FORBIDDEN'],
      ]);
    } finally {
      clusters.sim('west').clearFaults();
    }
  });
});

describe('findImageLocations over named namespaces', () => {
  it('lists them at once, at most LOCATION_NAMESPACE_CONCURRENCY, and answers in the order named', async () => {
    const sim = clusters.sim('east');
    // Every namespaced list hangs: only what was started can have arrived.
    sim.addFault({
      resource: 'imagestreams',
      pathIncludes: '/namespaces/',
      fault: { kind: 'hang' },
      times: Infinity,
    });
    sim.resetCounts();
    const controller = new AbortController();
    const namespaces = Array.from({ length: 10 }, (_, i) => `ns-${i}`);
    const pending = findImageLocations(client('east'), python, namespaces, {
      signal: controller.signal,
    });
    const settled = pending.then(
      () => 'resolved',
      () => 'rejected',
    );
    await until(
      () => sim.count('imagestreams') === LOCATION_NAMESPACE_CONCURRENCY,
      'the first namespaces are listed at once',
    );
    // One more round trip: nothing beyond the bound was on its way.
    await client('east').getVersion();
    expect(sim.count('imagestreams')).toBe(LOCATION_NAMESPACE_CONCURRENCY);
    controller.abort();
    expect(await settled).toBe('rejected');
    sim.clearFaults();
    const found = await locations(client('east'), python, ['openshift', 'apps'], {});
    const reversed = await locations(client('east'), python, ['apps', 'openshift'], {});
    expect(found.map((l) => l.namespace)).toEqual(['openshift']);
    expect(reversed).toEqual(found);
  });
});
