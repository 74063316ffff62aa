import http from 'node:http';
import https from 'node:https';
import { HTTPError } from 'got';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import {
  createTlsCertificate,
  type TlsCertificate,
} from '../../src/simulator/createTlsCertificate.js';
import {
  createClusterHttpClient,
  type RequestContext,
} from '../../src/upstream/createClusterHttpClient.js';
import {
  DEFAULT_UPSTREAM_OPTIONS,
  type ClusterConnection,
  type UpstreamOptions,
} from '../../src/upstream/createImageApiClient.js';
import { createOperationBudget } from '../../src/upstream/createOperationBudget.js';
import { createRetryBudget, type RetryBudget } from '../../src/upstream/createRetryBudget.js';
import { captureLogs } from '../helpers/captureLogs.js';
import {
  startRecordingServer,
  statusBody,
  type RecordingServer,
  type ScriptedReply,
} from '../helpers/startRecordingServer.js';

const FAST: UpstreamOptions = {
  ...DEFAULT_UPSTREAM_OPTIONS,
  retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 1 },
};
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let tls: TlsCertificate;
let secure: Simulator;
beforeAll(async () => {
  tls = await createTlsCertificate();
  secure = await createSimulator({ name: 'tls', tls, seedOptions: { benchStreams: 0 } });
});
afterAll(async () => {
  await secure.close();
});

async function serve(script?: (index: number) => ScriptedReply): Promise<RecordingServer> {
  const server = await startRecordingServer(script && ((_r, i) => script(i)));
  cleanups.push(() => server.close());
  return server;
}

function clientOf(
  connection: Partial<ClusterConnection> & { server: string },
  options: UpstreamOptions = FAST,
  retryBudget: RetryBudget = createRetryBudget(),
) {
  const retries: string[] = [];
  const { lines, logger } = captureLogs();
  const client = createClusterHttpClient(
    { name: 'east', insecureSkipTlsVerify: false, ...connection },
    options,
    retryBudget,
    logger,
    {
      upstreamRequest: () => undefined,
      upstreamRetry: (cluster, resource) => void retries.push(`${cluster} ${resource}`),
      breakerState: () => undefined,
    },
  );
  cleanups.push(() => client.agent.destroy());
  return { ...client, retries, lines };
}

const unavailable: ScriptedReply = {
  status: 503,
  body: statusBody(503, 'ServiceUnavailable', 'down'),
};
const context = (extra: RequestContext = {}): RequestContext => ({ resource: 'version', ...extra });

describe('createClusterHttpClient: requests', () => {
  it('asks for JSON under the server URL, whatever slashes end it', async () => {
    const server = await serve();
    const { got } = clientOf({ server: `${server.url}//` });
    const res = await got('version');
    expect(res.statusCode).toBe(200);
    expect(server.requests.map((r) => [r.url, r.headers.accept, r.headers['user-agent']])).toEqual([
      ['/version', 'application/json', 'openshift-image-gateway'],
    ]);
  });

  it('follows no redirect: the credentials must not travel to another server', async () => {
    const elsewhere = await serve();
    const server = await serve(() => ({
      status: 302,
      headers: { location: `${elsewhere.url}/version` },
      body: '',
    }));
    const { got } = clientOf({ server: server.url });
    // The redirect comes back as the answer (sendRequest then refuses its body).
    const res = await got('version', { headers: { authorization: 'Bearer t' } });
    expect(res.statusCode).toBe(302);
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('createClusterHttpClient: retries', () => {
  it('retries a transient failure of a GET, and reports the retry', async () => {
    const server = await serve((i) => (i === 0 ? unavailable : {}));
    const { got, retries } = clientOf({ server: server.url });
    expect((await got('version', { context: context() })).statusCode).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(retries).toEqual(['east version']);
  });

  it('honours a 429 with Retry-After as transient', async () => {
    const server = await serve((i) =>
      i === 0 ? { status: 429, body: 'slow down', headers: { 'retry-after': '0' } } : {},
    );
    const { got } = clientOf({ server: server.url });
    expect((await got('version', { context: context() })).statusCode).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('never retries a POST, nor an answer such as 404', async () => {
    const server = await serve((i) =>
      i === 0 ? unavailable : { status: 404, body: statusBody(404, 'NotFound', 'no') },
    );
    const { got, retries } = clientOf({ server: server.url });
    await expect(got.post('version', { json: {}, context: context() })).rejects.toBeInstanceOf(
      HTTPError,
    );
    await expect(got('version', { context: context() })).rejects.toBeInstanceOf(HTTPError);
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
    expect(retries).toEqual([]);
  });

  it('retries no more than the policy allows', async () => {
    const server = await serve(() => unavailable);
    const { got } = clientOf({ server: server.url });
    await expect(got('version', { context: context() })).rejects.toBeInstanceOf(HTTPError);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry past the cluster’s retry budget', async () => {
    const server = await serve(() => unavailable);
    const spent = createRetryBudget({ ratio: 0, minRetries: 0, windowMs: 10_000 });
    const { got, retries } = clientOf({ server: server.url }, FAST, spent);
    await expect(got('version', { context: context() })).rejects.toBeInstanceOf(HTTPError);
    expect(server.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('takes each retry from the operation’s budget, and stops when it is spent', async () => {
    const server = await serve(() => unavailable);
    const { got } = clientOf({ server: server.url });
    const budget = createOperationBudget(1);
    await expect(got('version', { context: context({ budget }) })).rejects.toBeInstanceOf(
      HTTPError,
    );
    expect(budget.used).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it('starts no retry that could not begin before the deadline', async () => {
    const server = await serve(() => unavailable);
    const { got } = clientOf({ server: server.url });
    await expect(
      got('version', { context: context({ deadlineAt: Date.now() - 1 }) }),
    ).rejects.toBeInstanceOf(HTTPError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('createClusterHttpClient: TLS', () => {
  it('keeps every TLS setting of the cluster on its one keep-alive agent', () => {
    const { agent } = clientOf({
      server: 'https://api.example:6443',
      caPem: 'CA PEM',
      clientCertPem: 'CERT PEM',
      clientKeyPem: 'KEY PEM',
      tlsServerName: 'api.internal',
    });
    expect(agent).toBeInstanceOf(https.Agent);
    expect((agent as https.Agent).options).toMatchObject({
      ca: 'CA PEM',
      cert: 'CERT PEM',
      key: 'KEY PEM',
      rejectUnauthorized: true,
      servername: 'api.internal',
      keepAlive: true,
      maxSockets: DEFAULT_UPSTREAM_OPTIONS.maxConcurrency,
    });
  });

  it('uses a plain agent for an http:// server', () => {
    const { agent } = clientOf({ server: 'http://127.0.0.1:9' });
    expect(agent).toBeInstanceOf(http.Agent);
    expect(agent).not.toBeInstanceOf(https.Agent);
  });

  it('verifies the server against the cluster’s CA', async () => {
    const trusted = clientOf(
      { server: secure.url, caPem: tls.cert },
      { ...FAST, retry: { ...FAST.retry, limit: 0 } },
    );
    expect((await trusted.got('version')).statusCode).toBe(200);
    const untrusted = clientOf(
      { server: secure.url },
      { ...FAST, retry: { ...FAST.retry, limit: 0 } },
    );
    await expect(untrusted.got('version')).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    const wrongName = clientOf(
      { server: secure.url, caPem: tls.cert, tlsServerName: 'api.example' },
      { ...FAST, retry: { ...FAST.retry, limit: 0 } },
    );
    await expect(wrongName.got('version')).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  it('skips verification only when told, and warns that it does', async () => {
    const { got, agent, lines } = clientOf(
      { server: secure.url, insecureSkipTlsVerify: true },
      { ...FAST, retry: { ...FAST.retry, limit: 0 } },
    );
    expect((agent as https.Agent).options.rejectUnauthorized).toBe(false);
    expect((await got('version')).statusCode).toBe(200);
    const warnings = lines.map(
      (l) => JSON.parse(l) as { level: string; msg: string; cluster: string },
    );
    expect(warnings).toEqual([
      expect.objectContaining({
        level: 'warn',
        cluster: 'east',
        msg: 'TLS verification is off for this cluster because its kubeconfig says insecure-skip-tls-verify',
      }),
    ]);
    // Over plain HTTP there is nothing to verify and nothing to warn about.
    expect(clientOf({ server: 'http://127.0.0.1:9', insecureSkipTlsVerify: true }).lines).toEqual(
      [],
    );
  });
});
