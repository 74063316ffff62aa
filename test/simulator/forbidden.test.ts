import { describe, expect, it } from 'vitest';
import type { ResourceAttributes } from '../../src/simulator/authorize.js';
import { forbidden } from '../../src/simulator/forbidden.js';

const attributes = (overrides: Partial<ResourceAttributes>): ResourceAttributes => ({
  kind: 'resource',
  verb: 'get',
  group: 'image.openshift.io',
  resource: 'imagestreamimages',
  subresource: '',
  namespace: 'apps',
  name: '',
  ...overrides,
});

describe('forbidden', () => {
  it('words a refused get as the API server does, naming the object and the namespace', () => {
    const answer = forbidden('dev', attributes({ name: 'frontend@sha256:abc' }));
    expect(answer).toEqual({
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'imagestreamimages.image.openshift.io "frontend@sha256:abc" is forbidden: User "dev" cannot get resource "imagestreamimages" in API group "image.openshift.io" in the namespace "apps"',
        reason: 'Forbidden',
        details: {
          name: 'frontend@sha256:abc',
          group: 'image.openshift.io',
          kind: 'imagestreamimages',
        },
        code: 403,
      },
    });
  });

  it('words a refused list at the cluster scope without a name', () => {
    const body = forbidden(
      'dev',
      attributes({ verb: 'list', resource: 'imagestreams', namespace: '' }),
    ).body as { message: string; details: unknown };
    expect(body.message).toBe(
      'imagestreams.image.openshift.io is forbidden: User "dev" cannot list resource "imagestreams" in API group "image.openshift.io" at the cluster scope',
    );
    expect(body.details).toEqual({ group: 'image.openshift.io', kind: 'imagestreams' });
  });

  it('names the subresource in the reason and the resource alone in the subject and details', () => {
    const body = forbidden(
      'viewer',
      attributes({ resource: 'imagestreams', subresource: 'layers', name: 'python' }),
    ).body as { message: string; details: unknown };
    expect(body.message).toBe(
      'imagestreams.image.openshift.io "python" is forbidden: User "viewer" cannot get resource "imagestreams/layers" in API group "image.openshift.io" in the namespace "apps"',
    );
    expect(body.details).toEqual({
      name: 'python',
      group: 'image.openshift.io',
      kind: 'imagestreams',
    });
  });

  it('quotes like Go and HTML-escapes the reason, so hostile names stay inert', () => {
    const body = forbidden('a"b', attributes({ namespace: '<ns>&', name: 'x"\n\\y' })).body as {
      message: string;
    };
    expect(body.message).toBe(
      'imagestreamimages.image.openshift.io "x\\"\\n\\\\y" is forbidden: User "a\\"b" cannot get resource "imagestreamimages" in API group "image.openshift.io" in the namespace "&lt;ns&gt;&amp;"',
    );
  });

  it('words a refused core-group request without a group', () => {
    const body = forbidden('dev', attributes({ group: '', resource: 'pods', verb: 'list' }))
      .body as { message: string; details: unknown };
    expect(body.message).toBe(
      'pods is forbidden: User "dev" cannot list resource "pods" in API group "" in the namespace "apps"',
    );
    expect(body.details).toEqual({ kind: 'pods' });
  });
});
