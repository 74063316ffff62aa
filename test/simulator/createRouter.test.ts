import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { bearer, callSimulator } from './callSimulator.js';

const B = '/apis/image.openshift.io/v1';

let sim: Simulator;
let digest: string;

beforeAll(async () => {
  sim = await createSimulator({
    name: 'sim',
    seedOptions: { benchStreams: 1, benchImagesPerStream: 1 },
    tokens: {
      reader: { user: 'reader', namespaces: '*' },
      // A custom role: streams may be read in apps, their images may not.
      streams: {
        user: 'streams-only',
        namespaces: ['apps'],
        resources: { imagestreams: ['get', 'list'] },
      },
    },
  });
  digest =
    sim.data.streams.get('apps')?.get('frontend')?.status?.tags?.[0]?.items?.[0]?.image ?? '';
});
afterAll(async () => {
  await sim.close();
});

describe('the router', () => {
  it('authenticates every request that presents credentials: an unknown token is 401 on /version and discovery too', async () => {
    for (const path of ['/version', '/apis', B]) {
      expect((await callSimulator(sim, path, { headers: bearer('nobody-knows-me') })).status).toBe(
        401,
      );
      expect((await callSimulator(sim, path, { headers: bearer('reader') })).status).toBe(200);
      // No credentials at all: anonymous, and discovery is open to anonymous.
      expect((await callSimulator(sim, path)).status).toBe(200);
    }
  });

  it('allows one resource and denies another in the same namespace, worded as the API server words it', async () => {
    const stream = await callSimulator(sim, `${B}/namespaces/apps/imagestreams/frontend`, {
      headers: bearer('streams'),
    });
    expect(stream.status).toBe(200);
    expect(stream.body.metadata.name).toBe('frontend');
    const image = await callSimulator(
      sim,
      `${B}/namespaces/apps/imagestreamimages/frontend@${digest}`,
      {
        headers: bearer('streams'),
      },
    );
    expect(image.status).toBe(403);
    expect(image.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `imagestreamimages.image.openshift.io "frontend@${digest}" is forbidden: User "streams-only" cannot get resource "imagestreamimages" in API group "image.openshift.io" in the namespace "apps"`,
      reason: 'Forbidden',
      details: {
        name: `frontend@${digest}`,
        group: 'image.openshift.io',
        kind: 'imagestreamimages',
      },
      code: 403,
    });
    const tag = await callSimulator(sim, `${B}/namespaces/apps/imagestreamtags/frontend:latest`, {
      headers: bearer('streams'),
    });
    expect(tag.body.message).toBe(
      'imagestreamtags.image.openshift.io "frontend:latest" is forbidden: User "streams-only" cannot get resource "imagestreamtags" in API group "image.openshift.io" in the namespace "apps"',
    );
    const layers = await callSimulator(sim, `${B}/namespaces/apps/imagestreams/frontend/layers`, {
      headers: bearer('streams'),
    });
    expect(layers.body.message).toBe(
      'imagestreams.image.openshift.io "frontend" is forbidden: User "streams-only" cannot get resource "imagestreams/layers" in API group "image.openshift.io" in the namespace "apps"',
    );
  });

  it('needs a cluster-wide grant for the list of image streams in all namespaces', async () => {
    const denied = await callSimulator(sim, `${B}/imagestreams`, { headers: bearer('streams') });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe(
      'imagestreams.image.openshift.io is forbidden: User "streams-only" cannot list resource "imagestreams" in API group "image.openshift.io" at the cluster scope',
    );
    expect(denied.body.details).toEqual({ group: 'image.openshift.io', kind: 'imagestreams' });
    expect(
      (await callSimulator(sim, `${B}/imagestreams`, { headers: bearer('reader') })).status,
    ).toBe(200);
  });

  it('answers 404 for a resource the group does not serve and 405 for a method it never takes, before authentication', async () => {
    expect((await callSimulator(sim, `${B}/namespaces/apps/pods`)).status).toBe(404);
    const post = await callSimulator(sim, `${B}/namespaces/apps/imagestreams`, {
      method: 'POST',
      body: '{}',
    });
    expect(post.status).toBe(405);
    expect(post.body.reason).toBe('MethodNotAllowed');
    expect((await callSimulator(sim, `${B}/images`, { method: 'DELETE' })).status).toBe(405);
    expect(
      (await callSimulator(sim, `${B}/namespaces/apps/imagestreams/frontend`, { method: 'HEAD' }))
        .status,
    ).toBe(405);
  });

  it('authorizes before finding out that nothing serves a path, as the API server does', async () => {
    const list = `${B}/namespaces/apps/imagestreamimages`;
    const denied = await callSimulator(sim, list, { headers: bearer('streams') });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('cannot list resource "imagestreamimages"');
    const missing = await callSimulator(sim, list, { headers: bearer('reader') });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('the server could not find the requested resource');
  });

  it('authorizes a watch as the verb watch; 404 where no route serves the watch', async () => {
    const path = `${B}/namespaces/apps/imagestreams?watch=true`;
    const denied = await callSimulator(sim, path, { headers: bearer('streams') });
    expect(denied.body.message).toBe(
      'imagestreams.image.openshift.io is forbidden: User "streams-only" cannot watch resource "imagestreams" in API group "image.openshift.io" in the namespace "apps"',
    );
    const unserved = `${B}/namespaces/apps/imagestreamtags?watch=true`;
    expect((await callSimulator(sim, unserved, { headers: bearer('reader') })).status).toBe(404);
  });

  it('answers 401 for unknown tokens, inherited property names included', async () => {
    for (const token of ['nope', 'constructor', '__proto__']) {
      const answer = await callSimulator(sim, `${B}/namespaces/apps/imagestreams/frontend`, {
        headers: bearer(token),
      });
      expect({ token, status: answer.status }).toEqual({ token, status: 401 });
    }
  });
});
