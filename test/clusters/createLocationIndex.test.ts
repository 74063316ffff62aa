import { afterEach, describe, expect, it } from 'vitest';
import {
  createLocationIndex,
  type IndexChange,
  type LocationIndex,
  type LocationIndexOptions,
} from '../../src/clusters/createLocationIndex.js';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import {
  createImageApiClient,
  type ImageApiClient,
} from '../../src/upstream/createImageApiClient.js';
import { until } from '../helpers/until.js';

const TOKEN = 'demo-token-sim';
let sim: Simulator;
let client: ImageApiClient;
let index: LocationIndex | undefined;
const delays: number[] = [];

async function start(
  options: LocationIndexOptions = {},
  token = TOKEN,
  grants?: Parameters<typeof createSimulator>[0]['tokens'],
): Promise<LocationIndex> {
  sim = await createSimulator({
    name: 'sim',
    seedOptions: { benchStreams: 4, benchImagesPerStream: 3 },
    ...(grants ? { tokens: grants } : {}),
  });
  client = createImageApiClient({
    name: 'sim',
    server: sim.url,
    insecureSkipTlsVerify: false,
    token: () => token,
  });
  delays.length = 0;
  index = createLocationIndex(client, {
    pageSize: 5,
    // Backoff waits are recorded, never waited (the policy itself: watchBackoffMs.test.ts).
    delay: async (ms) => {
      delays.push(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
    random: () => 0.5,
    ...options,
  });
  index.start();
  return index;
}

afterEach(async () => {
  await index?.stop();
  index = undefined;
  client.close();
  await sim.close();
});

const streamCount = (): number =>
  [...sim.data.streams.values()].reduce((n, streams) => n + streams.size, 0);
const digestOf = (namespace: string, stream: string, tag: string): string =>
  sim.data.streams
    .get(namespace)
    ?.get(stream)
    ?.status?.tags?.find((t) => t.tag === tag)?.items?.[0]?.image ?? '';

describe('the location index of one cluster', () => {
  it('syncs with a paged list, then holds each stream of the cluster and nothing else', async () => {
    const idx = await start();
    await until(() => idx.synced, 'the index is synced');
    expect(idx.size.streams).toBe(streamCount());
    // pageSize 5: the list took several pages; one watch is open.
    expect(sim.count('imagestreams')).toBe(Math.ceil(streamCount() / 5));
    await until(() => sim.watches.open === 1, 'the watch is open');
    const digest = digestOf('bench', 'stream-001', 'latest');
    const found = idx.lookup(digest).direct.map((s) => `${s.namespace}/${s.name}`);
    expect(found).toEqual(['bench/stream-001']);
    expect(idx.status()).toMatchObject({ state: 'synced', lists: 1, watches: 1 });
    expect(idx.status().resourceVersion).toBe('5000');
    expect(idx.lookup(`sha256:${'0'.repeat(64)}`).direct).toEqual([]);
  });

  it('applies an event of each type and reports each change with the stream before and after', async () => {
    const idx = await start();
    const changes: IndexChange[] = [];
    idx.onChange((c) => changes.push(c));
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open');
    const base = sim.data.streams.get('bench')?.get('stream-000');
    if (!base) throw new Error('seed');
    sim.changes.putImageStream({ ...base, metadata: { ...base.metadata, name: 'added' } });
    const moved = sim.changes.moveTag('bench', 'stream-001', 'latest');
    sim.changes.deleteImageStream('bench', 'stream-002');
    await until(() => changes.length === 3, 'three changes arrive');
    expect(changes.map((c) => [c.type, c.name])).toEqual([
      ['ADDED', 'added'],
      ['MODIFIED', 'stream-001'],
      ['DELETED', 'stream-002'],
    ]);
    expect(changes[0]?.before).toBeUndefined();
    expect(changes[1]?.before?.tags.get('latest')?.[0]).not.toBe(moved);
    expect(changes[1]?.after?.tags.get('latest')?.[0]).toBe(moved);
    expect(changes[2]?.after).toBeUndefined();
    expect(idx.lookup(moved).direct.map((s) => s.name)).toEqual(['stream-001']);
    expect(idx.size.streams).toBe(streamCount());
    expect(idx.status().resourceVersion).toBe('5003');
  });

  it('resumes a dropped watch from the last version: changes made while it was down arrive, none twice', async () => {
    const idx = await start();
    const changes: IndexChange[] = [];
    idx.onChange((c) => changes.push(c));
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open');
    sim.changes.moveTag('bench', 'stream-000', 'one');
    await until(() => changes.length === 1, 'the first change');
    sim.watches.drop();
    // Changed while no watch is open (or while the next one connects).
    const two = sim.changes.moveTag('bench', 'stream-001', 'two');
    const three = sim.changes.moveTag('bench', 'stream-002', 'three');
    await until(() => changes.length === 3, 'the changes made during the drop');
    expect(changes.map((c) => c.name)).toEqual(['stream-000', 'stream-001', 'stream-002']);
    expect(idx.lookup(two).direct).toHaveLength(1);
    expect(idx.lookup(three).direct).toHaveLength(1);
    // Resumed, not relisted.
    expect(idx.status().lists).toBe(1);
    expect(sim.requests.filter((r) => r.resource === 'imagestreams?watch').at(-1)?.path).toBe(
      '/apis/image.openshift.io/v1/imagestreams',
    );
  });

  it('lists again when the version is too old (410 Gone) and then holds the current state', async () => {
    const idx = await start();
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open');
    sim.watches.drop();
    const moved = sim.changes.moveTag('bench', 'stream-003', 'latest');
    sim.watches.compact();
    await until(() => idx.status().lists === 2 && idx.synced, 'a second list');
    expect(idx.lookup(moved).direct.map((s) => s.name)).toEqual(['stream-003']);
    // The drop is one failure (one backoff); the 410 that follows is not: the list is at once.
    expect(delays).toEqual([375]);
  });

  it('survives a cluster that fails and comes back: backs off, is not synced meanwhile, resyncs', async () => {
    const idx = await start();
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open');
    sim.addFault({ resource: 'imagestreams?watch', fault: { kind: 'unavailable' }, times: 3 });
    sim.watches.drop();
    await until(() => delays.length >= 4, 'the drop and three failures back off');
    // Doubling, with the jitter at its middle (random 0.5).
    expect(delays).toEqual([375, 750, 1500, 3000]);
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open again');
    const moved = sim.changes.moveTag('bench', 'stream-000', 'back');
    await until(() => idx.lookup(moved).direct.length === 1, 'the change after recovery');
    expect(idx.status().lastError).toContain('cluster "sim"');
  });

  it('takes a malformed or truncated watch body for a failure and resumes without losing a change', async () => {
    const idx = await start();
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open');
    sim.addFault({ resource: 'imagestreams?watch', fault: { kind: 'invalid-json' } });
    sim.addFault({ resource: 'imagestreams?watch', fault: { kind: 'truncate' } });
    sim.watches.drop();
    const moved = sim.changes.moveTag('bench', 'stream-000', 'later');
    await until(() => idx.lookup(moved).direct.length === 1, 'the change is applied');
    expect(delays.length).toBeGreaterThanOrEqual(2);
    expect(idx.status().lastError).toContain('malformed');
  });

  it('is forbidden, never synced, when the gateway may not list cluster-wide', async () => {
    const idx = await start({}, 'ns-only', {
      'ns-only': { user: 'ns-reader', namespaces: ['apps'] },
    });
    await until(() => idx.status().state === 'forbidden', 'the index is forbidden');
    expect(idx.synced).toBe(false);
    // The longest backoff (jittered): the permission may be granted later, not in a second.
    expect(delays[0]).toBe(22_500);
    expect(idx.status().lastError).toContain('cannot list resource "imagestreams"');
  });

  it('drops everything past its bound on tag history entries, and says so', async () => {
    const sizes: number[] = [];
    const idx = await start({ maxEntries: 10, onSize: (_c, streams) => sizes.push(streams) });
    await until(() => idx.status().state === 'overflow', 'the index overflows');
    expect(idx.synced).toBe(false);
    expect(idx.size).toEqual({ streams: 0, entries: 0 });
    expect(idx.status().lastError).toContain('more than 10 tag history entries');
    expect(sizes.at(-1)).toBe(0);
    // No retry loop: nothing more is asked of the cluster.
    const asked = sim.count('imagestreams');
    await index?.stop();
    expect(sim.count('imagestreams')).toBe(asked);
  });

  it('stops promptly with a watch open and closes it', async () => {
    const idx = await start();
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open');
    await idx.stop();
    expect(idx.status().state).toBe('stopped');
    await until(() => sim.watches.open === 0, 'the watch is closed');
  });
});
