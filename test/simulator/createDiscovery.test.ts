import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscovery } from '../../src/simulator/createDiscovery.js';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { callSimulator } from './callSimulator.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await createSimulator({
    name: 'sim',
    seedOptions: { benchStreams: 1, benchImagesPerStream: 1 },
  });
});
afterAll(async () => {
  await sim.close();
});

describe('discovery', () => {
  it('lists image.openshift.io and authorization.k8s.io in /apis, image first, then the workload groups and project.openshift.io', async () => {
    const apis = await callSimulator(sim, '/apis');
    expect(apis.status).toBe(200);
    expect(apis.body.groups.map((g: any) => [g.name, g.preferredVersion.groupVersion])).toEqual([
      ['image.openshift.io', 'image.openshift.io/v1'],
      ['authorization.k8s.io', 'authorization.k8s.io/v1'],
      ['apps', 'apps/v1'],
      ['batch', 'batch/v1'],
      ['apps.openshift.io', 'apps.openshift.io/v1'],
      // The Container Security Operator's CRD, installed on every seeded cluster but "west".
      ['secscan.quay.redhat.com', 'secscan.quay.redhat.com/v1alpha1'],
      ['project.openshift.io', 'project.openshift.io/v1'],
    ]);
    const group = await callSimulator(sim, '/apis/authorization.k8s.io');
    expect(group.body).toMatchObject({ kind: 'APIGroup', name: 'authorization.k8s.io' });
  });

  it('lists selfsubjectaccessreviews with the verb create in authorization.k8s.io/v1', async () => {
    const list = await callSimulator(sim, '/apis/authorization.k8s.io/v1');
    expect(list.body).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'authorization.k8s.io/v1',
      resources: [
        {
          name: 'selfsubjectaccessreviews',
          singularName: 'selfsubjectaccessreview',
          namespaced: false,
          kind: 'SelfSubjectAccessReview',
          verbs: ['create'],
        },
      ],
    });
  });

  it('serves discovery without a token, GET only', async () => {
    expect((await callSimulator(sim, '/version')).body.gitVersion).toBe('v1.29.0+simulated');
    expect((await callSimulator(sim, '/apis', { method: 'POST' })).status).toBe(405);
    expect((await callSimulator(sim, '/apis/nothing.example.com')).status).toBe(404);
  });

  it('knows which resources each group version serves', () => {
    const discovery = createDiscovery();
    expect(discovery.serves('image.openshift.io', 'v1', 'imagestreamimages')).toBe(true);
    expect(discovery.serves('image.openshift.io', 'v1', 'imagetags')).toBe(true);
    expect(discovery.serves('image.openshift.io', 'v2', 'imagestreams')).toBe(false);
    expect(discovery.serves('image.openshift.io', 'v1', 'pods')).toBe(false);
    expect(discovery.serves('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews')).toBe(true);
    expect(discovery.serves('authorization.k8s.io', 'v1', 'subjectaccessreviews')).toBe(false);
    expect(discovery.documentAt('/apis/authorization.k8s.io/v2')).toBeUndefined();
  });
});
