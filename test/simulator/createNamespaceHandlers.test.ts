import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { callSimulator } from './callSimulator.js';
import { SEED_NAMESPACES } from '../helpers/seedNamespaces.js';

const tokens = {
  admin: { user: 'admin', namespaces: '*' as const },
  alice: { user: 'alice', namespaces: ['apps', 'gone'] },
  custom: { user: 'custom', namespaces: '*' as const, resources: { imagestreams: ['list'] } },
};
const NAMESPACES = SEED_NAMESPACES;

let sim: Simulator;
let kube: Simulator;
beforeAll(async () => {
  const seedOptions = { benchStreams: 1, benchImagesPerStream: 1 };
  sim = await createSimulator({ name: 'sim', tokens, seedOptions });
  kube = await createSimulator({ name: 'kube', tokens, seedOptions, projects: false });
});
afterAll(async () => {
  await sim.close();
  await kube.close();
});

const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const names = (body: { items: { metadata: { name: string } }[] }): string[] =>
  body.items.map((i) => i.metadata.name);

describe('projects and namespaces', () => {
  it('lists to each user the projects it has a grant in, and only those that exist', async () => {
    const admin = await callSimulator(sim, '/apis/project.openshift.io/v1/projects', as('admin'));
    expect(admin.status).toBe(200);
    expect(admin.body.kind).toBe('ProjectList');
    expect(names(admin.body)).toEqual(NAMESPACES);
    expect(admin.body.items[0]).toMatchObject({
      kind: 'Project',
      metadata: { annotations: { 'openshift.io/display-name': 'The apps project' } },
      status: { phase: 'Active' },
    });
    const alice = await callSimulator(sim, '/apis/project.openshift.io/v1/projects', as('alice'));
    expect(names(alice.body)).toEqual(['apps']);
    const anonymous = await callSimulator(sim, '/apis/project.openshift.io/v1/projects');
    expect(anonymous.status).toBe(403);
  });

  it('lists core namespaces to cluster-wide readers only', async () => {
    const admin = await callSimulator(sim, '/api/v1/namespaces', as('admin'));
    expect(admin.status).toBe(200);
    expect(admin.body.kind).toBe('NamespaceList');
    expect(names(admin.body)).toEqual(NAMESPACES);
    expect((await callSimulator(sim, '/api/v1/namespaces', as('alice'))).status).toBe(403);
    expect((await callSimulator(sim, '/api/v1/namespaces', as('custom'))).status).toBe(403);
  });

  it('serves no project API where it is a plain Kubernetes server', async () => {
    const projects = await callSimulator(
      kube,
      '/apis/project.openshift.io/v1/projects',
      as('admin'),
    );
    expect(projects.status).toBe(404);
    expect(
      (await callSimulator(kube, '/apis')).body.groups.map((g: { name: string }) => g.name),
    ).not.toContain('project.openshift.io');
    expect(names((await callSimulator(kube, '/api/v1/namespaces', as('admin'))).body)).toEqual(
      NAMESPACES,
    );
  });

  it('filters image streams by a label selector, without remainingItemCount', async () => {
    const all = await callSimulator(
      sim,
      '/apis/image.openshift.io/v1/imagestreams?limit=1&labelSelector=app',
      as('admin'),
    );
    expect(names(all.body)).toEqual(['ruby-20-centos7']);
    expect(all.body.metadata.continue).toBeTruthy();
    expect(all.body.metadata.remainingItemCount).toBeUndefined();
    const bad = await callSimulator(
      sim,
      '/apis/image.openshift.io/v1/imagestreams?labelSelector=app%20in%20(x',
      as('admin'),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.reason).toBe('BadRequest');
  });
});
