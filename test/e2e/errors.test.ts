import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/simulator/createSimulator.js';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    clusters: [
      { name: 'east' },
      { name: 'west' },
      {
        name: 'narrow',
        token: 'narrow-token',
        grants: { 'narrow-token': { user: 'dev', namespaces: ['openshift'] } },
      },
      { name: 'stale', token: 'expired-token' },
    ],
    // Short budgets so that timeouts and retries show within a test.
    // Each failure here is checked on its own: the circuit breaker (tested in resilience.test.ts)
    // must not turn them into fast failures, nor the retry budget cut their retries.
    // The attempt timeout is long enough that a healthy answer on a loaded machine is never
    // taken for a hang; the request deadline never cuts a row's retries short.
    upstream: {
      attemptTimeoutMs: 500,
      retry: { limit: 2, baseDelayMs: 20, maxDelayMs: 100 },
      circuitBreaker: { failureThreshold: 1_000, openMs: 1_000 },
      retryBudget: { ratio: 1, minRetries: 1_000, windowMs: 10_000 },
    },
    deadlineMs: 30_000,
  });
});
afterAll(async () => {
  await stack.close();
});

const east = (): NonNullable<Stack['sims'][string]> => stack.sims['east']!;
const DIGESTS = (): string[] => historyOf(east(), 'apps', 'frontend');
const ONE = `query($c: String, $ns: String!, $n: String!) { imageStreamImage(cluster: $c, namespace: $ns, name: $n) { name image { name } } }`;

async function failWith(
  fault: Fault,
  times = Infinity,
): Promise<{ code: unknown; upstream: unknown; cluster: unknown; calls: number }> {
  east().clearFaults();
  east().resetCounts();
  east().addFault({ resource: 'imagestreamimages', fault, times });
  const { body } = await stack.gql(ONE, { c: 'east', ns: 'apps', n: `frontend@${DIGESTS()[0]}` });
  east().clearFaults();
  expect(body.data?.['imageStreamImage']).toBeNull();
  const ext = body.errors?.[0]?.extensions ?? {};
  return {
    code: ext['code'],
    upstream: ext['upstream'],
    cluster: ext['cluster'],
    calls: east().count('imagestreamimages'),
  };
}

describe('errors from upstream answers', () => {
  it('maps the three 404s to NOT_FOUND and says which resource was missing', async () => {
    const digest = DIGESTS()[0];
    const other = historyOf(east(), 'apps', 'backend')[0];
    const { body } = await stack.gql(`{
      noStream: imageStreamImage(cluster: "east", namespace: "apps", name: "nope@${digest}") { name }
      notInStream: imageStreamImage(cluster: "east", namespace: "apps", name: "frontend@${other}") { name }
      pruned: imageStreamImage(cluster: "east", namespace: "openshift", name: "wildfly@sha256:7e4c604e6ffad326607461165ef2f23dff5158e0249a3d4f7c0ef3eea58b1d2f") { name }
      ok: imageStreamImage(cluster: "east", namespace: "apps", name: "frontend@${digest}") { name }
    }`);
    expect(body.data).toEqual({
      noStream: null,
      notInStream: null,
      pruned: null,
      ok: { name: `frontend@${digest}` },
    });
    const byPath = Object.fromEntries((body.errors ?? []).map((e) => [e.path?.[0], e.extensions]));
    expect(byPath['noStream']).toEqual({
      code: 'NOT_FOUND',
      cluster: 'east',
      upstream: { status: 404, reason: 'NotFound', kind: 'imagestreams' },
    });
    expect(byPath['notInStream']).toEqual({
      code: 'NOT_FOUND',
      cluster: 'east',
      upstream: { status: 404, reason: 'NotFound', kind: 'imagestreamimage' },
    });
    expect(byPath['pruned']).toEqual({
      code: 'NOT_FOUND',
      cluster: 'east',
      upstream: { status: 404, reason: 'NotFound', kind: 'images' },
    });
  });

  it('maps 401 to UNAUTHENTICATED and 403 to FORBIDDEN, never retried', async () => {
    for (const sim of Object.values(stack.sims)) sim.resetCounts();
    const { body } = await stack.gql(`{
      denied: imageStream(cluster: "narrow", namespace: "apps", name: "frontend") { name }
      allowed: imageStream(cluster: "narrow", namespace: "openshift", name: "python") { name }
      expired: imageStream(cluster: "stale", namespace: "apps", name: "frontend") { name }
    }`);
    expect(body.data).toEqual({ denied: null, allowed: { name: 'python' }, expired: null });
    const byPath = Object.fromEntries((body.errors ?? []).map((e) => [e.path?.[0], e]));
    expect(byPath['denied']?.extensions).toEqual({
      code: 'FORBIDDEN',
      cluster: 'narrow',
      upstream: { status: 403, reason: 'Forbidden', kind: 'imagestreams' },
    });
    expect(byPath['denied']?.message).toContain('User "dev" cannot get resource "imagestreams"');
    expect(byPath['expired']?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      cluster: 'stale',
      upstream: { status: 401, reason: 'Unauthorized' },
    });
    expect(stack.sims['narrow']?.count()).toBe(2);
    expect(stack.sims['stale']?.count()).toBe(1);
  });

  it('retries a 429 with Retry-After and succeeds', async () => {
    east().resetCounts();
    // Retry-After: 0 is retried at once: the retry is what is tested, not the wait.
    east().addFault({
      resource: 'imagestreamimages',
      fault: { kind: 'rate-limit', retryAfterSeconds: 0 },
      times: 1,
    });
    const { body } = await stack.gql(ONE, { c: 'east', ns: 'apps', n: `frontend@${DIGESTS()[1]}` });
    expect(body.errors).toBeUndefined();
    expect(body.data?.['imageStreamImage']).toEqual({
      name: `frontend@${DIGESTS()[1]}`,
      image: { name: DIGESTS()[1] },
    });
    expect(east().count('imagestreamimages')).toBe(2);
  });

  it('retries a 500 ServerTimeout (Retry-After) and succeeds', async () => {
    east().resetCounts();
    east().addFault({
      resource: 'imagestreamimages',
      fault: { kind: 'server-timeout', retryAfterSeconds: 0 },
      times: 1,
    });
    const { body } = await stack.gql(ONE, { c: 'east', ns: 'apps', n: `frontend@${DIGESTS()[2]}` });
    expect(body.errors).toBeUndefined();
    expect(east().count('imagestreamimages')).toBe(2);
  });

  it('gives RATE_LIMITED when Retry-After reaches past the deadline, without waiting for it', async () => {
    const result = await failWith({ kind: 'rate-limit', retryAfterSeconds: 60 });
    expect(result).toEqual({
      code: 'RATE_LIMITED',
      cluster: 'east',
      upstream: { status: 429, reason: 'Too Many Requests' },
      calls: 1,
    });
  });

  it('gives UPSTREAM_UNAVAILABLE for a 503 after the retries', async () => {
    const result = await failWith({ kind: 'unavailable' });
    expect(result).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      cluster: 'east',
      upstream: { status: 503, reason: 'ServiceUnavailable' },
      calls: 3,
    });
  });

  it('gives UPSTREAM_UNAVAILABLE for a plain 500 without retrying it', async () => {
    const result = await failWith({ kind: 'status', status: 500, reason: 'InternalError' });
    expect(result).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      cluster: 'east',
      upstream: { status: 500, reason: 'InternalError' },
      calls: 1,
    });
  });

  it('gives UPSTREAM_UNAVAILABLE for resets, truncated and malformed bodies', async () => {
    expect(await failWith({ kind: 'reset' })).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      calls: 3,
    });
    expect(await failWith({ kind: 'reset-mid-body' })).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
    expect(await failWith({ kind: 'truncate' })).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      cluster: 'east',
      upstream: { status: 200, reason: 'MalformedBody' },
      calls: 1,
    });
    expect(await failWith({ kind: 'invalid-json' })).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      cluster: 'east',
      upstream: { status: 200, reason: 'MalformedBody' },
      calls: 1,
    });
  });

  it('gives UPSTREAM_TIMEOUT when the API server hangs', async () => {
    const result = await failWith({ kind: 'hang' });
    expect(result).toMatchObject({ code: 'UPSTREAM_TIMEOUT', cluster: 'east', calls: 3 });
  });

  it('nulls only the failed item of a batch', async () => {
    const digests = DIGESTS();
    east().addFault({
      resource: 'imagestreamimages',
      pathIncludes: digests[1],
      fault: { kind: 'status', status: 500 },
      times: 1,
    });
    const refs = digests.map((d) => ({
      cluster: 'east',
      namespace: 'apps',
      name: `frontend@${d}`,
    }));
    const { body } = await stack.gql(
      `query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { image { name } } }`,
      { refs },
    );
    const items = body.data?.['imageStreamImages'] as ({ image: { name: string } } | null)[];
    expect(items.map((i) => i?.image.name ?? null)).toEqual(
      digests.map((d, i) => (i === 1 ? null : d)),
    );
    expect(body.errors?.map((e) => [e.path, e.extensions?.['code']])).toEqual([
      [['imageStreamImages', 1], 'UPSTREAM_UNAVAILABLE'],
    ]);
  });

  it("returns the healthy clusters' locations and an error naming the cluster that failed", async () => {
    const digest = historyOf(east(), 'shared', 'base')[0];
    east().addFault({ resource: 'imagestreams', fault: { kind: 'unavailable' }, times: Infinity });
    const { body } = await stack.gql(
      `{ imageLocations(digest: "${digest}", clusters: ["east", "west"]) { cluster { name } namespace stream tags } }`,
    );
    east().clearFaults();
    expect(body.data?.['imageLocations']).toEqual([
      { cluster: { name: 'west' }, namespace: 'shared', stream: 'base', tags: ['latest', 'v3'] },
    ]);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      path: ['imageLocations'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', cluster: 'east', upstream: { status: 503 } },
    });
  });
});

describe('bad input', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      'namespace',
      { c: 'east', ns: 'Bad_NS', n: 'frontend@sha256:' + 'a'.repeat(64) },
      /Argument "namespace" must be a DNS-1123 label.*"Bad_NS"/,
    ],
    [
      'stream',
      { c: 'east', ns: 'apps', n: 'Front..end@sha256:' + 'a'.repeat(64) },
      /Argument "name" must name an image stream/,
    ],
    [
      'short digest',
      { c: 'east', ns: 'apps', n: 'frontend@sha256:abc' },
      /full digest, "sha256:" followed by 64 lowercase hex digits; got "sha256:abc"/,
    ],
    [
      'upper-case digest',
      { c: 'east', ns: 'apps', n: 'frontend@sha256:' + 'A'.repeat(64) },
      /full digest/,
    ],
    [
      'missing @',
      { c: 'east', ns: 'apps', n: 'frontend' },
      /must be "<stream>@sha256:<64 lowercase hex>"/,
    ],
    [
      'unknown cluster',
      { c: 'north', ns: 'apps', n: 'frontend@sha256:' + 'a'.repeat(64) },
      /unknown cluster "north" \(clusters: "east", "west", "narrow", "stale"\)/,
    ],
    [
      'omitted cluster',
      { ns: 'apps', n: 'frontend@sha256:' + 'a'.repeat(64) },
      /Argument "cluster" is required when more than one cluster is configured/,
    ],
  ];
  for (const [what, variables, message] of cases) {
    it(`rejects a bad ${what} with BAD_USER_INPUT and no upstream call`, async () => {
      for (const sim of Object.values(stack.sims)) sim.resetCounts();
      const { body } = await stack.gql(ONE, variables);
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
      expect(body.errors?.[0]?.message).toMatch(message);
      expect(Object.values(stack.sims).reduce((n, s) => n + s.count(), 0)).toBe(0);
    });
  }

  it('rejects a bad tag name and a bad imageLocations digest', async () => {
    const tag = await stack.gql(
      `{ imageStreamTag(cluster: "east", namespace: "apps", name: "frontend:-bad") { name } }`,
    );
    expect(tag.body.errors?.[0]?.message).toMatch(/invalid tag/);
    const loc = await stack.gql(`{ imageLocations(digest: "latest") { stream } }`);
    expect(loc.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(east().count()).toBe(0);
  });

  it('nulls only a bad ref in imageStreamImages and names its index', async () => {
    east().resetCounts();
    const good = `frontend@${DIGESTS()[0]}`;
    const { body } = await stack.gql(
      `query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name } }`,
      {
        refs: [
          { cluster: 'east', namespace: 'apps', name: good },
          { cluster: 'east', namespace: 'apps', name: 'frontend@sha256:1' },
        ],
      },
    );
    expect(body.data?.['imageStreamImages']).toEqual([{ name: good }, null]);
    expect(body.errors?.[0]).toMatchObject({
      path: ['imageStreamImages', 1],
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(body.errors?.[0]?.message).toMatch(/Argument "refs\[1\]\.name"/);
    expect(east().count()).toBe(1);
  });

  it('rejects more refs than the limit before any upstream call', async () => {
    east().resetCounts();
    const refs = Array.from({ length: 501 }, () => ({
      cluster: 'east',
      namespace: 'apps',
      name: `frontend@${DIGESTS()[0]}`,
    }));
    const { body } = await stack.gql(
      `query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name } }`,
      { refs },
    );
    expect(body.errors?.[0]?.message).toBe('Argument "refs" takes at most 500 items; got 501.');
    expect(east().count()).toBe(0);
  });

  it('maps GraphQL syntax and validation errors to BAD_USER_INPUT', async () => {
    const syntax = await stack.gql('{ clusters { name }');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_PARSE_FAILED',
    });
    const unknown = await stack.gql('{ clusters { nope } }');
    expect(unknown.body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_VALIDATION_FAILED',
    });
  });
});
