import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayError } from '../../src/errors.js';
import type { BreakerState } from '../../src/upstream/createCircuitBreaker.js';
import {
  DEFAULT_UPSTREAM_OPTIONS,
  type CallOptions,
  type ClusterConnection,
  type UpstreamCall,
  type UpstreamOptions,
} from '../../src/upstream/createImageApiClient.js';
import { createOperationBudget } from '../../src/upstream/createOperationBudget.js';
import { createUpstreamTransport } from '../../src/upstream/createUpstreamTransport.js';
import { RESOURCES } from '../../src/upstream/resources.js';
import {
  startRecordingServer,
  statusBody,
  type RecordingServer,
  type ScriptedReply,
} from '../helpers/startRecordingServer.js';
import { waitFor } from '../helpers/waitFor.js';

const VERSION = RESOURCES.version.request();
/** Retries 1 ms apart, so a test of retries needs no fake clock and waits for nothing. */
const FAST: UpstreamOptions = {
  ...DEFAULT_UPSTREAM_OPTIONS,
  retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 1 },
};
const NO_RETRY: UpstreamOptions = { ...FAST, retry: { ...FAST.retry, limit: 0 } };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(script?: (index: number) => ScriptedReply): Promise<RecordingServer> {
  const server = await startRecordingServer(script && ((_r, i) => script(i)));
  cleanups.push(() => server.close());
  return server;
}

/** A transport to a server, with what it reported to its observer. */
function transportTo(
  server: RecordingServer,
  options: UpstreamOptions = NO_RETRY,
  connection: Partial<ClusterConnection> = {},
) {
  const requests: string[] = [];
  const states: BreakerState[] = [];
  const retries: string[] = [];
  const transport = createUpstreamTransport(
    { name: 'east', server: server.url, insecureSkipTlsVerify: false, ...connection },
    options,
    undefined,
    {
      upstreamRequest: (cluster, resource, status) =>
        void requests.push(`${cluster} ${resource} ${status}`),
      upstreamRetry: (cluster, resource) => void retries.push(`${cluster} ${resource}`),
      breakerState: (_cluster, state) => void states.push(state),
    },
  );
  cleanups.push(() => transport.close());
  return { transport, requests, states, retries };
}

const failed = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  );

describe('createUpstreamTransport: credentials', () => {
  const OWN: Partial<ClusterConnection> = {
    token: () => 'own-token',
    headerName: 'east-alias',
    impersonate: {
      user: 'alice',
      uid: 'u-1',
      groups: ['devs', 'ops'],
      extra: { 'scopes.example.com/x y': ['a', 'b'], 'reason%': ['audit'] },
    },
  };
  const headersOf = (server: RecordingServer, i: number) =>
    (server.requests[i]?.rawHeaders ?? []).filter(
      ([name]) =>
        name === 'authorization' || name.startsWith('impersonate-') || name === 'x-request-id',
    );

  it('sends the cluster’s own token with Kubernetes impersonation headers', async () => {
    const server = await serve();
    const { transport } = transportTo(server, NO_RETRY, OWN);
    await transport.request(VERSION, { requestId: 'req-1' });
    expect(headersOf(server, 0)).toEqual([
      ['authorization', 'Bearer own-token'],
      ['impersonate-user', 'alice'],
      ['impersonate-uid', 'u-1'],
      ['impersonate-group', 'devs'],
      ['impersonate-group', 'ops'],
      // The key percent-encoded as client-go does it; header names go out in lowercase.
      ['impersonate-extra-scopes.example.com%2fx%20y', 'a'],
      ['impersonate-extra-scopes.example.com%2fx%20y', 'b'],
      ['impersonate-extra-reason%25', 'audit'],
      ['x-request-id', 'req-1'],
    ]);
  });

  it('sends a caller’s token alone: impersonation rides on the gateway’s credentials only', async () => {
    const server = await serve();
    const { transport } = transportTo(server, NO_RETRY, OWN);
    await transport.request(VERSION, { bearerToken: 'caller-token' });
    await transport.request(VERSION, {
      bearerToken: 'caller-token',
      clusterTokens: new Map([['east-alias', 'cluster-token']]),
    });
    expect(headersOf(server, 0)).toEqual([['authorization', 'Bearer caller-token']]);
    expect(headersOf(server, 1)).toEqual([['authorization', 'Bearer cluster-token']]);
  });

  it('never sends the gateway’s own token on a caller’s call, even when the caller sent none for this cluster', async () => {
    const server = await serve();
    const { transport } = transportTo(server, NO_RETRY, OWN);
    await transport.request(VERSION, { asCaller: true });
    await transport.request(VERSION, {
      asCaller: true,
      clusterTokens: new Map([['west', 'west-token']]),
    });
    expect(headersOf(server, 0)).toEqual([]);
    expect(headersOf(server, 1)).toEqual([]);
  });

  it('picks the caller’s token by the cluster’s own header name', async () => {
    const server = await serve();
    const { transport } = transportTo(server, NO_RETRY, { token: () => 'own-token' });
    await transport.request(VERSION, {
      bearerToken: 'general',
      clusterTokens: new Map([
        ['west', 'west-token'],
        ['east', 'east-token'],
      ]),
    });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer east-token');
  });

  it('never relays the reason phrase of an answer, where a proxy may echo the token it got (red team)', async () => {
    const server = await serve(() => ({
      status: 502,
      statusMessage: 'Bad Gateway own-token-echoed-back-1234',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    }));
    const { transport } = transportTo(server, NO_RETRY, {
      token: () => 'own-token-echoed-back-1234',
    });
    const err = (await failed(transport.request(VERSION, {}))) as GatewayError;
    expect(err.message).toBe(
      'cluster "east": HTTP 502 Bad Gateway (the body was not a Kubernetes Status and is not shown)',
    );
    expect(JSON.stringify(err.extensions)).not.toContain('echoed');
  });

  it('finds a cluster without a registry alias under headerNameOf(name), as the context checks it', async () => {
    const server = await serve();
    const { transport } = transportTo(server, NO_RETRY, { name: 'Prod/East:6443' });
    await transport.request(VERSION, {
      asCaller: true,
      clusterTokens: new Map([['prod-east-6443', 'prod-token']]),
    });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer prod-token');
  });

  it('reads the cluster’s token on every call, so a rotated token is used at once', async () => {
    const server = await serve();
    let token = 'first-token';
    const { transport } = transportTo(server, NO_RETRY, { token: () => token });
    await transport.request(VERSION, {});
    token = 'rotated-token';
    await transport.request(VERSION, {});
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer first-token',
      'Bearer rotated-token',
    ]);
  });

  it('refuses a server URL that carries credentials', () => {
    expect(() =>
      createUpstreamTransport(
        { name: 'east', server: 'https://user:pw@api.example:6443', insecureSkipTlsVerify: false },
        NO_RETRY,
      ),
    ).toThrow('cluster "east": the server URL must not carry credentials');
  });
});

describe('createUpstreamTransport: the operation’s budget', () => {
  const unavailableOnce = (i: number): ScriptedReply =>
    i === 0 ? { status: 503, body: statusBody(503, 'ServiceUnavailable', 'down') } : {};

  it('takes one request per attempt and one per retry', async () => {
    const server = await serve(unavailableOnce);
    const { transport, retries } = transportTo(server, FAST);
    const budget = createOperationBudget(10);
    await transport.request(VERSION, { budget });
    expect(server.requests).toHaveLength(2);
    expect(budget.used).toBe(2);
    expect(retries).toEqual(['east version']);
  });

  it('retries no more once the budget is spent: the failure is reported as it is', async () => {
    const server = await serve(unavailableOnce);
    const { transport } = transportTo(server, FAST);
    const budget = createOperationBudget(1);
    expect(await failed(transport.request(VERSION, { budget }))).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: { status: 503 },
    });
    expect(server.requests).toHaveLength(1);
    expect(budget.used).toBe(1);
  });

  it('sends nothing when the budget is already spent', async () => {
    const server = await serve();
    const { transport, states } = transportTo(server, FAST);
    const budget = createOperationBudget(1);
    budget.take();
    expect(await failed(transport.request(VERSION, { budget }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { reason: 'UPSTREAM_BUDGET_EXHAUSTED', cluster: 'east' },
    });
    expect(server.requests).toHaveLength(0);
    expect(states).toEqual(['closed']);
  });
});

describe('createUpstreamTransport: the circuit breaker', () => {
  const BREAKER: UpstreamOptions = {
    ...NO_RETRY,
    circuitBreaker: { failureThreshold: 2, openMs: 60_000 },
    maxResponseBytes: 64 * 1024,
  };
  const down: ScriptedReply = { status: 503, body: statusBody(503, 'ServiceUnavailable', 'down') };

  /**
   * A failure, then the call under test, then a failure, with a threshold of 2: the circuit
   * stays closed only if the call in the middle counted as a success (it resets the count).
   */
  async function between(middle: ScriptedReply, call: CallOptions = {}, abort?: AbortController) {
    const server = await serve((i) => (i === 1 ? middle : down));
    const { transport, states } = transportTo(server, BREAKER);
    await failed(transport.request(VERSION, {}));
    const pending = failed(transport.request(VERSION, call));
    if (abort) {
      await waitFor(() => server.requests.length === 2, 'the call to arrive');
      abort.abort();
    }
    const error = await pending;
    if (transport.breaker.state === 'closed') await failed(transport.request(VERSION, {}));
    return { state: transport.breaker.state, states, error };
  }

  it('counts a 404 as a success: the cluster answered', async () => {
    const { state, error } = await between({
      status: 404,
      body: statusBody(404, 'NotFound', 'imagestreams.image.openshift.io "x" not found'),
    });
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    expect(state).toBe('closed');
  });

  it('counts a 429 as a success: the cluster answered', async () => {
    const { state } = await between({ status: 429, body: 'Too many requests' });
    expect(state).toBe('closed');
  });

  it('does not count a malformed body as a cluster failure', async () => {
    const { state, error } = await between({ status: 200, body: '<html>proxy</html>' });
    expect(error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: { reason: 'MalformedBody' },
    });
    expect(state).toBe('closed');
  });

  it('does not count an answer too large for the gateway as a cluster failure (one bad object)', async () => {
    const { state, error } = await between({ status: 200, body: `{"x":"${'y'.repeat(100_000)}"}` });
    expect(error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: { reason: 'ResponseTooLarge' },
    });
    expect(state).toBe('closed');
  });

  it('counts an abandoned call as neither: the count of failures goes on', async () => {
    const abort = new AbortController();
    const { state, error } = await between({ hang: true }, { signal: abort.signal }, abort);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    // Failure, neutral, and the circuit opened on the third call's failure: two in a row.
    expect(state).toBe('open');
  });

  it('counts a timeout as a failure', async () => {
    const server = await serve((i) => (i === 0 ? down : { hang: true }));
    // A short attempt timeout: a slow machine may time out the first call too, a failure as well.
    const { transport, states } = transportTo(server, { ...BREAKER, attemptTimeoutMs: 300 });
    await failed(transport.request(VERSION, {}));
    expect(await failed(transport.request(VERSION, {}))).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
    });
    expect(transport.breaker.state).toBe('open');
    expect(states).toEqual(['closed', 'open']);
  });

  it('answers at once without a request while the circuit is open', async () => {
    const server = await serve(() => down);
    const { transport, requests } = transportTo(server, BREAKER);
    await failed(transport.request(VERSION, {}));
    await failed(transport.request(VERSION, {}));
    expect(await failed(transport.request(VERSION, {}))).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message:
        'cluster "east" is failing: calls are paused for 60 s after repeated failures (circuit breaker)',
    });
    expect(server.requests).toHaveLength(2);
    expect(requests).toEqual([
      'east version 503',
      'east version 503',
      'east version UPSTREAM_UNAVAILABLE',
    ]);
  });
});

describe('createUpstreamTransport: reporting', () => {
  it('reports each call with its status to the observer and the call’s own listener', async () => {
    const server = await serve((i) =>
      i === 0 ? {} : { status: 403, body: statusBody(403, 'Forbidden', 'no') },
    );
    const { transport, requests } = transportTo(server);
    const calls: UpstreamCall[] = [];
    const call: CallOptions = { onUpstreamCall: (c) => void calls.push(c) };
    await transport.request(VERSION, call);
    await failed(
      transport.request(RESOURCES.imageStream.request({ namespace: 'a', name: 'b' }), call),
    );
    expect(requests).toEqual(['east version 200', 'east imagestreams 403']);
    expect(calls.map((c) => [c.cluster, c.resource, c.status])).toEqual([
      ['east', 'version', '200'],
      ['east', 'imagestreams', '403'],
    ]);
  });

  it('keeps connections alive in its pool, and closes them when closed', async () => {
    const server = await serve();
    const { transport } = transportTo(server);
    await transport.request(VERSION, {});
    await waitFor(() => transport.sockets().idle === 1, 'the socket to return to the pool');
    expect(transport.sockets()).toEqual({ active: 0, idle: 1 });
    transport.close();
    await waitFor(() => transport.sockets().idle === 0, 'the pool to close its socket');
    expect(transport.sockets()).toEqual({ active: 0, idle: 0 });
  });
});
