import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { OWNER_KINDS, RESOURCES } from '../../src/upstream/resources.js';
import {
  IMAGE_STREAM,
  IMAGE_STREAM_IMAGE,
  IMAGE_STREAM_LAYERS,
  IMAGE_STREAM_LIST,
  IMAGE_STREAM_TAG,
  SELF_SUBJECT_ACCESS_REVIEW,
  VERSION_INFO,
} from '../../src/upstream/wire/wireShapes.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const BASE = 'apis/image.openshift.io/v1';

describe('RESOURCES: requests', () => {
  it('asks for each object at its API path, with its shape', () => {
    const args = { namespace: 'openshift', name: 'python' };
    expect(RESOURCES.imageStream.request(args)).toEqual({
      resource: 'imagestreams',
      path: `${BASE}/namespaces/openshift/imagestreams/python`,
      shape: IMAGE_STREAM,
    });
    expect(RESOURCES.imageStreamLayers.request(args)).toEqual({
      resource: 'imagestreams/layers',
      path: `${BASE}/namespaces/openshift/imagestreams/python/layers`,
      shape: IMAGE_STREAM_LAYERS,
    });
    expect(
      RESOURCES.imageStreamImage.request({ namespace: 'openshift', name: `python@${DIGEST}` }),
    ).toEqual({
      resource: 'imagestreamimages',
      path: `${BASE}/namespaces/openshift/imagestreamimages/python@${DIGEST}`,
      shape: IMAGE_STREAM_IMAGE,
    });
    expect(
      RESOURCES.imageStreamTag.request({ namespace: 'openshift', name: 'python:3.8' }),
    ).toEqual({
      resource: 'imagestreamtags',
      path: `${BASE}/namespaces/openshift/imagestreamtags/python:3.8`,
      shape: IMAGE_STREAM_TAG,
    });
    expect(RESOURCES.version.request()).toEqual({
      resource: 'version',
      path: 'version',
      shape: VERSION_INFO,
    });
  });

  it('keeps @ and : readable in a path segment and encodes everything else that is not safe', () => {
    const path = (name: string) =>
      RESOURCES.imageStreamImage.request({ namespace: 'ns', name }).path;
    expect(path(`a@${DIGEST}`)).toBe(`${BASE}/namespaces/ns/imagestreamimages/a@${DIGEST}`);
    expect(path('a/../../secrets')).toBe(
      `${BASE}/namespaces/ns/imagestreamimages/a%2F..%2F..%2Fsecrets`,
    );
    expect(path('a?b#c d%')).toBe(`${BASE}/namespaces/ns/imagestreamimages/a%3Fb%23c%20d%25`);
    expect(RESOURCES.imageStream.request({ namespace: '../x', name: 'y' }).path).toBe(
      `${BASE}/namespaces/..%2Fx/imagestreams/y`,
    );
    // A literal "%40" in a name stays encoded: only the characters themselves are kept.
    expect(path('a%40b')).toBe(`${BASE}/namespaces/ns/imagestreamimages/a%2540b`);
  });

  it('lists one namespace or the whole cluster, with limit and a continue token only when set', () => {
    expect(RESOURCES.imageStreamList.request({ namespace: 'apps', list: {} })).toEqual({
      resource: 'imagestreams',
      path: `${BASE}/namespaces/apps/imagestreams`,
      searchParams: {},
      shape: IMAGE_STREAM_LIST,
    });
    expect(
      RESOURCES.imageStreamList.request({
        namespace: undefined,
        list: { limit: 200, continueToken: 'eyJ2Ijoi' },
      }),
    ).toMatchObject({
      path: `${BASE}/imagestreams`,
      searchParams: { limit: 200, continue: 'eyJ2Ijoi' },
    });
    expect(
      RESOURCES.imageStreamList.request({
        namespace: 'apps',
        list: { limit: 0, continueToken: '' },
      }).searchParams,
    ).toEqual({ limit: 0 });
  });

  it('asks a SelfSubjectAccessReview with a POST of the attributes', () => {
    const attributes = {
      namespace: 'openshift',
      verb: 'get',
      group: 'image.openshift.io',
      resource: 'imagestreamimages',
    };
    expect(RESOURCES.selfSubjectAccessReview.request({ attributes })).toEqual({
      resource: 'selfsubjectaccessreviews',
      path: 'apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      method: 'POST',
      json: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: attributes },
      },
      shape: SELF_SUBJECT_ACCESS_REVIEW,
    });
  });
});

describe('RESOURCES: errors', () => {
  it('maps a 410 on a list to an expired cursor, keeping the cluster and the answer', () => {
    const gone = new GatewayError('INTERNAL_SERVER_ERROR', 'cluster "east": too old', {
      cluster: 'east',
      upstream: { status: 410, reason: 'Expired' },
    });
    const mapped = RESOURCES.imageStreamList.mapError(gone);
    expect(mapped).toBeInstanceOf(GatewayError);
    expect(mapped).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'The cursor has expired upstream (410 Expired); list again from the first page.',
      cluster: 'east',
      upstream: { status: 410, reason: 'Expired' },
      extensions: { reason: 'CURSOR_EXPIRED' },
    });
  });

  it('leaves every other error of a list as it is', () => {
    const forbidden = new GatewayError('FORBIDDEN', 'no', {
      upstream: { status: 403, reason: 'Forbidden' },
    });
    const plain = new Error('socket hang up');
    expect(RESOURCES.imageStreamList.mapError(forbidden)).toBe(forbidden);
    expect(RESOURCES.imageStreamList.mapError(plain)).toBe(plain);
    expect(RESOURCES.imageStreamList.mapError('text')).toBe('text');
  });

  it('maps nothing for the other resources', () => {
    const withMapping = Object.entries(RESOURCES)
      .filter(([, def]) => 'mapError' in def)
      .map(([name]) => name);
    expect(withMapping).toEqual(['imageStreamList']);
  });
});

describe('RESOURCES: RBAC', () => {
  it('names the permission each read needs; the layers read is optional', () => {
    const table = Object.fromEntries(
      Object.entries(RESOURCES).map(([name, def]) => [name, 'rbac' in def ? def.rbac : undefined]),
    );
    expect(table).toEqual({
      imageStreamImage: { group: 'image.openshift.io', resource: 'imagestreamimages', verb: 'get' },
      imageStream: { group: 'image.openshift.io', resource: 'imagestreams', verb: 'get' },
      imageStreamList: { group: 'image.openshift.io', resource: 'imagestreams', verb: 'list' },
      imageStreamWatch: { group: 'image.openshift.io', resource: 'imagestreams', verb: 'watch' },
      imageStreamTag: { group: 'image.openshift.io', resource: 'imagestreamtags', verb: 'get' },
      imageStreamLayers: {
        group: 'image.openshift.io',
        resource: 'imagestreams/layers',
        verb: 'get',
        optional: true,
      },
      selfSubjectAccessReview: {
        group: 'authorization.k8s.io',
        resource: 'selfsubjectaccessreviews',
        verb: 'create',
      },
      version: undefined,
      podList: { group: '', resource: 'pods', verb: 'list' },
      ownerReplicaSet: { group: 'apps', resource: 'replicasets', verb: 'get' },
      ownerDeployment: { group: 'apps', resource: 'deployments', verb: 'get' },
      ownerStatefulSet: { group: 'apps', resource: 'statefulsets', verb: 'get' },
      ownerDaemonSet: { group: 'apps', resource: 'daemonsets', verb: 'get' },
      ownerJob: { group: 'batch', resource: 'jobs', verb: 'get' },
      ownerCronJob: { group: 'batch', resource: 'cronjobs', verb: 'get' },
      ownerReplicationController: { group: '', resource: 'replicationcontrollers', verb: 'get' },
      ownerDeploymentConfig: {
        group: 'apps.openshift.io',
        resource: 'deploymentconfigs',
        verb: 'get',
      },
      imageManifestVulnList: {
        group: 'secscan.quay.redhat.com',
        resource: 'imagemanifestvulns',
        verb: 'list',
      },
      projectList: {
        group: 'project.openshift.io',
        resource: 'projects',
        verb: 'list',
        optional: true,
      },
      namespaceList: { group: '', resource: 'namespaces', verb: 'list', optional: true },
      // Discovery is open to every authenticated user.
      scannerDiscovery: undefined,
    });
  });

  it('asks for a watch of image streams from a version, with bookmarks and the server timeout', () => {
    const request = RESOURCES.imageStreamWatch.request({
      watch: { resourceVersion: '5001', timeoutSeconds: 300 },
    });
    expect(request).toMatchObject({
      resource: 'imagestreams?watch',
      path: 'apis/image.openshift.io/v1/imagestreams',
      searchParams: {
        watch: '1',
        allowWatchBookmarks: 'true',
        resourceVersion: '5001',
        timeoutSeconds: 300,
      },
    });
    const namespaced = RESOURCES.imageStreamWatch.request({
      namespace: 'a/b',
      watch: { resourceVersion: '' },
    });
    expect(namespaced.path).toBe('apis/image.openshift.io/v1/namespaces/a%2Fb/imagestreams');
    expect(namespaced.searchParams).toEqual({ watch: '1', allowWatchBookmarks: 'true' });
  });

  it('builds the workload paths of each group, core pods under /api/v1', () => {
    expect(RESOURCES.podList.request({ namespace: undefined, list: { limit: 500 } })).toMatchObject(
      {
        path: 'api/v1/pods',
        searchParams: { limit: 500 },
      },
    );
    expect(RESOURCES.podList.request({ namespace: 'apps', list: {} }).path).toBe(
      'api/v1/namespaces/apps/pods',
    );
    expect(OWNER_KINDS.DeploymentConfig.request({ namespace: 'a', name: 'w' }).path).toBe(
      'apis/apps.openshift.io/v1/namespaces/a/deploymentconfigs/w',
    );
    // A name is one path segment, whatever it holds.
    expect(OWNER_KINDS.Job.request({ namespace: 'a', name: '../x/y' }).path).toBe(
      'apis/batch/v1/namespaces/a/jobs/..%2Fx%2Fy',
    );
    expect(RESOURCES.imageManifestVulnList.request({ namespace: 'a', list: {} }).path).toBe(
      'apis/secscan.quay.redhat.com/v1alpha1/namespaces/a/imagemanifestvulns',
    );
  });
});
