import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_SUBSCRIPTION_COST,
  MAX_SUBSCRIPTION_REQUEST_BYTES,
} from '../../src/subscriptions/createStreamingOperations.js';
import { startStack, type Stack, type StackOptions } from '../helpers/startStack.js';
import {
  appsGrants,
  sseSubscribe,
  startIndexedStack,
  wsClient,
  wsSubscribe,
  type EventResult,
  type Subscribed,
} from '../helpers/subscribe.js';
import { until } from '../helpers/until.js';

let stack: Stack | undefined;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await stack?.close();
  stack = undefined;
});

const EVENTS = `subscription($clusters: [String!], $namespaces: [String!], $streams: [String!]) {
  imageStreamEvents(clusters: $clusters, namespaces: $namespaces, streams: $streams) {
    type cluster { name } namespace stream
    changedTags { tag from to importError }
    imageStream { name namespace tags { name history { digest } } }
  }
}`;

/** Both demo clusters, with a few bench streams each. */
const startIndexed = (options: StackOptions = {}): Promise<Stack> =>
  startIndexedStack({
    clusters: [
      { name: 'east', seedOptions: { benchStreams: 4, benchImagesPerStream: 2 } },
      { name: 'west', seedOptions: { benchStreams: 4, benchImagesPerStream: 2 } },
    ],
    ...options,
  });

const eventOf = (result: EventResult): Record<string, unknown> => {
  expect(result.errors).toBeUndefined();
  return result.data?.['imageStreamEvents'] as Record<string, unknown>;
};

type Transport = 'sse' | 'ws';

async function subscribe(
  s: Stack,
  transport: Transport,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<Subscribed> {
  if (transport === 'sse') {
    const sub = await sseSubscribe(
      s.url,
      EVENTS,
      variables,
      token ? { authorization: `Bearer ${token}` } : {},
    );
    cleanups.push(() => sub.close());
    return sub;
  }
  const client = wsClient(s.url, token ? { Authorization: `Bearer ${token}` } : undefined);
  cleanups.push(() => client.dispose());
  return wsSubscribe(client, EVENTS, variables);
}

/** Waits until the gateway holds `n` subscribers in its hub (the subscription is in place). */
const subscribers = (s: Stack, n: number): Promise<void> =>
  until(() => s.gateway.subscriptions.subscribers === n, `${n} subscribers in the hub`);

describe.each<Transport>(['sse', 'ws'])('imageStreamEvents over %s', (transport) => {
  it('delivers an event per change type: added, tag moved, tag removed, import failing and recovering, deleted', async () => {
    stack = await startIndexed();
    const east = stack.sims['east']!;
    const sub = await subscribe(stack, transport, { clusters: ['east'], namespaces: ['bench'] });
    await subscribers(stack, 1);
    const base = east.data.streams.get('bench')?.get('stream-000');
    if (!base) throw new Error('seed');
    east.changes.putImageStream({ ...base, metadata: { ...base.metadata, name: 'fresh' } });
    const added = eventOf(await sub.next('ADDED'));
    expect(added).toMatchObject({
      type: 'ADDED',
      cluster: { name: 'east' },
      namespace: 'bench',
      stream: 'fresh',
      imageStream: { name: 'fresh', namespace: 'bench' },
    });
    const before = (added['changedTags'] as { tag: string; from: unknown; to: string }[]).find(
      (t) => t.tag === 'latest',
    );
    expect(before).toMatchObject({ from: null, importError: null });
    expect(before?.to).toMatch(/^sha256:/);

    const moved = east.changes.moveTag('bench', 'fresh', 'latest');
    expect(eventOf(await sub.next('MODIFIED (moved)'))).toMatchObject({
      type: 'MODIFIED',
      stream: 'fresh',
      changedTags: [{ tag: 'latest', from: before?.to, to: moved, importError: null }],
    });

    east.changes.setImportError('bench', 'fresh', 'latest', 'manifest unknown');
    expect(eventOf(await sub.next('import failing'))).toMatchObject({
      changedTags: [{ tag: 'latest', from: moved, to: moved, importError: 'manifest unknown' }],
    });
    east.changes.setImportError('bench', 'fresh', 'latest', undefined);
    expect(eventOf(await sub.next('import recovering'))).toMatchObject({
      changedTags: [{ tag: 'latest', from: moved, to: moved, importError: null }],
    });

    east.changes.removeTag('bench', 'fresh', 'latest');
    expect(eventOf(await sub.next('tag removed'))).toMatchObject({
      type: 'MODIFIED',
      changedTags: [{ tag: 'latest', from: moved, to: null }],
    });

    east.changes.deleteImageStream('bench', 'fresh');
    expect(eventOf(await sub.next('DELETED'))).toMatchObject({
      type: 'DELETED',
      stream: 'fresh',
      imageStream: null,
    });
    expect(sub.results).toHaveLength(6);
    expect(sub.failure).toBeUndefined();
  });

  it('delivers only what the filter names, from every cluster when none is named', async () => {
    stack = await startIndexed();
    const all = await subscribe(stack, transport);
    const narrow = await subscribe(stack, transport, {
      namespaces: ['bench'],
      streams: ['stream-001'],
    });
    await subscribers(stack, 2);
    stack.sims['west']!.changes.moveTag('bench', 'stream-002', 'latest');
    stack.sims['east']!.changes.moveTag('shared', 'base', 'latest');
    stack.sims['east']!.changes.moveTag('bench', 'stream-001', 'latest');
    const seen = [await all.next(), await all.next(), await all.next()].map(eventOf);
    expect(
      seen.map(
        (e) =>
          `${(e['cluster'] as { name: string }).name}/${String(e['namespace'])}/${String(e['stream'])}`,
      ),
    ).toEqual(['west/bench/stream-002', 'east/shared/base', 'east/bench/stream-001']);
    expect(eventOf(await narrow.next())).toMatchObject({
      stream: 'stream-001',
      cluster: { name: 'east' },
    });
    // The narrow one got nothing else: a later change to its stream is its second event.
    stack.sims['west']!.changes.moveTag('bench', 'stream-001', 'latest');
    expect(eventOf(await narrow.next())).toMatchObject({
      stream: 'stream-001',
      cluster: { name: 'west' },
    });
    expect(narrow.results).toHaveLength(2);
  });

  it('a subscriber that disconnects leaves nothing behind, even when nothing happened meanwhile', async () => {
    stack = await startIndexed();
    const subs = await Promise.all([1, 2, 3].map(() => subscribe(stack!, transport)));
    await subscribers(stack, 3);
    expect(stack.gateway.subscriptions.active).toBe(3);
    for (const sub of subs) sub.close();
    // No event happens: the subscriptions must still end (an async generator parked on its next
    // event would keep them until one arrived).
    await subscribers(stack, 0);
    await until(() => stack!.gateway.subscriptions.active === 0, 'no subscription runs');
    const metrics = await stack.metrics.registry.metrics();
    expect(metrics).toContain(`image_gateway_subscriptions{transport="${transport}"} 0`);
  });
});

describe('imageStreamEvents, what a watch outage does', () => {
  it('a change made while the watch was too far behind (410, relist) still reaches the subscriber', async () => {
    stack = await startIndexed();
    const east = stack.sims['east']!;
    const sub = await subscribe(stack, 'sse', { clusters: ['east'] });
    await subscribers(stack, 1);
    east.watches.drop();
    const moved = east.changes.moveTag('apps', 'frontend', 'latest');
    east.watches.compact();
    expect(eventOf(await sub.next('the change, from the relist'))).toMatchObject({
      type: 'MODIFIED',
      namespace: 'apps',
      stream: 'frontend',
      changedTags: [{ tag: 'latest', to: moved }],
    });
  });

  it('a cluster down and back: the subscription stays open and the next change arrives', async () => {
    stack = await startIndexed();
    const east = stack.sims['east']!;
    const sub = await subscribe(stack, 'ws', { clusters: ['east'] });
    await subscribers(stack, 1);
    east.addFault({ resource: 'imagestreams?watch', fault: { kind: 'unavailable' }, times: 2 });
    east.watches.drop();
    const moved = east.changes.moveTag('apps', 'backend', 'latest');
    expect(eventOf(await sub.next('the change made while the cluster was down'))).toMatchObject({
      stream: 'backend',
      changedTags: [{ to: moved }],
    });
    expect(sub.failure).toBeUndefined();
    expect(sub.completed).toBe(false);
  });
});

describe('imageStreamEvents with --auth passthrough', () => {
  it.each<Transport>(['sse', 'ws'])(
    'over %s, a caller limited to a namespace gets its events and no other, checked with its own token',
    async (transport) => {
      const east = appsGrants();
      stack = await startIndexed({
        auth: 'passthrough',
        clusters: [{ name: 'east', grants: east }],
      });
      const sub = await subscribe(stack, transport, {}, 'token-apps');
      await subscribers(stack, 1);
      const sim = stack.sims['east']!;
      sim.resetCounts();
      sim.changes.moveTag('bench', 'stream-000', 'latest');
      sim.changes.moveTag('openshift', 'python', 'latest');
      const moved = sim.changes.moveTag('apps', 'frontend', 'latest');
      expect(eventOf(await sub.next())).toMatchObject({
        namespace: 'apps',
        stream: 'frontend',
        changedTags: [{ to: moved }],
      });
      // Each namespace was reviewed with the caller's token (SelfSubjectAccessReview).
      expect(sim.count('selfsubjectaccessreviews')).toBeGreaterThanOrEqual(3);
      expect(sub.results).toHaveLength(1);
    },
  );

  it('refuses a caller who names namespaces it may not watch, and one with an invalid token', async () => {
    stack = await startIndexed({
      auth: 'passthrough',
      clusters: [{ name: 'east', grants: appsGrants() }],
    });
    const refused = await subscribe(stack, 'sse', { namespaces: ['bench'] }, 'token-apps');
    const forbidden = await refused.next();
    expect(forbidden.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    await until(() => refused.completed, 'the refused subscription completes');
    const invalid = await subscribe(stack, 'ws', {}, 'no-such-token');
    const unauthenticated = await invalid.next();
    expect(unauthenticated.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    await until(() => invalid.completed, 'the unauthenticated subscription completes');
    const anonymous = await subscribe(stack, 'sse', {});
    expect((await anonymous.next()).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(stack.gateway.subscriptions.active).toBe(0);
    expect(stack.gateway.subscriptions.subscribers).toBe(0);
  });

  it('a token revoked upstream stops the events: the next one ends the subscription with UNAUTHENTICATED', async () => {
    const east = appsGrants();
    stack = await startIndexed({
      auth: 'passthrough',
      clusters: [{ name: 'east', grants: east }],
      authzCacheTtlMs: 0,
    });
    const sub = await subscribe(stack, 'sse', {}, 'token-apps');
    await subscribers(stack, 1);
    const sim = stack.sims['east']!;
    sim.changes.moveTag('apps', 'frontend', 'latest');
    await sub.next('the event before the revocation');
    delete east['token-apps'];
    sim.changes.moveTag('apps', 'backend', 'latest');
    const ended = await sub.next('the end');
    expect(ended.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(ended.data).toBeUndefined();
    await until(() => sub.completed, 'completed');
    await subscribers(stack, 0);
  });
});

describe('imageStreamEvents, limits and refusals', () => {
  it('applies the query limits to a subscription before it starts (depth, tokens, cost)', async () => {
    stack = await startIndexed({
      queryLimits: {
        maxDepth: 4,
        maxAliases: 30,
        maxTokens: 3000,
        maxDirectives: 20,
        maxCost: 5000,
        maxNodes: 50_000,
        introspection: true,
      },
    });
    const deep = `subscription { imageStreamEvents { imageStream { tags { history { image { layers { name } } } } } } }`;
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: deep }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as EventResult;
    expect(body.errors?.[0]?.message).toMatch(/depth/i);
    const client = wsClient(stack.url);
    cleanups.push(() => client.dispose());
    const refused = wsSubscribe(client, deep);
    await until(() => refused.failure !== undefined, 'the subscribe is refused');
    expect(JSON.stringify(refused.failure)).toMatch(/depth/i);
    const long = `subscription { imageStreamEvents { ${'a '.repeat(3000)} } }`;
    const tooLong = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: long }),
    });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as EventResult).errors?.[0]?.extensions?.['reason']).toBe(
      'MAX_TOKENS',
    );
    expect(stack.gateway.subscriptions.active).toBe(0);
  });

  it('checks its arguments: an unknown cluster, a bad namespace, too many names', async () => {
    stack = await startIndexed();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ clusters: ['north'] }, /north/],
      [{ namespaces: ['Not_A_Label'] }, /namespaces\[0\]/],
      [{ streams: Array.from({ length: 101 }, (_, i) => `s${i}`) }, /at most 100/],
    ];
    for (const [variables, message] of cases) {
      const sub = await subscribe(stack, 'sse', variables);
      const result = await sub.next();
      expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(message);
    }
    expect(stack.gateway.subscriptions.active).toBe(0);
  });

  it('needs a location index: with none, the subscription says so', async () => {
    stack = await startStack({ clusters: [{ name: 'east' }], logLevel: 'info' });
    const sub = await sseSubscribe(stack.url, EVENTS, {});
    cleanups.push(() => sub.close());
    const result = await sub.next();
    expect(result.errors?.[0]?.message).toMatch(/location index/);
  });

  it('a plain HTTP subscription, and a query over a streaming transport, are refused with directions', async () => {
    stack = await startIndexed();
    const plain = await stack.gql(EVENTS);
    expect(plain.status).toBe(400);
    expect(plain.body.errors?.[0]?.message).toMatch(/text\/event-stream/);
    const query = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: '{ clusters { name } }' }),
    });
    expect(query.status).toBe(400);
    expect(((await query.json()) as EventResult).errors?.[0]?.message).toMatch(/plain HTTP/);
  });
});

describe('imageStreamEvents, what a hostile subscriber can hold', () => {
  it('refuses a request larger than MAX_SUBSCRIPTION_REQUEST_BYTES and an event selection costing more than MAX_SUBSCRIPTION_COST', async () => {
    stack = await startIndexed();
    const big = { unused: 'x'.repeat(MAX_SUBSCRIPTION_REQUEST_BYTES) };
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: EVENTS, variables: big }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as EventResult).errors?.[0]?.extensions?.['reason']).toBe(
      'SUBSCRIPTION_TOO_LARGE',
    );
    const client = wsClient(stack.url);
    cleanups.push(() => client.dispose());
    const overWs = wsSubscribe(client, EVENTS, big);
    await until(() => overWs.failure !== undefined, 'refused over WebSocket too');
    expect(JSON.stringify(overWs.failure)).toContain('SUBSCRIPTION_TOO_LARGE');
    // A selection a query may make (cost 501 < --max-cost) but not every event of every subscriber.
    const browse = `subscription { imageStreamEvents { cluster { imageStreams(first: 500) { edges { node { tags { history { imageStreamImage { name } } } } } } } } }`;
    const costly = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: browse }),
    });
    expect(costly.status).toBe(400);
    const costError = ((await costly.json()) as EventResult).errors?.[0];
    expect(costError?.extensions?.['reason']).toBe('MAX_COST');
    const message = costError?.message ?? '';
    expect(message).toContain(`more than the ${MAX_SUBSCRIPTION_COST} a subscription may`);
    expect(stack.gateway.subscriptions.active).toBe(0);
  });

  it('an event whose access review cannot be made is an error naming only its cluster, and the stream goes on', async () => {
    stack = await startIndexed({
      auth: 'passthrough',
      clusters: [
        {
          name: 'east',
          grants: appsGrants(),
        },
      ],
      authzCacheTtlMs: 0,
    });
    const sub = await subscribe(stack, 'sse', {}, 'token-apps');
    await subscribers(stack, 1);
    const sim = stack.sims['east']!;
    sim.addFault({
      resource: 'selfsubjectaccessreviews',
      fault: { kind: 'unavailable' },
      times: 50,
    });
    sim.changes.moveTag('bench', 'stream-000', 'latest');
    const withheld = await sub.next('the withheld event');
    expect(withheld.data).toBeNull();
    expect(withheld.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      reason: 'EVENT_WITHHELD',
      cluster: 'east',
    });
    // Nothing about where: not the namespace, not the stream.
    expect(JSON.stringify(withheld)).not.toMatch(/bench|stream-000/);
    sim.clearFaults();
    const moved = sim.changes.moveTag('apps', 'frontend', 'latest');
    expect(eventOf(await sub.next('the next event'))).toMatchObject({
      stream: 'frontend',
      changedTags: [{ to: moved }],
    });
  });
});
