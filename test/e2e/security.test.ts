import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTlsCertificate } from '../../src/simulator/createTlsCertificate.js';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

const CANARY = 'sha256~CANARY-c4n4ry-t0k3n-never-print-me';

describe('a bearer token never leaves the request', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      clusters: [
        {
          name: 'east',
          token: CANARY,
          grants: { [CANARY]: { user: 'canary', namespaces: ['apps'] } },
        },
        // west does not know the token: every call is a 401.
        { name: 'west', token: CANARY, grants: {} },
      ],
      upstream: { attemptTimeoutMs: 200, retry: { limit: 1, baseDelayMs: 10, maxDelayMs: 20 } },
      logLevel: 'trace',
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('appears in no response, no log line and no metric, on success or on any failure', async () => {
    const east = stack.sims['east']!;
    const digest = historyOf(east, 'apps', 'frontend')[0];
    const texts: string[] = [];
    for (const fault of [
      undefined,
      { kind: 'reset' },
      { kind: 'unavailable' },
      { kind: 'invalid-json' },
      { kind: 'hang' },
      { kind: 'rate-limit', retryAfterSeconds: 30 },
    ] as const) {
      east.clearFaults();
      if (fault) east.addFault({ fault, times: Infinity });
      const res = await stack.gql(`{
        a: imageStreamImage(cluster: "east", namespace: "apps", name: "frontend@${digest}") { name }
        b: imageStreamImage(cluster: "west", namespace: "apps", name: "frontend@${digest}") { name }
        c: imageStream(cluster: "east", namespace: "openshift", name: "python") { name }
        d: imageLocations(digest: "${digest}") { stream }
      }`);
      texts.push(res.text);
    }
    east.clearFaults();
    texts.push(await (await fetch(stack.url.replace('/graphql', '/metrics'))).text());
    expect(texts.at(-1)).toContain('image_gateway_upstream_requests_total');
    expect(texts.join('\n')).toContain('UNAUTHENTICATED');
    expect(texts.join('\n')).toContain('FORBIDDEN');
    expect(stack.logs.length).toBeGreaterThan(10);
    for (const text of [...texts, ...stack.logs]) expect(text).not.toContain('c4n4ry');
  });
});

describe("the gateway's own token, echoed back by an upstream or a proxy", () => {
  // Not shaped like a token: only redaction by value can catch it.
  const OWN = 'plainlookingowntoken42';
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      clusters: [{ name: 'east', token: OWN, grants: { [OWN]: { user: 'gw', namespaces: '*' } } }],
      upstream: { retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1 } },
      logLevel: 'trace',
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('is never relayed to a caller, from a Status message or an HTML page', async () => {
    const east = stack.sims['east']!;
    const seen: string[] = [];
    for (const fault of [
      { kind: 'echo-authorization' },
      { kind: 'echo-authorization', status: 403 },
      { kind: 'html' },
      { kind: 'plain-text', status: 502, body: `upstream said ${OWN}` },
    ] as const) {
      east.clearFaults();
      east.addFault({ fault, times: Infinity });
      const res = await stack.gql(
        '{ imageStream(namespace: "openshift", name: "python") { name } }',
      );
      expect(res.body.errors?.[0]?.extensions?.['cluster']).toBe('east');
      seen.push(res.text);
    }
    east.clearFaults();
    for (const text of [...seen, ...stack.logs]) expect(text).not.toContain(OWN);
    expect(seen.join('\n')).not.toContain('Application is not available');
  });
});

describe('TLS to the API server', () => {
  let stack: Stack;
  beforeAll(async () => {
    const [trusted, stranger] = await Promise.all([
      createTlsCertificate('trusted'),
      createTlsCertificate('stranger'),
    ]);
    stack = await startStack({
      clusters: [
        { name: 'good', tls: trusted, caPem: trusted.cert },
        // Serves a certificate the configured CA did not sign.
        { name: 'bad', tls: stranger, caPem: trusted.cert },
      ],
      upstream: { retry: { limit: 0, baseDelayMs: 10, maxDelayMs: 10 } },
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('verifies the server against the cluster CA: data from the good one, UPSTREAM_UNAVAILABLE from the other', async () => {
    const { body } = await stack.gql(`{
      good: imageStream(cluster: "good", namespace: "openshift", name: "python") { name }
      bad: imageStream(cluster: "bad", namespace: "openshift", name: "python") { name }
    }`);
    expect(stack.sims['good']?.url).toMatch(/^https:/);
    expect(body.data).toEqual({ good: { name: 'python' }, bad: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', cluster: 'bad' });
    expect(stack.sims['bad']?.count()).toBe(0);
  });
});

describe('--auth passthrough', () => {
  let stack: Stack;
  beforeAll(async () => {
    const grants = {
      alice: { user: 'alice', namespaces: ['apps'] },
      bob: { user: 'bob', namespaces: ['openshift'] },
    };
    stack = await startStack({
      clusters: [
        { name: 'east', token: 'gateway-own-token', grants },
        {
          name: 'west',
          token: 'gateway-own-token',
          grants: { 'west-carol': { user: 'carol', namespaces: ['apps'] } },
        },
      ],
      auth: 'passthrough',
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  const QUERY = `{ apps: imageStream(cluster: "east", namespace: "apps", name: "frontend") { name } os: imageStream(cluster: "east", namespace: "openshift", name: "python") { name } }`;

  it("forwards each caller's own token, so each sees only what it may", async () => {
    const alice = await stack.gql(QUERY, undefined, { authorization: 'Bearer alice' });
    expect(alice.body.data).toEqual({ apps: { name: 'frontend' }, os: null });
    expect(alice.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const bob = await stack.gql(QUERY, undefined, { authorization: 'Bearer bob' });
    expect(bob.body.data).toEqual({ apps: null, os: { name: 'python' } });
  });

  it('sends a per-cluster token from X-Cluster-Authorization-<cluster> to that cluster only', async () => {
    for (const sim of Object.values(stack.sims)) sim.resetCounts();
    const { body } = await stack.gql(
      `{ e: imageStream(cluster: "east", namespace: "apps", name: "frontend") { name } w: imageStream(cluster: "west", namespace: "apps", name: "frontend") { name } }`,
      undefined,
      { authorization: 'Bearer alice', 'x-cluster-authorization-west': 'Bearer west-carol' },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ e: { name: 'frontend' }, w: { name: 'frontend' } });
    const onlyWest = await stack.gql(
      `{ e: imageStream(cluster: "east", namespace: "apps", name: "frontend") { name } }`,
      undefined,
      {
        'x-cluster-authorization-west': 'Bearer west-carol',
      },
    );
    expect(onlyWest.body.errors?.[0]?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      cluster: 'east',
    });
    expect(stack.sims['east']?.count()).toBe(1);
  });

  it("sends a caller's token only to the clusters the operation touches", async () => {
    for (const sim of Object.values(stack.sims)) sim.resetCounts();
    const { body } = await stack.gql(
      `{ a: imageStream(cluster: "east", namespace: "apps", name: "frontend") { name } c: clusters { name } }`,
      undefined,
      { authorization: 'Bearer alice' },
    );
    expect(body.errors).toBeUndefined();
    expect(stack.sims['east']?.count()).toBe(1);
    expect(stack.sims['west']?.count()).toBe(0);
  });

  it('answers UNAUTHENTICATED without any upstream call when the caller sends no token', async () => {
    stack.sims['east']?.resetCounts();
    const { body } = await stack.gql(QUERY);
    expect(body.data).toEqual({ apps: null, os: null });
    expect(body.errors?.map((e) => e.extensions?.['code'])).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
    expect(stack.sims['east']?.count()).toBe(0);
  });
});
