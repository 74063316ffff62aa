import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.js';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

const AMD64 = 'sha256:ca013ac5c09f9a9f6db8370c1b759a29fe997d64d6591e9a75b71748858f7da0';
const ARM64 = 'sha256:1a06d68cb9117b52965035a5b0fa4c1470ef892e6062ffedb1af1922952e0950';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    clusters: [
      { name: 'east' },
      {
        name: 'west',
        token: 'viewer',
        grants: { viewer: { user: 'viewer', namespaces: '*', layers: false } },
      },
      { name: 'hung' },
      { name: 'dead' },
      { name: 'stale', token: 'expired' },
      { name: 'deep', seedOptions: { benchStreams: 2, benchImagesPerStream: 30 } },
    ],
    upstream: { retry: { limit: 1, baseDelayMs: 10, maxDelayMs: 20 } },
    // The hung cluster costs this budget. Long enough for the healthy clusters to answer on a
    // loaded machine; far below the request deadline, which it must be shown not to wait for.
    fanOut: { clusterDeadlineMs: 3_000, concurrency: 16 },
    deadlineMs: 600_000,
  });
  stack.sims['hung']?.addFault({ fault: { kind: 'hang' }, times: Infinity });
  await stack.sims['dead']?.close();
});
afterAll(async () => {
  await stack.close();
});

const shared = (): string => historyOf(stack.sims['east']!, 'shared', 'base')[0]!;

describe('imageLocations across clusters', () => {
  it("returns every healthy cluster's locations and one error per failed cluster, within the per-cluster deadline", async () => {
    const { body } = await stack.gql(
      `{ imageLocations(digest: "${shared()}") { cluster { name } namespace stream tags manifestList } }`,
    );
    expect(body.data?.['imageLocations']).toEqual(
      ['east', 'west', 'deep'].map((name) => ({
        cluster: { name },
        namespace: 'shared',
        stream: 'base',
        tags: ['latest', 'v3'],
        manifestList: null,
      })),
    );
    const byCluster = Object.fromEntries(
      (body.errors ?? []).map((e) => [e.extensions?.['cluster'], e]),
    );
    expect(Object.keys(byCluster).sort()).toEqual(['dead', 'hung', 'stale']);
    // The hung cluster cost its own 3 s budget: the request's deadline is 600 s, past the test's
    // timeout. (Which of the two timers reports the budget's end first is a race, hence two
    // wordings.)
    expect(byCluster['hung']).toMatchObject({
      path: ['imageLocations'],
      extensions: { code: 'UPSTREAM_TIMEOUT', cluster: 'hung' },
    });
    expect(byCluster['hung']?.message).toMatch(
      /^cluster "hung": (no answer within 3000 ms|the request deadline passed)$/,
    );
    expect(byCluster['dead']?.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(byCluster['stale']?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      cluster: 'stale',
      upstream: { status: 401, reason: 'Unauthorized' },
    });
  });

  it('finds a manifest-list child where the stream imported the list, with and without the layers permission', async () => {
    const list = historyOf(stack.sims['east']!, 'openshift', 'hello-multiarch')[0];
    stack.sims['east']?.resetCounts();
    stack.sims['west']?.resetCounts();
    const { body } =
      await stack.gql(`{ imageLocations(digest: "${ARM64}", clusters: ["east", "west"], namespaces: ["openshift"]) {
      cluster { name } namespace stream tags manifestList imageStreamImage { image { dockerImageMetadata { architecture } } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data?.['imageLocations']).toEqual(
      ['east', 'west'].map((name) => ({
        cluster: { name },
        namespace: 'openshift',
        stream: 'hello-multiarch',
        tags: ['latest'],
        manifestList: list,
        imageStreamImage: { image: { dockerImageMetadata: { architecture: 'arm64' } } },
      })),
    );
    // east read the layers subresource; west was refused it and read the list image instead.
    expect(stack.sims['east']?.count('imagestreams/layers')).toBe(1);
    expect(stack.sims['west']?.count('imagestreams/layers')).toBe(1);
    expect(stack.sims['west']?.count('imagestreamimages')).toBe(2);
  });

  it('bounds the namespaces it scans', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `ns-${i}`);
    const { body } = await stack.gql(
      `query($ns: [String!]) { imageLocations(digest: "${shared()}", namespaces: $ns) { stream } }`,
      { ns: many },
    );
    expect(body.errors?.[0]?.message).toBe(
      'Argument "namespaces" takes at most 100 items; got 101.',
    );
    const pairs = await stack.gql(
      `query($ns: [String!]) { imageLocations(digest: "${shared()}", namespaces: $ns) { stream } }`,
      { ns: many.slice(0, 90) },
    );
    expect(pairs.body.errors?.[0]?.message).toMatch(
      /at most 500 cluster x namespace pairs; 6 clusters x 90 namespaces is 540/,
    );
  });
});

describe('clusters in the schema', () => {
  it("reports each cluster's status from a cheap probe", async () => {
    const { body } = await stack.gql(
      `{ clusters { name status { reachable lastErrorCode roundTripMs version checkedAt } } }`,
    );
    const status = Object.fromEntries(
      (body.data?.['clusters'] as any[]).map((c) => [c.name, c.status]),
    );
    expect(status['east']).toMatchObject({
      reachable: true,
      lastErrorCode: null,
      version: 'v1.29.0+simulated',
    });
    expect(typeof status['east'].roundTripMs).toBe('number');
    expect(status['dead']).toMatchObject({
      reachable: false,
      lastErrorCode: 'UPSTREAM_UNAVAILABLE',
      roundTripMs: null,
      version: null,
    });
    expect(Date.parse(status['east'].checkedAt)).not.toBeNaN();
  });

  it('caches the probe for a short time instead of probing per field', async () => {
    stack.sims['east']?.resetCounts();
    await stack.gql(
      `{ a: cluster(name: "east") { status { reachable } } b: cluster(name: "east") { status { reachable } } }`,
    );
    await stack.gql(`{ cluster(name: "east") { status { reachable } } }`);
    expect(stack.sims['east']?.count('version')).toBe(0);
  });

  it('keeps /readyz at 200 with an unreachable cluster and reports it, never waiting for a probe', async () => {
    type Ready = { clusters: { name: string; reachable: boolean | null }[] };
    const read = async (): Promise<Ready> => {
      const res = await fetch(stack.url.replace('/graphql', '/readyz'));
      expect(res.status).toBe(200);
      return (await res.json()) as Ready;
    };
    // Readiness answers from the last status known (null before the first probe ends) and
    // probes in the background.
    const reachable = (body: Ready, name: string) =>
      body.clusters.find((c) => c.name === name)?.reachable;
    await until(async () => {
      const body = await read();
      return reachable(body, 'dead') === false && reachable(body, 'east') === true;
    }, 'readiness reported both clusters');
  });

  it('offers per-cluster entry points', async () => {
    const digest = historyOf(stack.sims['west']!, 'apps', 'frontend')[0];
    const { body } = await stack.gql(`{ cluster(name: "west") {
      imageStream(namespace: "apps", name: "frontend") { name cluster { name } }
      imageStreamImage(namespace: "apps", name: "frontend@${digest}") { digest cluster { name } }
      imageStreamTag(namespace: "apps", name: "frontend:latest") { image { name } }
      imageStreams(namespace: "apps", first: 2) { edges { node { name } } pageInfo { hasNextPage } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data?.['cluster']).toEqual({
      imageStream: { name: 'frontend', cluster: { name: 'west' } },
      imageStreamImage: { digest, cluster: { name: 'west' } },
      imageStreamTag: { image: { name: digest } },
      imageStreams: {
        edges: [{ node: { name: 'backend' } }, { node: { name: 'frontend' } }],
        pageInfo: { hasNextPage: true },
      },
    });
  });

  it('pages imageStreams(first: 2) over every stream exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const { body } = (await stack.gql(
        `query($after: String) { cluster(name: "east") { imageStreams(namespace: "bench", first: 2, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } } } }`,
        { after },
      )) as any;
      const conn = body.data.cluster.imageStreams;
      seen.push(...conn.edges.map((e: any) => e.node.name));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    const all = [...(stack.sims['east']?.data.streams.get('bench')?.keys() ?? [])].sort();
    expect(seen).toEqual(all);
    expect(all.length).toBe(10);
  });

  it('resolves a 30-event tag history in one wave', async () => {
    const deep = stack.sims['deep']!;
    stack.resetCounts();
    const { body } = await stack.gql(
      `{ imageStream(cluster: "deep", namespace: "bench", name: "stream-000") { tags { name history { imageStreamImage { image { name } } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    const latest = (body.data?.['imageStream'] as any).tags.find((t: any) => t.name === 'latest');
    expect(latest.history).toHaveLength(30);
    expect(deep.count('imagestreamimages')).toBe(30);
    expect(deep.count('imagestreams')).toBe(1);
    // One batch of all 30: sequential loads would show as 30 batches of one.
    expect(stack.loaderBatches('imageStream')).toEqual([1]);
    expect(stack.loaderBatches('imageStreamImage')).toEqual([30]);
  });
});

describe('Image.platform', () => {
  it('picks a manifest-list child, the image itself for a matching single image, and null otherwise', async () => {
    const list = historyOf(stack.sims['east']!, 'openshift', 'hello-multiarch')[0];
    const { body } = await stack.gql(`{
      list: imageStreamImage(cluster: "east", namespace: "openshift", name: "hello-multiarch@${list}") { image {
        arm: platform(architecture: "arm64") { name }
        armV8: platform(architecture: "arm64", variant: "v8") { name }
        amd: platform(os: "linux", architecture: "amd64") { name }
        s390x: platform(architecture: "s390x") { name }
        windows: platform(os: "windows", architecture: "amd64") { name } } }
      single: imageStreamImage(cluster: "east", namespace: "openshift", name: "hello-multiarch@${AMD64}") { image {
        same: platform(architecture: "amd64") { name }
        other: platform(architecture: "arm64") { name } } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      list: {
        image: {
          arm: { name: ARM64 },
          armV8: { name: ARM64 },
          amd: { name: AMD64 },
          s390x: null,
          windows: null,
        },
      },
      single: { image: { same: { name: AMD64 }, other: null } },
    });
  });
});
