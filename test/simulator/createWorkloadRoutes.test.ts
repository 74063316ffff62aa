import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { DEMO_ADVISORY } from '../../src/simulator/createWorkloadSeed.js';
import { bearer, callSimulator } from './callSimulator.js';
import { SEED_NAMESPACES } from '../helpers/seedNamespaces.js';

const SECSCAN = '/apis/secscan.quay.redhat.com/v1alpha1';

let east: Simulator;
let west: Simulator;

beforeAll(async () => {
  const tokens = {
    reader: { user: 'reader', namespaces: '*' as const },
    apps: { user: 'apps-viewer', namespaces: ['apps'] },
    podsOnly: { user: 'pods-only', namespaces: ['apps'], resources: { pods: ['list'] } },
  };
  east = await createSimulator({ name: 'east', tokens });
  west = await createSimulator({ name: 'west', tokens });
});
afterAll(async () => {
  await Promise.all([east.close(), west.close()]);
});

describe('the simulated workload API', () => {
  it('lists pods of every namespace, paged with limit and continue', async () => {
    const first = await callSimulator(east, '/api/v1/pods?limit=3', { headers: bearer('reader') });
    expect(first.status).toBe(200);
    expect(first.body.kind).toBe('PodList');
    expect(first.body.items).toHaveLength(3);
    const rest = await callSimulator(
      east,
      `/api/v1/pods?continue=${encodeURIComponent(first.body.metadata.continue)}`,
      { headers: bearer('reader') },
    );
    const names = [...first.body.items, ...rest.body.items].map(
      (p: { metadata: { namespace: string; name: string } }) =>
        `${p.metadata.namespace}/${p.metadata.name}`,
    );
    expect(names).toContain('apps/debug');
    expect(names).toContain('monitoring/node-agent-zx8vj');
    expect(new Set(names).size).toBe(names.length);
  });

  it('serves each owner kind at its group path, and the three kinds of 404', async () => {
    const paths = [
      '/apis/apps/v1/namespaces/apps/deployments/frontend',
      '/apis/apps/v1/namespaces/apps/replicasets/frontend-6d8f7b9c5',
      '/api/v1/namespaces/apps/replicationcontrollers/worker-3',
      '/apis/apps.openshift.io/v1/namespaces/apps/deploymentconfigs/worker',
      '/apis/batch/v1/namespaces/batch/jobs/report-28551360',
      '/apis/batch/v1/namespaces/batch/cronjobs/report',
      '/apis/apps/v1/namespaces/data/statefulsets/db',
      '/apis/apps/v1/namespaces/monitoring/daemonsets/node-agent',
    ];
    for (const path of paths) {
      const got = await callSimulator(east, path, { headers: bearer('reader') });
      expect(got.status, path).toBe(200);
      expect(path.endsWith(got.body.metadata.name), path).toBe(true);
    }
    const missing = await callSimulator(east, '/apis/apps/v1/namespaces/apps/deployments/nope', {
      headers: bearer('reader'),
    });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('deployments.apps "nope" not found');
    expect(missing.body.details).toEqual({ name: 'nope', group: 'apps', kind: 'deployments' });
    const pod = await callSimulator(east, '/api/v1/namespaces/apps/pods/nope', {
      headers: bearer('reader'),
    });
    expect(pod.body.message).toBe('pods "nope" not found');
    // A resource the group does not serve, and a path no route serves.
    expect(
      (
        await callSimulator(east, '/apis/apps/v1/namespaces/apps/widgets', {
          headers: bearer('reader'),
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await callSimulator(east, '/apis/apps/v1/namespaces/apps/deployments/frontend/nothing', {
          headers: bearer('reader'),
        })
      ).status,
    ).toBe(404);
  });

  it('authorizes per namespace and per resource, like the image reads', async () => {
    const all = await callSimulator(east, '/api/v1/pods', { headers: bearer('apps') });
    expect(all.status).toBe(403);
    expect(all.body.message).toBe(
      'pods is forbidden: User "apps-viewer" cannot list resource "pods" in API group "" at the cluster scope',
    );
    expect(
      (await callSimulator(east, '/api/v1/namespaces/apps/pods', { headers: bearer('apps') }))
        .status,
    ).toBe(200);
    expect(
      (await callSimulator(east, '/api/v1/namespaces/data/pods', { headers: bearer('apps') }))
        .status,
    ).toBe(403);
    // A custom role that lists pods reads no owner and no single pod.
    expect(
      (await callSimulator(east, '/api/v1/namespaces/apps/pods', { headers: bearer('podsOnly') }))
        .status,
    ).toBe(200);
    expect(
      (
        await callSimulator(east, '/apis/apps/v1/namespaces/apps/replicasets/frontend-6d8f7b9c5', {
          headers: bearer('podsOnly'),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await callSimulator(east, '/api/v1/namespaces/apps/pods/debug', {
          headers: bearer('podsOnly'),
        })
      ).status,
    ).toBe(403);
  });

  it('reports every imageID form the kubelet writes', async () => {
    const pods = await callSimulator(east, '/api/v1/pods', { headers: bearer('reader') });
    const ids: string[] = pods.body.items.flatMap(
      (p: { status: { containerStatuses: { imageID: string }[] } }) =>
        p.status.containerStatuses.map((c) => c.imageID),
    );
    expect(ids.some((id) => id.startsWith('docker-pullable://'))).toBe(true);
    expect(ids.some((id) => /^sha256:[0-9a-f]{64}$/.test(id))).toBe(true);
    expect(ids.some((id) => /^image-registry\.[^@]+@sha256:[0-9a-f]{64}$/.test(id))).toBe(true);
  });

  it('serves ImageManifestVuln where the scanner is installed, and not its group elsewhere', async () => {
    const groups = await callSimulator(east, '/apis', { headers: bearer('reader') });
    expect(groups.body.groups.map((g: { name: string }) => g.name)).toContain(
      'secscan.quay.redhat.com',
    );
    const vulns = await callSimulator(east, `${SECSCAN}/imagemanifestvulns`, {
      headers: bearer('reader'),
    });
    expect(vulns.status).toBe(200);
    const critical = vulns.body.items.find(
      (v: { status: { highestSeverity: string } }) => v.status.highestSeverity === 'Critical',
    );
    expect(critical.metadata.name).toBe(critical.spec.manifest.replace(':', '.'));
    expect(JSON.stringify(critical.spec.features)).toContain(DEMO_ADVISORY);

    const westGroups = await callSimulator(west, '/apis', { headers: bearer('reader') });
    expect(westGroups.body.groups.map((g: { name: string }) => g.name)).not.toContain(
      'secscan.quay.redhat.com',
    );
    expect((await callSimulator(west, SECSCAN, { headers: bearer('reader') })).status).toBe(404);
    expect(
      (await callSimulator(west, `${SECSCAN}/imagemanifestvulns`, { headers: bearer('reader') }))
        .status,
    ).toBe(404);
  });

  it('lists the projects a user can see, and nothing to anonymous', async () => {
    const names = async (token: string): Promise<string[]> =>
      (
        await callSimulator(east, '/apis/project.openshift.io/v1/projects', {
          headers: bearer(token),
        })
      ).body.items.map((p: { metadata: { name: string } }) => p.metadata.name);
    expect(await names('apps')).toEqual(['apps']);
    // Namespaces holding workloads and those holding image streams alike.
    expect(await names('reader')).toEqual(SEED_NAMESPACES);
    expect((await callSimulator(east, '/apis/project.openshift.io/v1/projects')).status).toBe(403);
  });

  it('lists core pods in /api/v1 discovery', async () => {
    const core = await callSimulator(east, '/api/v1', { headers: bearer('reader') });
    expect(core.body.resources.map((r: { name: string }) => r.name)).toEqual([
      'namespaces',
      'pods',
      'replicationcontrollers',
    ]);
  });
});
