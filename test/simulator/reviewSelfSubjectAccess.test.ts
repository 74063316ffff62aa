import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { bearer, callSimulator, parseRawResponse, sendRaw, type Reply } from './callSimulator.js';

const B = '/apis/image.openshift.io/v1';
const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

let sim: Simulator;
let digest: string;

beforeAll(async () => {
  sim = await createSimulator({
    name: 'east',
    seedOptions: { benchStreams: 1, benchImagesPerStream: 1 },
    tokens: {
      admin: { user: 'admin', namespaces: '*' },
      viewer: { user: 'viewer', namespaces: ['apps'] },
      custom: {
        user: 'custom',
        namespaces: ['apps'],
        resources: { imagestreams: ['get', 'list'] },
      },
      'no-layers': { user: 'no-layers', namespaces: '*', layers: false },
      'cluster-images': {
        user: 'auditor',
        namespaces: '*',
        resources: { images: ['get', 'list'], imagestreamimages: ['get'] },
      },
      nobody: { user: 'nobody', namespaces: [] },
    },
  });
  digest =
    sim.data.streams.get('apps')?.get('frontend')?.status?.tags?.[0]?.items?.[0]?.image ?? '';
});
afterAll(async () => {
  await sim.close();
});

interface Attributes {
  namespace?: string;
  verb: string;
  group?: string;
  resource: string;
  subresource?: string;
  name?: string;
}

const reviewBody = (resourceAttributes: object) =>
  JSON.stringify({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes },
  });

/** POSTs a review; JSON unless another content type is given (fetch would say text/plain). */
function review(
  token: string | undefined,
  body: string | Buffer,
  contentType = 'application/json',
): Promise<Reply> {
  const headers: Record<string, string> = token === undefined ? {} : bearer(token);
  headers['content-type'] = contentType;
  return callSimulator(sim, SSAR, { method: 'POST', headers, body });
}

/** Each read of the image API, and the attributes the API server authorizes it by. */
function reads(): { path: string; attributes: Attributes }[] {
  const ns = (resource: string, name?: string, subresource?: string): Attributes => ({
    namespace: 'apps',
    verb: name === undefined ? 'list' : 'get',
    group: 'image.openshift.io',
    resource,
    ...(name === undefined ? {} : { name }),
    ...(subresource === undefined ? {} : { subresource }),
  });
  return [
    { path: `${B}/namespaces/apps/imagestreams`, attributes: ns('imagestreams') },
    {
      path: `${B}/namespaces/apps/imagestreams/frontend`,
      attributes: ns('imagestreams', 'frontend'),
    },
    {
      path: `${B}/namespaces/apps/imagestreams/frontend/layers`,
      attributes: ns('imagestreams', 'frontend', 'layers'),
    },
    {
      path: `${B}/namespaces/apps/imagestreamimages/frontend@${digest}`,
      attributes: ns('imagestreamimages', `frontend@${digest}`),
    },
    {
      path: `${B}/namespaces/apps/imagestreamtags/frontend:latest`,
      attributes: ns('imagestreamtags', 'frontend:latest'),
    },
    {
      path: `${B}/namespaces/openshift/imagestreams/python`,
      attributes: { ...ns('imagestreams', 'python'), namespace: 'openshift' },
    },
    {
      path: `${B}/imagestreams`,
      attributes: { verb: 'list', group: 'image.openshift.io', resource: 'imagestreams' },
    },
    {
      path: `${B}/images/${digest}`,
      attributes: { verb: 'get', group: 'image.openshift.io', resource: 'images', name: digest },
    },
  ];
}

describe('SelfSubjectAccessReview', () => {
  it('answers exactly what the read does, for every token and read', async () => {
    const expected: Record<string, boolean[]> = {
      // list, get stream, layers, isimage, istag, other namespace, cluster list, image
      admin: [true, true, true, true, true, true, true, true],
      viewer: [true, true, true, true, true, false, false, false],
      custom: [true, true, false, false, false, false, false, false],
      'no-layers': [true, true, false, true, true, true, true, true],
      'cluster-images': [false, false, false, true, false, false, false, true],
      nobody: [false, false, false, false, false, false, false, false],
    };
    for (const [token, allowed] of Object.entries(expected)) {
      const byRead: boolean[] = [];
      const byReview: boolean[] = [];
      for (const { path, attributes } of reads()) {
        const read = await callSimulator(sim, path, { headers: bearer(token) });
        expect([200, 403], `${token} ${path}`).toContain(read.status);
        byRead.push(read.status === 200);
        const answer = await review(token, reviewBody(attributes));
        expect(answer.status).toBe(201);
        byReview.push(answer.body.status.allowed);
      }
      expect({ token, byRead }).toEqual({ token, byRead: allowed });
      expect({ token, byReview }).toEqual({ token, byReview: allowed });
    }
  });

  it('echoes the review with status.allowed and the RBAC reason', async () => {
    const attributes = {
      namespace: 'apps',
      verb: 'get',
      group: 'image.openshift.io',
      resource: 'imagestreamimages',
    };
    const allowed = await review('viewer', reviewBody(attributes), 'application/json');
    expect(allowed.status).toBe(201);
    expect(allowed.body).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: attributes },
      status: {
        allowed: true,
        reason:
          'RBAC: allowed by RoleBinding "simulated:viewer/apps" of ClusterRole "simulated-reader" to User "viewer"',
      },
    });
    const denied = await review('custom', reviewBody(attributes));
    expect(denied.body.status).toEqual({ allowed: false });
  });

  it('takes a review without kind and apiVersion, drops unknown and empty fields', async () => {
    const body = JSON.stringify({
      spec: {
        resourceAttributes: {
          namespace: 'apps',
          verb: 'get',
          resource: 'imagestreams',
          group: 'image.openshift.io',
          name: '',
          extra: 1,
        },
        user: 'admin',
      },
    });
    const answer = await review('custom', body);
    expect(answer.status).toBe(201);
    expect(answer.body.spec).toEqual({
      resourceAttributes: {
        namespace: 'apps',
        verb: 'get',
        resource: 'imagestreams',
        group: 'image.openshift.io',
      },
    });
    expect(answer.body.status.allowed).toBe(true);
  });

  it('answers a review of discovery paths as system:discovery allows them', async () => {
    const body = (path: string, verb: string) =>
      JSON.stringify({ spec: { nonResourceAttributes: { path, verb } } });
    expect(
      (await review('nobody', body('/apis/image.openshift.io/v1', 'get'))).body.status.allowed,
    ).toBe(true);
    expect((await review('nobody', body('/metrics', 'get'))).body.status).toEqual({
      allowed: false,
    });
  });

  it('refuses a review without a token as system:anonymous, and an unknown token with 401', async () => {
    const anonymous = await review(
      undefined,
      reviewBody({ verb: 'get', resource: 'imagestreams' }),
    );
    expect(anonymous.status).toBe(403);
    expect(anonymous.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "system:anonymous" cannot create resource "selfsubjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope',
      reason: 'Forbidden',
      details: { group: 'authorization.k8s.io', kind: 'selfsubjectaccessreviews' },
      code: 403,
    });
    const unknown = await review('stolen', reviewBody({ verb: 'get', resource: 'imagestreams' }));
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ reason: 'Unauthorized', message: 'Unauthorized' });
  });

  it('answers 400 BadRequest to a body that is not a review', async () => {
    const cases: [string, string][] = [
      [
        'not json',
        "the object provided is unrecognized (must be of type SelfSubjectAccessReview): couldn't get version/kind; json parse error: ",
      ],
      [
        '[1,2]',
        "the object provided is unrecognized (must be of type SelfSubjectAccessReview): couldn't get version/kind; json: cannot unmarshal array into Go value of type struct (5b312c325d)",
      ],
      [
        '',
        "the object provided is unrecognized (must be of type SelfSubjectAccessReview): couldn't get version/kind; json parse error: ",
      ],
      [
        '{"kind":"Pod","apiVersion":"v1"}',
        'Pod in version "v1" cannot be handled as a SelfSubjectAccessReview: no kind "Pod" is registered for version "v1"',
      ],
      [
        '{"kind":7}',
        'the object provided is unrecognized (must be of type SelfSubjectAccessReview): couldn\'t get version/kind; json: cannot unmarshal kind or apiVersion into Go value of type string ({"kind":7})',
      ],
      [
        '{"spec":"x"}',
        'SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: json: cannot unmarshal string into Go struct field SelfSubjectAccessReview.spec of type v1.SelfSubjectAccessReviewSpec',
      ],
      [
        '{"spec":{"resourceAttributes":[]}}',
        'SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: json: cannot unmarshal array into Go struct field SelfSubjectAccessReviewSpec.spec.resourceAttributes of type v1.ResourceAttributes',
      ],
      [
        '{"spec":{"resourceAttributes":{"verb":["get"]}}}',
        'SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: json: cannot unmarshal array into Go struct field ResourceAttributes.spec.resourceAttributes.verb of type string',
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await review('viewer', body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
      expect(answer.body.details).toBeUndefined();
      expect(answer.body.message.startsWith(message), answer.body.message).toBe(true);
    }
    const deep = await review('viewer', `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(deep.status).toBe(400);
  });

  it('answers 422 Invalid to a spec without exactly one kind of attributes', async () => {
    const none = await review('viewer', '{"spec":{}}');
    expect(none.status).toBe(422);
    expect(none.body).toMatchObject({
      reason: 'Invalid',
      message:
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      details: { group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview' },
    });
    const both = await review(
      'viewer',
      '{"spec":{"resourceAttributes":{"verb":"get"},"nonResourceAttributes":{"path":"/apis","verb":"get"}}}',
    );
    expect(both.status).toBe(422);
    expect(both.body.details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.nonResourceAttributes',
        message:
          'Invalid value: "object": cannot be specified in combination with resourceAttributes',
      },
    ]);
  });

  it('answers 415 to a body that is not JSON by its content type', async () => {
    const answer = await review('viewer', reviewBody({ verb: 'get' }), 'application/yaml');
    expect(answer.status).toBe(415);
    expect(answer.body.reason).toBe('UnsupportedMediaType');
    // What fetch sends with a string body unless told otherwise: refused, as the server does.
    expect(
      (await review('viewer', reviewBody({ verb: 'get' }), 'text/plain;charset=UTF-8')).status,
    ).toBe(415);
    // No content type at all is read as JSON (the server's default serializer).
    const untyped = await callSimulator(sim, SSAR, {
      method: 'POST',
      headers: bearer('viewer'),
      body: Buffer.from(reviewBody({ verb: 'get' })),
    });
    expect(untyped.status).toBe(201);
    expect(
      (await review('viewer', reviewBody({ verb: 'get' }), 'Application/JSON; charset=utf-8'))
        .status,
    ).toBe(201);
  });

  it('reads a body of exactly 1 MiB and refuses one byte more with 413', async () => {
    const valid = reviewBody({
      namespace: 'apps',
      verb: 'get',
      resource: 'imagestreams',
      group: 'image.openshift.io',
    });
    const limit = 1024 * 1024;
    const padded = Buffer.from(valid.padEnd(limit, ' '));
    expect(padded.length).toBe(limit);
    const atLimit = await review('viewer', padded);
    expect(atLimit.status).toBe(201);
    expect(atLimit.body.status.allowed).toBe(true);
    const over = await review('viewer', Buffer.concat([padded, Buffer.from(' ')]));
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({
      reason: 'RequestEntityTooLarge',
      message: 'Request entity too large: limit is 1048576',
      code: 413,
    });
  });

  it('answers 413 without waiting for the rest of a body declared larger than it sends', async () => {
    const sent = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const raw = await sendRaw(
      sim,
      Buffer.concat([
        Buffer.from(
          `POST ${SSAR} HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer viewer\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`,
        ),
        sent,
      ]),
    );
    expect(parseRawResponse(raw).status).toBe(413);
  });

  it('refuses GET on the review path with 405 and counts every review under its resource', async () => {
    sim.resetCounts();
    expect((await callSimulator(sim, SSAR, { headers: bearer('viewer') })).status).toBe(405);
    await review('viewer', reviewBody({ verb: 'get' }));
    await review(undefined, reviewBody({ verb: 'get' }));
    await review('stolen', reviewBody({ verb: 'get' }));
    expect(sim.count('selfsubjectaccessreviews')).toBe(4);
    expect(sim.count()).toBe(4);
  });
});
