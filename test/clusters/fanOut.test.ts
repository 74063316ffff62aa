import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createClusterRegistry,
  type ClusterRegistry,
} from '../../src/clusters/createClusterRegistry.js';
import { DEFAULT_FAN_OUT, fanOut } from '../../src/clusters/fanOut.js';
import { GatewayError } from '../../src/errors.js';
import type { CallOptions, ImageApiClient } from '../../src/upstream/createImageApiClient.js';
import {
  startSimulatedClusters,
  type SimulatedClusters,
} from '../helpers/startSimulatedClusters.js';

/** Real clients that are never called: the operation decides what each cluster does. */
let offline: ClusterRegistry;
let clusters: SimulatedClusters;
beforeAll(async () => {
  offline = createClusterRegistry(
    ['a', 'b', 'c', 'd', 'e'].map((name) => ({
      name,
      server: 'http://127.0.0.1:9',
      insecureSkipTlsVerify: false,
    })),
  );
  clusters = await startSimulatedClusters([{ name: 'east' }, { name: 'west' }]);
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  offline.close();
  await clusters.close();
});

/** A promise and the functions that settle it. */
function deferred<T>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
} {
  let resolve: (v: T) => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const summary = (outcome: {
  cluster: string;
  ok: boolean;
  value?: unknown;
  error?: GatewayError;
}) =>
  outcome.ok
    ? `${outcome.cluster}: ${String(outcome.value)}`
    : `${outcome.cluster}: ${outcome.error?.code}`;

describe('fanOut', () => {
  it('keeps the order of the clusters, whatever order they finish in', async () => {
    const gates = offline.clients.map(() => deferred<string>());
    const running = fanOut(
      offline.clients,
      (client, _call, i) =>
        (gates[i] as ReturnType<typeof deferred<string>>).promise.then(
          (v) => `${client.cluster.name}${v}`,
        ),
      {},
    );
    [4, 2, 0, 3, 1].forEach((i) => gates[i]?.resolve(String(i)));
    const outcomes = await running;
    expect(outcomes.map(summary)).toEqual(['a: a0', 'b: b1', 'c: c2', 'd: d3', 'e: e4']);
    expect(outcomes.every((o) => typeof o.ms === 'number' && o.ms >= 0)).toBe(true);
  });

  it('works on at most `concurrency` clusters at once', async () => {
    let active = 0;
    let most = 0;
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const running = fanOut(
      offline.clients,
      (client) => {
        active += 1;
        most = Math.max(most, active);
        started.push(client.cluster.name);
        return new Promise<string>((resolve) =>
          gates.set(client.cluster.name, () => {
            active -= 1;
            resolve(client.cluster.name);
          }),
        );
      },
      {},
      { ...DEFAULT_FAN_OUT, concurrency: 2 },
    );
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    for (const name of ['b', 'a', 'c', 'd', 'e']) {
      await vi.waitFor(() => expect(gates.has(name)).toBe(true));
      gates.get(name)?.();
    }
    expect((await running).map(summary)).toEqual(['a: a', 'b: b', 'c: c', 'd: d', 'e: e']);
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(most).toBe(2);
  });

  it('turns whatever one cluster throws into a GatewayError for that cluster only', async () => {
    const problem = new TypeError('a bug');
    const outcomes = await fanOut(
      offline.clients.slice(0, 4),
      async (client) => {
        switch (client.cluster.name) {
          case 'a':
            throw problem;
          case 'b':
            throw 'a string';
          case 'c':
            throw new GatewayError('NOT_FOUND', 'kept as it is', { cluster: 'c' });
          default:
            return 'fine';
        }
      },
      {},
    );
    expect(outcomes.map(summary)).toEqual([
      'a: INTERNAL_SERVER_ERROR',
      'b: INTERNAL_SERVER_ERROR',
      'c: NOT_FOUND',
      'd: fine',
    ]);
    const [a, b, c] = outcomes;
    expect(a).toMatchObject({
      ok: false,
      error: { message: 'cluster "a": the operation failed', cluster: 'a' },
    });
    expect(a?.ok === false && (a.error as GatewayError & { cause: unknown }).cause).toBe(problem);
    expect(b?.ok === false && (b.error as GatewayError & { cause: unknown }).cause).toBe(
      'a string',
    );
    expect(c).toMatchObject({ ok: false, error: { message: 'kept as it is' } });
  });

  it('settles a cluster that hangs upstream as UPSTREAM_TIMEOUT, the others as they answer', async () => {
    clusters.sim('east').addFault({ resource: 'imagestreams', fault: { kind: 'hang' } });
    const outcomes = await fanOut(
      clusters.registry.clients,
      async (client, call) => {
        // Only the hanging cluster goes upstream, so the other's outcome cannot depend on timing.
        if (client.cluster.name === 'west') return 'answered';
        return (await client.getImageStream('openshift', 'python', call)).metadata.name;
      },
      {},
      { ...DEFAULT_FAN_OUT, clusterDeadlineMs: 300 },
    );
    expect(outcomes.map(summary)).toEqual(['east: UPSTREAM_TIMEOUT', 'west: answered']);
    expect(outcomes[0]).toMatchObject({ ok: false, error: { cluster: 'east' } });
    expect(clusters.sim('east').count('imagestreams')).toBe(1);
  });

  it('holds the deadline even when the operation ignores its signal', async () => {
    vi.useFakeTimers();
    const running = fanOut(
      offline.clients.slice(0, 2),
      (client) =>
        client.cluster.name === 'a' ? new Promise<string>(() => undefined) : Promise.resolve('b'),
      {},
      { ...DEFAULT_FAN_OUT, clusterDeadlineMs: 1_000 },
    );
    await vi.advanceTimersByTimeAsync(999);
    let settled = false;
    void running.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const outcomes = await running;
    expect(outcomes.map(summary)).toEqual(['a: UPSTREAM_TIMEOUT', 'b: b']);
    expect(outcomes[0]).toMatchObject({
      error: { message: 'cluster "a": no answer within 1000 ms' },
    });
  });

  it('gives each cluster the earlier of its own deadline and the request’s, and the request’s signal', async () => {
    const request = new AbortController();
    const base: CallOptions = {
      signal: request.signal,
      deadlineAt: Date.now() + 500,
      requestId: 'r1',
    };
    const seen: CallOptions[] = [];
    const running = fanOut(
      offline.clients.slice(0, 1),
      (_client: ImageApiClient, call) => {
        seen.push(call);
        return new Promise<string>((_resolve, reject) =>
          call.signal?.addEventListener('abort', () =>
            reject(new GatewayError('UPSTREAM_TIMEOUT', 'aborted')),
          ),
        );
      },
      base,
      { ...DEFAULT_FAN_OUT, clusterDeadlineMs: 60_000 },
    );
    const [call] = seen;
    expect(call?.deadlineAt).toBe(base.deadlineAt);
    expect(call?.requestId).toBe('r1');
    expect(call?.signal).not.toBe(request.signal);
    expect(call?.signal?.aborted).toBe(false);
    request.abort();
    expect(call?.signal?.aborted).toBe(true);
    expect((await running).map(summary)).toEqual(['a: UPSTREAM_TIMEOUT']);
  });

  it('gives each cluster its own deadline when the request’s is later', async () => {
    const seen: CallOptions[] = [];
    // A clock that stands still: the deadline is exactly now + the cluster's budget.
    vi.useFakeTimers({ toFake: ['Date'] });
    const now = Date.parse('2026-01-01T00:00:00Z');
    vi.setSystemTime(now);
    try {
      await fanOut(
        offline.clients.slice(0, 1),
        async (_client, call) => void seen.push(call),
        { deadlineAt: now + 3_600_000 },
        { ...DEFAULT_FAN_OUT, clusterDeadlineMs: 1_000 },
      );
    } finally {
      vi.useRealTimers();
    }
    expect(seen[0]?.deadlineAt).toBe(now + 1_000);
  });

  it('answers no clusters with no outcomes', async () => {
    expect(await fanOut([], async () => 'never', {})).toEqual([]);
  });
});
