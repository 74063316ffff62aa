import { describe, expect, it } from 'vitest';
import { counterKeyOf, requestInfoOf } from '../../src/simulator/requestInfoOf.js';

const info = (method: string, path: string, query = '') =>
  requestInfoOf(method, path.split('/').filter(Boolean), new URLSearchParams(query));

describe('requestInfoOf', () => {
  it('resolves a namespaced get with its subresource', () => {
    expect(
      info('GET', '/apis/image.openshift.io/v1/namespaces/apps/imagestreams/web/layers'),
    ).toEqual({
      kind: 'resource',
      method: 'GET',
      verb: 'get',
      group: 'image.openshift.io',
      version: 'v1',
      namespace: 'apps',
      resource: 'imagestreams',
      subresource: 'layers',
      name: 'web',
      path: '/apis/image.openshift.io/v1/namespaces/apps/imagestreams/web/layers',
    });
  });

  it('makes a GET without a name a list, or a watch when watch is true', () => {
    expect(info('GET', '/apis/image.openshift.io/v1/imagestreams')).toMatchObject({
      verb: 'list',
      namespace: '',
      resource: 'imagestreams',
      name: '',
    });
    for (const watch of ['true', '1', 'T'])
      expect(info('GET', '/apis/image.openshift.io/v1/imagestreams', `watch=${watch}`).verb).toBe(
        'watch',
      );
    for (const watch of ['false', '0', 'yes'])
      expect(info('GET', '/apis/image.openshift.io/v1/imagestreams', `watch=${watch}`).verb).toBe(
        'list',
      );
    // A named GET stays a get even with watch=true.
    expect(info('GET', '/apis/image.openshift.io/v1/images/sha256:a', 'watch=true').verb).toBe(
      'get',
    );
  });

  it('maps methods to verbs as the API server does', () => {
    const path = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
    expect(info('POST', path)).toMatchObject({
      verb: 'create',
      group: 'authorization.k8s.io',
      resource: 'selfsubjectaccessreviews',
    });
    expect(info('DELETE', '/apis/image.openshift.io/v1/images').verb).toBe('deletecollection');
    expect(info('PATCH', '/apis/image.openshift.io/v1/images/x').verb).toBe('patch');
    expect(info('HEAD', '/apis/image.openshift.io/v1/images/x').verb).toBe('get');
    expect(info('BREW', '/apis/image.openshift.io/v1/images/x').verb).toBe('');
    expect(info('constructor', '/apis/image.openshift.io/v1/images/x').verb).toBe('');
  });

  it('reads the core group under /api and a namespace object as the namespaces resource', () => {
    expect(info('GET', '/api/v1/namespaces/apps/pods')).toMatchObject({
      group: '',
      version: 'v1',
      namespace: 'apps',
      resource: 'pods',
      verb: 'list',
    });
    expect(info('GET', '/api/v1/namespaces/apps')).toMatchObject({
      namespace: 'apps',
      resource: 'namespaces',
      name: 'apps',
    });
    expect(info('GET', '/api/v1/namespaces/apps/status')).toMatchObject({
      resource: 'namespaces',
      name: 'apps',
      subresource: 'status',
    });
  });

  it('calls discovery and other paths non-resource requests', () => {
    for (const path of [
      '/',
      '/version',
      '/api',
      '/api/v1',
      '/apis',
      '/apis/image.openshift.io',
      '/apis/image.openshift.io/v1',
      '/healthz',
    ])
      expect(info('GET', path)).toEqual({ kind: 'non-resource', method: 'GET', verb: 'get', path });
  });

  it('keys the counters by resource and subresource, version, or discovery', () => {
    expect(
      counterKeyOf(info('GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreams/b/layers')),
    ).toBe('imagestreams/layers');
    expect(
      counterKeyOf(info('GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreamimages')),
    ).toBe('imagestreamimages');
    expect(
      counterKeyOf(info('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')),
    ).toBe('selfsubjectaccessreviews');
    expect(counterKeyOf(info('GET', '/version'))).toBe('version');
    expect(counterKeyOf(info('GET', '/apis'))).toBe('discovery');
    expect(counterKeyOf(info('GET', '/healthz'))).toBe('discovery');
  });
});
