import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessReviews, identityOf } from '../../src/authz/createAccessReviews.js';
import type { ImageApiClient } from '../../src/upstream/createImageApiClient.js';
import { until } from '../helpers/until.js';
import { createOperationBudget } from '../../src/upstream/createOperationBudget.js';
import type { AccessAttributes } from '../../src/upstream/resources.js';
import {
  startSimulatedClusters,
  type SimulatedClusters,
} from '../helpers/startSimulatedClusters.js';

const grants = {
  'demo-token-east': { user: 'gateway', namespaces: '*' as const },
  'reader-token': { user: 'reader', namespaces: '*' as const },
  'streams-only-token': {
    user: 'streams-only',
    namespaces: '*' as const,
    resources: { imagestreams: ['get', 'list'] },
  },
};

let clusters: SimulatedClusters;
let east: ImageApiClient;
let west: ImageApiClient;
beforeAll(async () => {
  clusters = await startSimulatedClusters([
    { name: 'east', grants },
    { name: 'west', grants: { ...grants, 'demo-token-west': grants['demo-token-east'] } },
  ]);
  east = clusters.registry.resolve('east');
  west = clusters.registry.resolve('west');
});
afterAll(async () => {
  await clusters.close();
});

const GET_IMAGES: AccessAttributes = {
  namespace: 'openshift',
  verb: 'get',
  group: 'image.openshift.io',
  resource: 'imagestreamimages',
};
const READER = { bearerToken: 'reader-token' };
const reviews = (): number =>
  clusters.sim('east').count('selfsubjectaccessreviews') +
  clusters.sim('west').count('selfsubjectaccessreviews');

describe('identityOf', () => {
  const hash = (token: string): string =>
    `token:${createHash('sha256').update(token).digest('base64url')}`;

  it('is the gateway itself when the call carries no caller token', () => {
    expect(identityOf({}, 'east')).toBe('gateway');
  });

  it('is anonymous, never the gateway, for a caller’s call without a token (sent without one)', () => {
    expect(identityOf({ asCaller: true }, 'east')).toBe('anonymous');
  });

  it('is a hash of the caller’s token, never the token', () => {
    const identity = identityOf({ bearerToken: 'sha256~secret-token-value' }, 'east');
    expect(identity).toBe(hash('sha256~secret-token-value'));
    expect(identity).not.toContain('secret-token-value');
  });

  it('prefers the token sent for that cluster’s header over the general one', () => {
    const call = {
      bearerToken: 'general-token',
      clusterTokens: new Map([['east', 'east-token']]),
    };
    expect(identityOf(call, 'east')).toBe(hash('east-token'));
    expect(identityOf(call, 'west')).toBe(hash('general-token'));
  });

  it('tells tokens apart that differ in one character', () => {
    expect(identityOf({ bearerToken: 'token-a' }, 'east')).not.toBe(
      identityOf({ bearerToken: 'token-b' }, 'east'),
    );
  });
});

describe('createAccessReviews', () => {
  it('answers as the API server authorizes the caller, resource by resource', async () => {
    const access = createAccessReviews({ ttlMs: 0 });
    const streamsOnly = { bearerToken: 'streams-only-token' };
    const getStreams = { ...GET_IMAGES, resource: 'imagestreams' };
    expect(await access.allowed(east, 'a', GET_IMAGES, READER)).toBe(true);
    expect(await access.allowed(east, 'b', GET_IMAGES, streamsOnly)).toBe(false);
    expect(await access.allowed(east, 'b', getStreams, streamsOnly)).toBe(true);
  });

  it('asks once per identity, cluster, namespace, resource and verb within the TTL', async () => {
    const access = createAccessReviews({ ttlMs: 60_000 });
    clusters.resetCounts();
    const ask = (client: ImageApiClient, identity: string, attributes: AccessAttributes) =>
      access.allowed(client, identity, attributes, READER);
    await ask(east, 'reader', GET_IMAGES);
    await ask(east, 'reader', { ...GET_IMAGES });
    expect(reviews()).toBe(1);
    await ask(east, 'someone-else', GET_IMAGES);
    await ask(west, 'reader', GET_IMAGES);
    await ask(east, 'reader', { ...GET_IMAGES, namespace: 'apps' });
    await ask(east, 'reader', { ...GET_IMAGES, resource: 'imagestreams' });
    await ask(east, 'reader', { ...GET_IMAGES, verb: 'list' });
    await ask(east, 'reader', { ...GET_IMAGES, resource: 'imagestreams', subresource: 'layers' });
    expect(reviews()).toBe(7);
    // Every one of them is remembered now.
    await ask(east, 'someone-else', GET_IMAGES);
    await ask(east, 'reader', { ...GET_IMAGES, resource: 'imagestreams', subresource: 'layers' });
    expect(reviews()).toBe(7);
  });

  it('asks every time with a TTL of 0', async () => {
    const access = createAccessReviews({ ttlMs: 0 });
    clusters.resetCounts();
    await access.allowed(east, 'reader', GET_IMAGES, READER);
    await access.allowed(east, 'reader', GET_IMAGES, READER);
    expect(reviews()).toBe(2);
  });

  it('lets concurrent identical questions share one review', async () => {
    const access = createAccessReviews({ ttlMs: 60_000 });
    clusters.resetCounts();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => access.allowed(east, 'reader', GET_IMAGES, READER)),
    );
    expect(answers).toEqual([true, true, true, true, true]);
    expect(reviews()).toBe(1);
  });

  it('counts a failed review as "no" and does not remember it', async () => {
    const access = createAccessReviews({ ttlMs: 60_000 });
    clusters.resetCounts();
    clusters.sim('east').addFault({
      resource: 'selfsubjectaccessreviews',
      fault: { kind: 'status', status: 500 },
    });
    expect(await access.allowed(east, 'reader', GET_IMAGES, READER)).toBe(false);
    expect(await access.allowed(east, 'reader', GET_IMAGES, READER)).toBe(true);
    expect(reviews()).toBe(2);
  });

  it('counts a review the API server refuses to take (401) as "no", asked again next time', async () => {
    const access = createAccessReviews({ ttlMs: 60_000 });
    clusters.resetCounts();
    const unknown = { bearerToken: 'unknown-token' };
    expect(await access.allowed(east, 'unknown', GET_IMAGES, unknown)).toBe(false);
    expect(await access.allowed(east, 'unknown', GET_IMAGES, unknown)).toBe(false);
    expect(reviews()).toBe(2);
  });

  it('keeps at most maxEntries answers', async () => {
    const access = createAccessReviews({ ttlMs: 60_000, maxEntries: 1 });
    clusters.resetCounts();
    await access.allowed(east, 'one', GET_IMAGES, READER);
    await access.allowed(east, 'two', GET_IMAGES, READER);
    await access.allowed(east, 'one', GET_IMAGES, READER);
    expect(reviews()).toBe(3);
  });
});

describe('decide', () => {
  const asCaller = (token: string) => ({ asCaller: true, bearerToken: token });
  const LIST: AccessAttributes = {
    namespace: '',
    verb: 'list',
    group: 'image.openshift.io',
    resource: 'imagestreams',
  };

  it('answers as allowed does and remembers the answer per identity', async () => {
    const reviews = createAccessReviews({ ttlMs: 60_000 });
    const sim = clusters.sim('east');
    sim.resetCounts();
    const call = asCaller('streams-only-token');
    const identity = identityOf(call, 'east');
    expect(await reviews.decide(east, identity, LIST, call)).toBe(true);
    expect(await reviews.decide(east, identity, GET_IMAGES, call)).toBe(false);
    expect(await reviews.decide(east, identity, LIST, call)).toBe(true);
    expect(await reviews.allowed(east, identity, LIST, call)).toBe(true);
    expect(sim.count('selfsubjectaccessreviews')).toBe(2);
  });

  it('rejects when the review cannot be made, keeps nothing, and allowed() then says no', async () => {
    const reviews = createAccessReviews({ ttlMs: 60_000 });
    const sim = clusters.sim('east');
    sim.resetCounts();
    const call = asCaller('unknown-token');
    const identity = identityOf(call, 'east');
    const failed = await reviews.decide(east, identity, LIST, call).then(
      () => 'resolved',
      (err: unknown) => (err as { extensions?: { code?: string } }).extensions?.code,
    );
    expect(failed).toBe('UNAUTHENTICATED');
    expect(await reviews.allowed(east, identity, LIST, call)).toBe(false);
    await expect(reviews.decide(east, identity, LIST, call)).rejects.toThrow();
    expect(sim.count('selfsubjectaccessreviews')).toBe(3);
  });
});

describe('a review shared by requests of the same identity', () => {
  it('is not lost to the others when the request that asked it goes away', async () => {
    const accessReviews = createAccessReviews({ ttlMs: 60_000 });
    const sim = clusters.sim('east');
    sim.addFault({ resource: 'selfsubjectaccessreviews', fault: { kind: 'hang' }, times: 1 });
    const asked = sim.count('selfsubjectaccessreviews');
    const first = new AbortController();
    const gone = accessReviews.decide(east, 'token:reader', GET_IMAGES, {
      ...READER,
      signal: first.signal,
    });
    // The second request of the same identity waits on the review the first asked.
    const waiting = accessReviews.decide(east, 'token:reader', GET_IMAGES, {
      ...READER,
      signal: new AbortController().signal,
    });
    // The review reached the API server (and hangs there) before the first request goes away.
    await until(() => sim.count('selfsubjectaccessreviews') === asked + 1, 'the review is asked');
    first.abort();
    await expect(gone).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    // It asks again with its own call instead of failing with the first one's timeout.
    await expect(waiting).resolves.toBe(true);
    sim.clearFaults();
  });

  it('is asked again by a waiter when the request that asked it had spent its budget', async () => {
    const accessReviews = createAccessReviews({ ttlMs: 60_000 });
    const spent = createOperationBudget(0);
    const poor = accessReviews.decide(east, 'token:budget', GET_IMAGES, {
      ...READER,
      budget: spent,
    });
    const rich = accessReviews.decide(east, 'token:budget', GET_IMAGES, {
      ...READER,
      budget: createOperationBudget(10),
    });
    await expect(poor).rejects.toMatchObject({
      extensions: { reason: 'UPSTREAM_BUDGET_EXHAUSTED' },
    });
    await expect(rich).resolves.toBe(true);
  });
});
