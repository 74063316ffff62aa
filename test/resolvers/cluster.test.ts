import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, ClusterStatus } from '../../src/resolvers/cluster.js';
import type { ClusterModel, ClusterStatusModel } from '../../src/resolvers/models.js';
import { callResolver } from '../helpers/callResolver.js';
import { createTestContext } from '../helpers/createTestContext.js';
import {
  startSimulatedClusters,
  tagHistory,
  type SimulatedClusters,
} from '../helpers/startSimulatedClusters.js';

let clusters: SimulatedClusters;
let east: ClusterModel;
beforeAll(async () => {
  clusters = await startSimulatedClusters([{ name: 'east' }, { name: 'west' }]);
  east = { name: 'east', server: clusters.sim('east').url };
});
afterAll(async () => {
  await clusters.close();
});

const context = () => createTestContext(clusters.registry).context;

describe('Cluster', () => {
  it('projects its name and server', async () => {
    expect(await callResolver(Cluster.name, east, {}, context())).toBe('east');
    expect(await callResolver(Cluster.server, east, {}, context())).toBe(clusters.sim('east').url);
  });

  it('reports its status from the probe', async () => {
    expect(await callResolver(Cluster.status, east, {}, context())).toMatchObject({
      cluster: 'east',
      reachable: true,
      version: 'v1.29.0+simulated',
    });
  });

  it('reads through its entry points from itself only', async () => {
    const ctx = context();
    const python = tagHistory(clusters.sim('east'), 'openshift', 'python', 'latest')[0] ?? '';
    clusters.resetCounts();
    const stream = await callResolver(
      Cluster.imageStream,
      east,
      { namespace: 'openshift', name: 'python' },
      ctx,
    );
    expect([stream?.cluster, stream?.wire.metadata.name]).toEqual(['east', 'python']);
    const image = await callResolver(
      Cluster.imageStreamImage,
      east,
      { namespace: 'openshift', name: `python@${python}` },
      ctx,
    );
    expect([image?.cluster, image?.stream, image?.digest]).toEqual(['east', 'python', python]);
    const tag = await callResolver(
      Cluster.imageStreamTag,
      east,
      { namespace: 'openshift', name: 'python:3.8' },
      ctx,
    );
    expect([tag?.cluster, tag?.stream, tag?.wire.image.metadata.name]).toEqual([
      'east',
      'python',
      python,
    ]);
    const page = await callResolver(
      Cluster.imageStreams,
      east,
      { namespace: 'openshift', first: 1 },
      ctx,
    );
    expect(page.edges.map((e) => [e.node.cluster, e.node.wire.metadata.name])).toEqual([
      ['east', 'hello-multiarch'],
    ]);
    expect(clusters.sim('east').count()).toBe(4);
    expect(clusters.sim('west').count()).toBe(0);
  });

  it('checks its arguments before any upstream call', async () => {
    clusters.resetCounts();
    await expect(
      callResolver(
        Cluster.imageStream,
        east,
        { namespace: 'Not_A_Namespace', name: 'python' },
        context(),
      ),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(
      callResolver(
        Cluster.imageStreamImage,
        east,
        { namespace: 'openshift', name: 'python' },
        context(),
      ),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(clusters.sim('east').count()).toBe(0);
  });
});

describe('ClusterStatus', () => {
  const status: ClusterStatusModel = {
    cluster: 'east',
    reachable: true,
    lastErrorCode: null,
    roundTripMs: 12.345,
    version: 'v1.29.0',
    checkedAt: '2024-05-01T00:00:00.000Z',
  };

  it('rounds the round trip to a tenth of a millisecond and passes the rest through', async () => {
    const ctx = context();
    expect(await callResolver(ClusterStatus.roundTripMs, status, {}, ctx)).toBe(12.3);
    expect(
      await callResolver(ClusterStatus.roundTripMs, { ...status, roundTripMs: 0.06 }, {}, ctx),
    ).toBe(0.1);
    expect(
      await callResolver(ClusterStatus.roundTripMs, { ...status, roundTripMs: null }, {}, ctx),
    ).toBeNull();
    expect(await callResolver(ClusterStatus.reachable, status, {}, ctx)).toBe(true);
    expect(
      await callResolver(
        ClusterStatus.lastErrorCode,
        { ...status, lastErrorCode: 'UNAUTHENTICATED' },
        {},
        ctx,
      ),
    ).toBe('UNAUTHENTICATED');
    expect(await callResolver(ClusterStatus.version, status, {}, ctx)).toBe('v1.29.0');
    expect(await callResolver(ClusterStatus.checkedAt, status, {}, ctx)).toBe(
      '2024-05-01T00:00:00.000Z',
    );
  });
});
