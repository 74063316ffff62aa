import { afterEach, describe, expect, it } from 'vitest';
import { createLocationIndex, type LocationIndex } from '../../src/clusters/createLocationIndex.js';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { createEventHub, type EventHub } from '../../src/subscriptions/createEventHub.js';
import {
  createImageApiClient,
  type ImageApiClient,
} from '../../src/upstream/createImageApiClient.js';
import { until } from '../helpers/until.js';

let sim: Simulator;
let client: ImageApiClient;
let index: LocationIndex;
let hub: EventHub;

async function start(maxQueue: number): Promise<void> {
  sim = await createSimulator({ name: 'sim', seedOptions: { benchStreams: 3 } });
  client = createImageApiClient({
    name: 'sim',
    server: sim.url,
    insecureSkipTlsVerify: false,
    token: () => 'demo-token-sim',
  });
  index = createLocationIndex(client);
  hub = createEventHub(new Map([['sim', index]]), { maxQueue });
  index.start();
  await until(() => index.synced && sim.watches.open === 1, 'the index watches');
}

afterEach(async () => {
  hub.close();
  await index.stop();
  client.close();
  await sim.close();
});

describe('createEventHub', () => {
  it('ends a subscriber that falls behind with SUBSCRIBER_TOO_SLOW and keeps serving the others', async () => {
    await start(2);
    const slow = hub.subscribe({ clusters: ['sim'] });
    const keeping = hub.subscribe({ clusters: ['sim'] });
    const seen: string[] = [];
    void (async () => {
      for await (const event of keeping.events) seen.push(event.stream);
    })();
    for (const stream of ['stream-000', 'stream-001', 'stream-002'])
      sim.changes.moveTag('bench', stream, 'latest');
    await until(() => seen.length === 3, 'the reader that keeps up has all three');
    // The slow one kept what fitted, then was ended: its two events, then the reason.
    expect(slow.events.ended).toBe(true);
    const kept: string[] = [];
    for await (const event of slow.events) kept.push(event.stream);
    expect(kept).toEqual(['stream-000', 'stream-001']);
    expect(slow.failure()?.extensions['reason']).toBe('SUBSCRIBER_TOO_SLOW');
    expect(keeping.failure()).toBeUndefined();
    await until(() => hub.subscribers === 1, 'the slow one is gone from the hub');
  });

  it('skips a change that moved no tag and no import state', async () => {
    await start(10);
    const sub = hub.subscribe({ clusters: ['sim'] });
    const base = sim.data.streams.get('bench')?.get('stream-000');
    if (!base) throw new Error('seed');
    // Labels only: the index applies it, no subscriber is told.
    sim.changes.putImageStream({
      ...base,
      metadata: { ...base.metadata, labels: { team: 'a' } },
    });
    sim.changes.moveTag('bench', 'stream-001', 'latest');
    const first = await sub.events.next();
    expect(first.value?.stream).toBe('stream-001');
    expect(sub.events.size).toBe(0);
  });

  it('close() ends every subscription after what is queued, and any made afterwards at once', async () => {
    await start(10);
    const sub = hub.subscribe({ clusters: ['sim'] });
    sim.changes.moveTag('bench', 'stream-000', 'latest');
    await until(() => sub.events.size === 1, 'one event queued');
    hub.close();
    expect((await sub.events.next()).value?.stream).toBe('stream-000');
    expect((await sub.events.next()).done).toBe(true);
    const late = hub.subscribe({ clusters: ['sim'] });
    expect((await late.events.next()).done).toBe(true);
    expect(hub.subscribers).toBe(0);
  });
});
