import { afterEach, describe, expect, it } from 'vitest';
import { REVIEW_CONCURRENCY } from '../../src/clusters/findIndexedLocations.js';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';
import { until } from '../helpers/until.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const QUERY = `query($digest: String!, $namespaces: [String!]) {
  imageLocations(digest: $digest, namespaces: $namespaces) { cluster { name } namespace stream tags manifestList }
}`;

interface Readiness {
  clusters: { name: string; index?: { state: string; streams: number; resourceVersion: string } }[];
}

async function readiness(s: Stack): Promise<Readiness> {
  return (await (await fetch(s.url.replace(/\/graphql$/, '/readyz'))).json()) as Readiness;
}

async function synced(s: Stack): Promise<void> {
  await until(
    async () => (await readiness(s)).clusters.every((c) => c.index?.state === 'synced'),
    'every cluster index is synced',
  );
  // Opened, and the watches are in place (a change after this point reaches the index).
  await until(
    () => Object.values(s.sims).every((sim) => sim.watches.open === 1),
    'one watch per cluster',
  );
}

/** Requests the clusters saw, but the reachability probe's (/readyz polls it in the background). */
const totalRequests = (s: Stack): number =>
  Object.values(s.sims).reduce((n, sim) => n + sim.count() - sim.count('version'), 0);

describe('imageLocations from the location index', () => {
  it('answers from a synced index with no upstream request, as listing would have answered', async () => {
    // The one read it may make: the first time a digest is asked for, the layers of the few
    // streams that keep manifest lists (PreserveOriginal), whose list children it then knows.
    const seed = { benchStreams: 20, benchImagesPerStream: 3 };
    const listing = await startStack({
      clusters: [
        { name: 'east', seedOptions: seed },
        { name: 'west', seedOptions: seed },
      ],
    });
    stack = await startStack({
      clusters: [
        { name: 'east', seedOptions: seed },
        { name: 'west', seedOptions: seed },
      ],
      locationIndex: { maxEntries: 100_000 },
    });
    await synced(stack);
    const digests = [
      historyOf(stack.sims['east']!, 'bench', 'stream-007')[1]!,
      historyOf(stack.sims['east']!, 'shared', 'base')[0]!,
      `sha256:${'e'.repeat(64)}`,
    ];
    stack.resetCounts();
    await stack.gql(QUERY, { digest: digests[2] });
    const layers = (name: string): number => stack!.sims[name]!.count('imagestreams/layers');
    expect(layers('east')).toBeGreaterThan(0);
    expect(totalRequests(stack)).toBe(layers('east') + layers('west'));
    for (const digest of digests) {
      stack.resetCounts();
      const indexed = await stack.gql(QUERY, { digest });
      expect(indexed.body.errors).toBeUndefined();
      expect(totalRequests(stack)).toBe(0);
      const listed = await listing.gql(QUERY, { digest });
      expect(indexed.body.data).toEqual(listed.body.data);
    }
    const ready = await readiness(stack);
    expect(ready.clusters[0]?.index).toMatchObject({ state: 'synced', resourceVersion: '5000' });
    const metrics = await stack.metrics.registry.metrics();
    expect(metrics).toMatch(/image_gateway_location_index_streams\{cluster="east"\} \d+/);
    expect(metrics).toContain(
      'image_gateway_location_index_state{cluster="east",state="synced"} 1',
    );
    expect(metrics).toContain(
      'image_gateway_location_index_state{cluster="east",state="overflow"} 0',
    );
    expect(metrics).toMatch(/image_gateway_location_index_age_seconds\{cluster="east"\} [\d.e-]+/);
    await listing.close();
  });

  it('follows a tag moved, a stream created and a stream deleted', async () => {
    stack = await startStack({
      clusters: [{ name: 'east' }],
      locationIndex: { maxEntries: 100_000 },
    });
    await synced(stack);
    const east = stack.sims['east']!;
    const moved = east.changes.moveTag('apps', 'frontend', 'canary');
    const where = async (digest: string): Promise<unknown> =>
      (await stack!.gql(QUERY, { digest })).body.data?.['imageLocations'];
    await until(async () => JSON.stringify(await where(moved)).includes('canary'), 'the moved tag');
    expect(await where(moved)).toEqual([
      {
        cluster: { name: 'east' },
        namespace: 'apps',
        stream: 'frontend',
        tags: ['canary'],
        manifestList: null,
      },
    ]);
    east.changes.deleteImageStream('apps', 'frontend');
    await until(
      async () => JSON.stringify(await where(moved)) === '[]',
      'the deleted stream is gone',
    );
    stack.resetCounts();
    expect(await where(moved)).toEqual([]);
    expect(totalRequests(stack)).toBe(0);
  });

  it('falls back to listing while a cluster is down, and answers from the index once it is back', async () => {
    stack = await startStack({
      clusters: [{ name: 'east' }],
      locationIndex: { maxEntries: 100_000 },
    });
    await synced(stack);
    const east = stack.sims['east']!;
    const digest = historyOf(east, 'apps', 'backend')[0]!;
    east.addFault({ resource: 'imagestreams?watch', fault: { kind: 'reset' }, times: Infinity });
    east.watches.drop();
    await until(
      async () => (await readiness(stack!)).clusters[0]?.index?.state === 'resyncing',
      'the index is not synced',
    );
    stack.resetCounts();
    const listed = await stack.gql(QUERY, { digest });
    expect(listed.body.data?.['imageLocations']).toMatchObject([
      { cluster: { name: 'east' }, namespace: 'apps', stream: 'backend' },
    ]);
    expect(east.count('imagestreams')).toBeGreaterThan(0);
    east.clearFaults();
    await synced(stack);
    await stack.gql(QUERY, { digest });
    stack.resetCounts();
    expect((await stack.gql(QUERY, { digest })).body.data).toEqual(listed.body.data);
    expect(totalRequests(stack)).toBe(0);
  });
});

describe('imageLocations from the index in passthrough mode', () => {
  const grants = {
    'demo-token-east': { user: 'gateway', namespaces: '*' as const },
    everything: { user: 'admin', namespaces: '*' as const },
    'apps-only': { user: 'dev', namespaces: ['apps'] },
    nothing: { user: 'nobody', namespaces: [] },
  };

  async function passthrough(): Promise<{ digest: string }> {
    stack = await startStack({
      clusters: [{ name: 'east', grants }],
      auth: 'passthrough',
      authzCacheTtlMs: 60_000,
      locationIndex: { maxEntries: 100_000 },
    });
    await synced(stack);
    // The same image tagged in two namespaces: apps/frontend:copy and its own bench stream.
    const east = stack.sims['east']!;
    const digest = historyOf(east, 'bench', 'stream-003')[0]!;
    east.changes.moveTag('apps', 'frontend', 'copy', digest);
    await until(async () => {
      const all = await stack!.gql(QUERY, { digest }, { authorization: 'Bearer everything' });
      return (all.body.data?.['imageLocations'] as unknown[] | undefined)?.length === 2;
    }, 'the index has both');
    return { digest };
  }

  it('gives a caller limited to some namespaces exactly the locations in those, without naming them', async () => {
    const { digest } = await passthrough();
    const as = (token: string, namespaces?: string[]) =>
      stack!.gql(QUERY, { digest, namespaces }, { authorization: `Bearer ${token}` });
    const all = await as('everything');
    expect(
      (all.body.data?.['imageLocations'] as { namespace: string }[]).map((l) => l.namespace),
    ).toEqual(['apps', 'bench']);
    const limited = await as('apps-only');
    expect(limited.body.errors).toBeUndefined();
    expect(limited.body.data?.['imageLocations']).toEqual([
      {
        cluster: { name: 'east' },
        namespace: 'apps',
        stream: 'frontend',
        tags: ['copy'],
        manifestList: null,
      },
    ]);
    expect((await as('nothing')).body.data?.['imageLocations']).toEqual([]);
    // Naming a namespace it may not list is refused, as the list would have been.
    const named = await as('apps-only', ['bench']);
    expect(named.body.data?.['imageLocations']).toEqual([]);
    expect(named.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      cluster: 'east',
    });
    expect(named.body.errors?.[0]?.message).toBe(
      'cluster "east": the caller may not list image streams in namespace "bench"',
    );
    // Named with one it may list: that one answers, the other is refused next to it.
    const both = await as('apps-only', ['bench', 'apps']);
    expect(both.body.data?.['imageLocations']).toEqual(limited.body.data?.['imageLocations']);
    expect(both.body.errors?.map((e) => [e.extensions?.['code'], e.message])).toEqual([
      ['FORBIDDEN', 'cluster "east": the caller may not list image streams in namespace "bench"'],
    ]);
    // The answers are remembered per identity: asked again, nothing goes upstream.
    stack!.resetCounts();
    expect((await as('apps-only')).body.data).toEqual(limited.body.data);
    expect(totalRequests(stack!)).toBe(0);
  });

  it('checks each caller with its own credentials: an unknown token is an error, never an empty answer', async () => {
    const { digest } = await passthrough();
    stack!.resetCounts();
    const unknown = await stack!.gql(QUERY, { digest }, { authorization: 'Bearer forged' });
    expect(unknown.body.data?.['imageLocations']).toEqual([]);
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      cluster: 'east',
    });
    expect(stack!.sims['east']!.count('selfsubjectaccessreviews')).toBe(1);
    // Not remembered: the next attempt asks again.
    await stack!.gql(QUERY, { digest }, { authorization: 'Bearer forged' });
    expect(stack!.sims['east']!.count('selfsubjectaccessreviews')).toBe(2);
    expect(stack!.logs.join('\n')).not.toContain('forged');
  });
});

describe('access reviews of an indexed answer', () => {
  it('asks at most REVIEW_CONCURRENCY reviews at once, however many namespaces hold the digest', async () => {
    stack = await startStack({
      clusters: [
        {
          name: 'east',
          grants: {
            'demo-token-east': { user: 'gateway', namespaces: '*' },
            // Sees apps and the 12 team namespaces, not the cluster scope.
            teams: {
              user: 'dev',
              namespaces: [
                'apps',
                ...Array.from({ length: 12 }, (_, i) => `team-${String(i).padStart(2, '0')}`),
              ],
            },
          },
        },
      ],
      auth: 'passthrough',
      authzCacheTtlMs: 600_000,
      deadlineMs: 5_000,
      locationIndex: { maxEntries: 100_000 },
    });
    await synced(stack);
    const east = stack.sims['east']!;
    const as = { authorization: 'Bearer teams' };
    const base = east.data.streams.get('apps')?.get('frontend');
    if (!base) throw new Error('seed');
    const digest = historyOf(east, 'apps', 'frontend')[0]!;
    for (let i = 0; i < 12; i++)
      east.changes.putImageStream({
        ...base,
        metadata: { ...base.metadata, namespace: `team-${String(i).padStart(2, '0')}` },
      });
    await until(
      async () =>
        (
          (await stack!.gql(QUERY, { digest }, { authorization: 'Bearer demo-token-east' })).body
            .data?.['imageLocations'] as unknown[]
        ).length === 13,
      'the index holds the copies',
    );
    // The cluster-wide review and the projects answered and remembered first ("no").
    await stack.gql(QUERY, { digest: `sha256:${'f'.repeat(64)}` }, as);
    east.addFault({
      resource: 'selfsubjectaccessreviews',
      fault: { kind: 'hang' },
      times: Infinity,
    });
    east.resetCounts();
    const answer = stack.gql(QUERY, { digest }, as);
    await until(
      () => east.count('selfsubjectaccessreviews') === REVIEW_CONCURRENCY,
      'the first reviews are asked',
    );
    await fetch(stack.url.replace(/\/graphql$/, '/healthz'));
    expect(east.count('selfsubjectaccessreviews')).toBe(REVIEW_CONCURRENCY);
    // The deadline ends the wait; the answer is an error for the cluster, never more locations.
    const { body } = await answer;
    expect(body.data?.['imageLocations']).toEqual([]);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      cluster: 'east',
    });
  });
});

describe('what an indexed answer costs a caller who may not list cluster-wide', () => {
  const TEAMS = Array.from({ length: 40 }, (_, i) => `team-${String(i).padStart(2, '0')}`);

  /** The same digest tagged in 40 namespaces besides apps; the operation budget is 10 requests. */
  async function crowded(): Promise<{ digest: string }> {
    stack = await startStack({
      clusters: [
        {
          name: 'east',
          grants: {
            'demo-token-east': { user: 'gateway', namespaces: '*' },
            nothing: { user: 'nobody', namespaces: [] },
            two: { user: 'dev', namespaces: ['team-03', 'team-07'] },
            teams: { user: 'lead', namespaces: TEAMS },
          },
        },
      ],
      auth: 'passthrough',
      authzCacheTtlMs: 600_000,
      maxUpstreamRequests: 10,
      locationIndex: { maxEntries: 100_000 },
    });
    await synced(stack);
    const east = stack.sims['east']!;
    const base = east.data.streams.get('apps')?.get('frontend');
    if (!base) throw new Error('seed');
    const digest = historyOf(east, 'apps', 'frontend')[0]!;
    for (const namespace of TEAMS)
      east.changes.putImageStream({ ...base, metadata: { ...base.metadata, namespace } });
    await until(
      async () =>
        (
          (await stack!.gql(QUERY, { digest }, { authorization: 'Bearer demo-token-east' })).body
            .data?.['imageLocations'] as unknown[]
        ).length === 41,
      'the index holds the copies',
    );
    return { digest };
  }

  const namespacesOf = (body: { data?: Record<string, unknown> | null }): string[] =>
    ((body.data?.['imageLocations'] ?? []) as { namespace: string }[]).map((l) => l.namespace);

  it('does the same work for a digest held only in hidden namespaces as for an absent one', async () => {
    const { digest } = await crowded();
    const east = stack!.sims['east']!;
    const as = { authorization: 'Bearer nothing' };
    const costOf = async (d: string): Promise<[unknown, unknown, number, number]> => {
      east.resetCounts();
      const { body } = await stack!.gql(QUERY, { digest: d }, as);
      return [
        body.data?.['imageLocations'],
        body.errors,
        east.count('selfsubjectaccessreviews'),
        east.count('projects'),
      ];
    };
    // A fresh identity each time would be fairer still; the cache is per identity, so the
    // absent digest is asked first and the held one second, both after the same warm-up.
    expect(await costOf(`sha256:${'f'.repeat(64)}`)).toEqual([[], undefined, 1, 1]);
    expect(await costOf(digest)).toEqual([[], undefined, 0, 0]);
    expect(await costOf(`sha256:${'f'.repeat(64)}`)).toEqual([[], undefined, 0, 0]);
  });

  it('reviews only the namespaces the caller can see, and answers past the operation budget', async () => {
    const { digest } = await crowded();
    const east = stack!.sims['east']!;
    east.resetCounts();
    const two = await stack!.gql(QUERY, { digest }, { authorization: 'Bearer two' });
    expect(two.body.errors).toBeUndefined();
    expect(namespacesOf(two.body)).toEqual(['team-03', 'team-07']);
    // The cluster-wide review, then one per visible namespace that holds the digest.
    expect(east.count('selfsubjectaccessreviews')).toBe(3);
    // 41 reviews and a projects list: more than the budget of 10, counted apart.
    const teams = await stack!.gql(QUERY, { digest }, { authorization: 'Bearer teams' });
    expect(teams.body.errors).toBeUndefined();
    expect(namespacesOf(teams.body)).toEqual(TEAMS);
  });
});

describe('manifest list children in an indexed answer', () => {
  it('shows a location found through a list child only to a caller that may read the list, whoever asked before', async () => {
    stack = await startStack({
      clusters: [
        {
          name: 'east',
          grants: {
            'demo-token-east': { user: 'gateway', namespaces: '*' },
            everything: { user: 'admin', namespaces: '*' },
            'list-only': {
              user: 'lister',
              namespaces: ['openshift'],
              resources: { imagestreams: ['list'] },
            },
          },
        },
      ],
      auth: 'passthrough',
      authzCacheTtlMs: 600_000,
      locationIndex: { maxEntries: 100_000 },
    });
    await synced(stack);
    const east = stack.sims['east']!;
    const list = historyOf(east, 'openshift', 'hello-multiarch')[0]!;
    const child = east.data.images.get(list)?.dockerImageManifests?.[0]?.digest;
    if (!child) throw new Error('seed');
    const as = (token: string) =>
      stack!.gql(
        QUERY,
        { digest: child, namespaces: ['openshift'] },
        { authorization: `Bearer ${token}` },
      );
    // The same answer, word for word, before and after another caller's read taught the index.
    const refused = async (): Promise<void> => {
      const { body } = await as('list-only');
      expect(body.data?.['imageLocations']).toEqual([]);
      expect(body.errors?.map((e) => [e.extensions?.['code'], e.message])).toEqual([
        [
          'FORBIDDEN',
          'cluster "east": the caller may not get imagestreamimages in namespace "openshift"',
        ],
      ]);
    };
    await refused();
    const admin = await as('everything');
    expect(admin.body.data?.['imageLocations']).toEqual([
      {
        cluster: { name: 'east' },
        namespace: 'openshift',
        stream: 'hello-multiarch',
        tags: ['latest'],
        manifestList: list,
      },
    ]);
    // The index now knows the list's children; the list-only caller still may not read them.
    await refused();
  });
});
