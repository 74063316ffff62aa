import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClusterProbe } from '../../src/clusters/createClusterProbe.js';
import { createClusterRegistry } from '../../src/clusters/createClusterRegistry.js';
import { DEFAULT_UPSTREAM_OPTIONS } from '../../src/upstream/createImageApiClient.js';
import { DEFAULT_RETRY_POLICY } from '../../src/upstream/retryDelay.js';
import { pollFor } from '../helpers/until.js';
import {
  startSimulatedClusters,
  type SimulatedClusters,
} from '../helpers/startSimulatedClusters.js';

let clusters: SimulatedClusters;
beforeAll(async () => {
  clusters = await startSimulatedClusters([{ name: 'east' }, { name: 'west' }]);
});
afterEach(() => {
  vi.useRealTimers();
  clusters.sim('east').clearFaults();
});
afterAll(async () => {
  await clusters.close();
});

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('createClusterProbe', () => {
  it('answers lastKnown at once, never waiting for a probe, and probes in the background', async () => {
    clusters.sim('east').addFault({ resource: 'version', fault: { kind: 'delay', ms: 300 } });
    const probe = createClusterProbe(clusters.registry, { timeoutMs: 20_000 });
    clusters.resetCounts();
    // Nothing known yet: undefined now, while the probe runs.
    expect(probe.lastKnown('east')).toBeUndefined();
    expect(clusters.sim('east').count('version')).toBe(0);
    // Nobody awaits a probe: lastKnown alone started one, and its answer arrives.
    const known = await pollFor(() => probe.lastKnown('east'), 'the background probe');
    expect(known).toMatchObject({ cluster: 'east', reachable: true });
    // One request: the polls above reused the probe in flight, then its answer.
    expect(clusters.sim('east').count('version')).toBe(1);
  });

  it('reports a reachable cluster with its version and round trip', async () => {
    const status = await createClusterProbe(clusters.registry, { timeoutMs: 20_000 }).status(
      'east',
    );
    expect(status).toEqual({
      cluster: 'east',
      reachable: true,
      lastErrorCode: null,
      roundTripMs: expect.any(Number),
      version: 'v1.29.0+simulated',
      checkedAt: expect.stringMatching(ISO),
    });
  });

  it('shares one probe between concurrent callers, and one per cluster', async () => {
    const probe = createClusterProbe(clusters.registry);
    clusters.resetCounts();
    const statuses = await Promise.all([
      probe.status('east'),
      probe.status('east'),
      probe.status('west'),
      probe.status('east'),
    ]);
    expect(clusters.sim('east').count('version')).toBe(1);
    expect(clusters.sim('west').count('version')).toBe(1);
    expect(statuses[1]).toBe(statuses[0]);
    expect(statuses[3]).toBe(statuses[0]);
  });

  it('probes again once the TTL has passed, not before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2024-05-01T00:00:00Z'));
    const probe = createClusterProbe(clusters.registry, { ttlMs: 10_000 });
    clusters.resetCounts();
    await probe.status('east');
    vi.setSystemTime(new Date('2024-05-01T00:00:09.999Z'));
    await probe.status('east');
    expect(clusters.sim('east').count('version')).toBe(1);
    vi.setSystemTime(new Date('2024-05-01T00:00:10Z'));
    const later = await probe.status('east');
    expect(clusters.sim('east').count('version')).toBe(2);
    expect(later.checkedAt).toBe('2024-05-01T00:00:10.000Z');
  });

  it('probes on every call with a TTL of 0', async () => {
    const probe = createClusterProbe(clusters.registry, { ttlMs: 0 });
    clusters.resetCounts();
    await probe.status('east');
    await probe.status('east');
    expect(clusters.sim('east').count('version')).toBe(2);
  });

  it('reports a cluster that answers 401 as reachable, with the error code', async () => {
    clusters.sim('east').addFault({
      resource: 'version',
      fault: { kind: 'status', status: 401, reason: 'Unauthorized' },
    });
    const status = await createClusterProbe(clusters.registry).status('east');
    expect(status).toMatchObject({
      cluster: 'east',
      reachable: true,
      lastErrorCode: 'UNAUTHENTICATED',
      roundTripMs: expect.any(Number),
      version: null,
    });
  });

  it('reports a cluster nobody answers for as unreachable, without a round trip', async () => {
    const server = `http://127.0.0.1:${await closedPort()}`;
    const registry = createClusterRegistry(
      [{ name: 'gone', server, insecureSkipTlsVerify: false }],
      {
        ...DEFAULT_UPSTREAM_OPTIONS,
        retry: { ...DEFAULT_RETRY_POLICY, limit: 0 },
      },
    );
    const status = await createClusterProbe(registry).status('gone');
    registry.close();
    expect(status).toMatchObject({
      cluster: 'gone',
      reachable: false,
      lastErrorCode: 'UPSTREAM_UNAVAILABLE',
      roundTripMs: null,
      version: null,
    });
  });

  it('gives up on a cluster that does not answer within the probe timeout', async () => {
    clusters.sim('east').addFault({ resource: 'version', fault: { kind: 'hang' } });
    const status = await createClusterProbe(clusters.registry, { timeoutMs: 200 }).status('east');
    expect(status).toMatchObject({
      reachable: false,
      lastErrorCode: 'UPSTREAM_TIMEOUT',
      roundTripMs: null,
    });
  });

  it('reports a name it does not know as unreachable, without a request', async () => {
    clusters.resetCounts();
    const status = await createClusterProbe(clusters.registry).status('nowhere');
    expect(status).toMatchObject({
      cluster: 'nowhere',
      reachable: false,
      lastErrorCode: 'BAD_USER_INPUT',
      roundTripMs: null,
    });
    expect(clusters.sim('east').count() + clusters.sim('west').count()).toBe(0);
  });

  it('sends the cluster’s token unless told not to (passthrough: the gateway has none to send)', async () => {
    const seen: (string | undefined)[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      res.end('{"gitVersion":"v1.30.1"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const registry = createClusterRegistry([
      {
        name: 'own',
        server: `http://127.0.0.1:${port}`,
        insecureSkipTlsVerify: false,
        token: () => 'own-token',
      },
    ]);
    const probe = createClusterProbe(registry, { timeoutMs: 20_000 });
    expect((await probe.status('own')).version).toBe('v1.30.1');
    await createClusterProbe(registry, { authenticated: false }).status('own');
    registry.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    expect(seen).toEqual(['Bearer own-token', undefined]);
  });
});
