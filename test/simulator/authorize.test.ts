import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS,
  authorize,
  type Identity,
  type ResourceAttributes,
  type TokenGrant,
} from '../../src/simulator/authorize.js';

const identity = (grant: TokenGrant): Identity => ({ user: grant.user, grant });
const image = (
  verb: string,
  resource: string,
  namespace: string,
  subresource = '',
): ResourceAttributes => ({
  kind: 'resource',
  verb,
  group: 'image.openshift.io',
  resource,
  subresource,
  namespace,
  name: '',
});

describe('authorize', () => {
  it('lets a namespace grant read every image resource in its namespaces and nothing elsewhere', () => {
    const viewer = identity({ user: 'viewer', namespaces: ['apps'] });
    expect(authorize(viewer, image('get', 'imagestreamimages', 'apps'))).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "simulated:viewer/apps" of ClusterRole "simulated-reader" to User "viewer"',
    });
    expect(authorize(viewer, image('watch', 'imagestreams', 'apps')).allowed).toBe(true);
    expect(authorize(viewer, image('get', 'imagestreams', 'apps', 'layers')).allowed).toBe(true);
    expect(authorize(viewer, image('get', 'imagestreams', 'openshift'))).toEqual({
      allowed: false,
    });
    // Cluster scope (a list of all namespaces) and cluster-scoped images need a '*' grant.
    expect(authorize(viewer, image('list', 'imagestreams', ''))).toEqual({ allowed: false });
    expect(authorize(viewer, image('get', 'images', 'apps'))).toEqual({ allowed: false });
    expect(authorize(viewer, image('create', 'imagestreams', 'apps'))).toEqual({ allowed: false });
  });

  it('lets a cluster-wide grant read everywhere, including cluster-scoped images', () => {
    const reader = identity({ user: 'reader', namespaces: '*' });
    expect(authorize(reader, image('get', 'images', ''))).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "simulated:reader" of ClusterRole "simulated-reader" to User "reader"',
    });
    expect(authorize(reader, image('list', 'imagestreams', '')).allowed).toBe(true);
    expect(authorize(reader, image('delete', 'imagestreams', 'apps')).allowed).toBe(false);
  });

  it('allows exactly the verbs a per-resource grant lists, per resource and subresource', () => {
    const custom = identity({
      user: 'custom',
      namespaces: ['apps'],
      resources: { imagestreams: ['get', 'list'], 'imagestreams/layers': ['get'] },
    });
    expect(authorize(custom, image('get', 'imagestreams', 'apps')).allowed).toBe(true);
    expect(authorize(custom, image('list', 'imagestreams', 'apps')).allowed).toBe(true);
    expect(authorize(custom, image('watch', 'imagestreams', 'apps')).allowed).toBe(false);
    expect(authorize(custom, image('get', 'imagestreamimages', 'apps')).allowed).toBe(false);
    expect(authorize(custom, image('get', 'imagestreamtags', 'apps')).allowed).toBe(false);
    expect(authorize(custom, image('get', 'imagestreams', 'apps', 'layers')).allowed).toBe(true);
    expect(authorize(custom, image('get', 'imagestreams', 'apps', 'status')).allowed).toBe(false);
    expect(authorize(custom, image('get', 'imagestreams', 'openshift')).allowed).toBe(false);
  });

  it("takes '*' in a verb list as every verb, and a requested '*' only from such a grant", () => {
    const star = identity({ user: 's', namespaces: '*', resources: { imagestreams: ['*'] } });
    const plain = identity({ user: 'p', namespaces: '*' });
    expect(authorize(star, image('patch', 'imagestreams', 'apps')).allowed).toBe(true);
    expect(authorize(star, image('*', 'imagestreams', 'apps')).allowed).toBe(true);
    expect(authorize(plain, image('*', 'imagestreams', 'apps')).allowed).toBe(false);
  });

  it('denies layers when layers is false, even when the resources list them', () => {
    const noLayers = identity({
      user: 'n',
      namespaces: '*',
      layers: false,
      resources: { 'imagestreams/layers': ['get'], imagestreams: ['get'] },
    });
    expect(authorize(noLayers, image('get', 'imagestreams', 'apps', 'layers')).allowed).toBe(false);
    expect(authorize(noLayers, image('get', 'imagestreams', 'apps')).allowed).toBe(true);
    const defaults = identity({ user: 'd', namespaces: '*', layers: false });
    expect(authorize(defaults, image('get', 'imagestreams', 'apps', 'layers')).allowed).toBe(false);
  });

  it('never takes inherited object keys for resource grants', () => {
    const custom = identity({ user: 'c', namespaces: '*', resources: {} });
    for (const resource of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(authorize(custom, image('get', resource, 'apps')).allowed).toBe(false);
  });

  it('checks the API group: the same resource name in another group is not granted', () => {
    const reader = identity({ user: 'r', namespaces: '*' });
    expect(authorize(reader, { ...image('get', 'imagestreams', 'apps'), group: '' }).allowed).toBe(
      false,
    );
    expect(authorize(reader, { ...image('list', 'secrets', 'apps'), group: '' }).allowed).toBe(
      false,
    );
    expect(authorize(reader, { ...image('list', 'pods', 'apps'), group: 'apps' }).allowed).toBe(
      false,
    );
  });

  it('grants the workload reads (pods, owners, scan results) as view and cluster-reader do', () => {
    const reader = identity({ user: 'r', namespaces: ['apps'] });
    expect(authorize(reader, { ...image('list', 'pods', 'apps'), group: '' }).allowed).toBe(true);
    expect(authorize(reader, { ...image('list', 'pods', ''), group: '' }).allowed).toBe(false);
    expect(
      authorize(reader, { ...image('get', 'deployments', 'apps'), group: 'apps' }).allowed,
    ).toBe(true);
    // A custom role names workload resources with their group: `pods`, `replicasets.apps`.
    const podsOnly = identity({ user: 'p', namespaces: '*', resources: { pods: ['list'] } });
    expect(authorize(podsOnly, { ...image('list', 'pods', ''), group: '' }).allowed).toBe(true);
    expect(
      authorize(podsOnly, { ...image('get', 'replicasets', 'apps'), group: 'apps' }).allowed,
    ).toBe(false);
    expect(authorize(podsOnly, image('list', 'imagestreams', 'apps')).allowed).toBe(false);
  });

  it('lets any authenticated user, and nobody else, create access reviews and read discovery', () => {
    const nobody = identity({ user: 'nobody', namespaces: [] });
    const review: ResourceAttributes = {
      kind: 'resource',
      verb: 'create',
      group: 'authorization.k8s.io',
      resource: 'selfsubjectaccessreviews',
      subresource: '',
      namespace: '',
      name: '',
    };
    expect(authorize(nobody, review)).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
    });
    expect(authorize(ANONYMOUS, review)).toEqual({ allowed: false });
    expect(authorize(nobody, image('get', 'imagestreams', 'apps')).allowed).toBe(false);
    const path = (p: string, verb = 'get') => ({ kind: 'non-resource' as const, verb, path: p });
    expect(authorize(nobody, path('/apis/image.openshift.io/v1')).allowed).toBe(true);
    expect(authorize(nobody, path('/version')).allowed).toBe(true);
    expect(authorize(nobody, path('/versionx')).allowed).toBe(false);
    expect(authorize(nobody, path('/metrics')).allowed).toBe(false);
    expect(authorize(nobody, path('/apis', 'post')).allowed).toBe(false);
    expect(authorize(ANONYMOUS, path('/apis')).allowed).toBe(false);
  });
});
