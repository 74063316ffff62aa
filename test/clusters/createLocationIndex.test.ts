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
import { createLogger } from '../../src/logger.js';

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
    // Open on both sides: the server streams before the client has read the head.
    await until(() => sim.watches.open === 1 && idx.status().watches === 1, 'the watch is open');
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

  it('reports what changed while its version was too old as changes of the relist, nothing else', async () => {
    const idx = await start();
    const changes: IndexChange[] = [];
    idx.onChange((c) => changes.push(c));
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open');
    sim.watches.drop();
    // While no watch is open: a tag moved, a stream added, one deleted; then the history goes.
    const moved = sim.changes.moveTag('bench', 'stream-003', 'latest');
    const base = sim.data.streams.get('bench')?.get('stream-000');
    if (!base) throw new Error('seed');
    sim.changes.putImageStream({ ...base, metadata: { ...base.metadata, name: 'while-away' } });
    sim.changes.deleteImageStream('bench', 'stream-002');
    sim.watches.compact();
    await until(() => idx.status().lists === 2 && idx.synced, 'a second list');
    expect(changes.map((c) => [c.type, c.name]).sort()).toEqual([
      ['ADDED', 'while-away'],
      ['DELETED', 'stream-002'],
      ['MODIFIED', 'stream-003'],
    ]);
    const modified = changes.find((c) => c.type === 'MODIFIED');
    expect(modified?.before?.tags.get('latest')?.[0]).not.toBe(moved);
    expect(modified?.after?.tags.get('latest')?.[0]).toBe(moved);
    expect(modified?.object.metadata.name).toBe('stream-003');
    expect(changes.find((c) => c.type === 'DELETED')?.after).toBeUndefined();
    // The first list reported nothing (a sync is not a change), and streams that did not change
    // in between are not reported by the relist either.
    expect(changes).toHaveLength(3);
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

  it('stops promptly with a watch open and closes it', async () => {
    const idx = await start();
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open');
    await idx.stop();
    expect(idx.status().state).toBe('stopped');
    await until(() => sim.watches.open === 0, 'the watch is closed');
  });

  it('backs off a watch that answers 200 and ends at once, and leaves synced after a few', async () => {
    const idx = await start();
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open');
    sim.addFault({
      resource: 'imagestreams?watch',
      fault: { kind: 'plain-text', status: 200, body: '' },
      times: Infinity,
    });
    sim.watches.drop();
    await until(() => delays.length >= 6, 'six backoffs');
    // Each short watch is a failure: the waits double, no watch is resumed at once.
    expect(delays.slice(0, 6)).toEqual([375, 750, 1500, 3000, 6000, 12_000]);
    expect(sim.count('imagestreams?watch')).toBeLessThanOrEqual(delays.length + 1);
    // Stale, not current: imageLocations lists meanwhile.
    expect(idx.synced).toBe(false);
    expect(idx.status().state).toBe('resyncing');
    sim.clearFaults();
    const moved = sim.changes.moveTag('bench', 'stream-000', 'back');
    // Only an event proves delivery again (the move, or a bookmark if the move came in a list).
    await until(() => {
      sim.watches.bookmark();
      return idx.lookup(moved).direct.length === 1 && idx.synced;
    }, 'an event: synced');
  });

  it('lists again at once after one 410, backs off after consecutive ones and logs them as debug', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (l) => lines.push(l) } });
    const idx = await start({ logger });
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open');
    sim.addFault({ resource: 'imagestreams', fault: { kind: 'status', status: 410 }, times: 6 });
    sim.watches.drop();
    sim.changes.moveTag('bench', 'stream-001', 'latest');
    sim.watches.compact();
    await until(() => idx.status().lists === 2 && idx.synced, 'listed once the 410s end');
    // The drop backs off; the watch's 410 lists at once; each of the six 410s of the list after
    // it backs off, doubling on from the drop.
    expect(delays).toEqual([375, 750, 1500, 3000, 6000, 12_000, 22_500]);
    const gone = lines.filter((l) => l.includes('resourceVersion too old'));
    expect(gone.filter((l) => l.includes('"level":"info"'))).toHaveLength(1);
    expect(gone.filter((l) => l.includes('"level":"debug"')).length).toBeGreaterThan(0);
  });

  it('relists from scratch when the server refuses its version (a store reset), dropping phantoms', async () => {
    const idx = await start();
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open');
    const phantom = digestOf('bench', 'stream-002', 'latest');
    sim.changes.moveTag('bench', 'stream-000', 'one');
    sim.changes.moveTag('bench', 'stream-001', 'two');
    await until(() => idx.status().resourceVersion === '5002', 'the changes arrive');
    // The store is reset: its versions start again at 5000 and it no longer holds stream-002.
    sim.data.streams.get('bench')?.delete('stream-002');
    sim.watches.restart();
    await until(() => idx.status().lists === 2 && idx.synced, 'a list from scratch');
    expect(idx.lookup(phantom).direct).toEqual([]);
    expect(idx.status().resourceVersion).toBe('5000');
    // Resuming from 5002 was refused (504 ResourceVersionTooLarge), a few times, then the list.
    expect(delays.length).toBe(3);
    expect(idx.status().lastError).toContain('Too large resource version');
  });

  it('lists again periodically, whatever the watch says', async () => {
    let clock = 1_000_000;
    const idx = await start({ now: () => clock, relistMs: 600_000 });
    await until(() => idx.synced && sim.watches.open === 1, 'the watch is open');
    // A change the watch never tells (the store changed behind it).
    sim.data.streams.get('bench')?.delete('stream-003');
    clock += 660_001;
    // The relist happens when the current watch ends (its timeout, or a drop).
    sim.watches.drop();
    await until(() => idx.status().lists === 2, 'the periodic list');
    expect(idx.lookup(digestOf('bench', 'stream-001', 'latest')).direct).toHaveLength(1);
    expect(idx.size.streams).toBe(streamCount());
  });

  it('drops everything past its bound on tag history entries, says so, and recovers when it fits', async () => {
    const sizes: number[] = [];
    const idx = await start({
      maxEntries: 30,
      onSize: (_c, streams) => sizes.push(streams),
    });
    await until(() => idx.status().state === 'overflow', 'the index overflows');
    expect(idx.synced).toBe(false);
    expect(idx.size).toEqual({ streams: 0, entries: 0 });
    expect(idx.status().lastError).toContain('more than 30 tag history entries');
    expect(sizes.at(-1)).toBe(0);
    // Retried after a long wait (5 minutes, jittered), not in a loop.
    await until(() => delays.length >= 2, 'retries');
    expect(delays.slice(0, 2)).toEqual([300_000, 300_000]);
    // Streams go away: the next full list fits.
    for (const name of [...(sim.data.streams.get('bench')?.keys() ?? [])])
      sim.changes.deleteImageStream('bench', name);
    for (const ns of [...sim.data.streams.keys()].filter((n) => n !== 'apps' && n !== 'bench'))
      for (const name of [...(sim.data.streams.get(ns)?.keys() ?? [])])
        sim.changes.deleteImageStream(ns, name);
    await until(() => idx.synced, 'the index recovers');
    expect(idx.size.streams).toBe(streamCount());
  });
});
