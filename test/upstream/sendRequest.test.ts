import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_UPSTREAM_OPTIONS,
  type ClusterConnection,
} from '../../src/upstream/createImageApiClient.js';
import { createClusterHttpClient } from '../../src/upstream/createClusterHttpClient.js';
import { createRetryBudget } from '../../src/upstream/createRetryBudget.js';
import { RESOURCES } from '../../src/upstream/resources.js';
import { DEFAULT_RETRY_POLICY } from '../../src/upstream/retryDelay.js';
import { sendRequest, type Exchange } from '../../src/upstream/sendRequest.js';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { captureLogs } from '../helpers/captureLogs.js';
import { waitFor } from '../helpers/waitFor.js';

const TOKEN = 'sha256~gateway-token-0123456789';
let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({
    name: 'east',
    tokens: { [TOKEN]: { user: 'gateway', namespaces: '*' } },
    seedOptions: { benchStreams: 0 },
  });
});
afterEach(() => {
  sim.clearFaults();
});
afterAll(async () => {
  await sim.close();
});

/** One exchange with a server through the cluster's real got client, without retries. */
function exchangeWith(server: string, maxResponseBytes = 64 * 1024) {
  const { lines, logger } = captureLogs();
  const connection: ClusterConnection = { name: 'east', server, insecureSkipTlsVerify: false };
  const { got, agent } = createClusterHttpClient(
    connection,
    { ...DEFAULT_UPSTREAM_OPTIONS, retry: { ...DEFAULT_RETRY_POLICY, limit: 0 } },
    createRetryBudget(),
  );
  const exchange: Exchange = { cluster: 'east', got, maxResponseBytes, logger };
  return { exchange, lines, close: () => agent.destroy() };
}

const python = RESOURCES.imageStream.request({ namespace: 'openshift', name: 'python' });
const AUTH = { authorization: `Bearer ${TOKEN}` };

async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; upstream?: unknown }> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error('expected the request to fail');
  return err as Error & { code: string };
}

describe('sendRequest', () => {
  it('answers the parsed body of a 2xx that has the shape asked for, and logs the call', async () => {
    const { exchange, lines, close } = exchangeWith(sim.url);
    const body = await sendRequest(exchange, python, { requestId: 'req-7' }, AUTH, [TOKEN]);
    close();
    expect(body).toEqual(sim.data.streams.get('openshift')?.get('python'));
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'debug',
      msg: 'upstream call',
      cluster: 'east',
      requestId: 'req-7',
      resource: 'imagestreams',
      status: 200,
      ms: expect.any(Number),
    });
  });

  it('maps an answer outside 2xx through its Status, the secrets sent removed', async () => {
    const { exchange, close } = exchangeWith(sim.url);
    const missing = RESOURCES.imageStream.request({ namespace: 'openshift', name: 'nope' });
    expect(await failure(sendRequest(exchange, missing, {}, AUTH, [TOKEN]))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'cluster "east": imagestreams.image.openshift.io "nope" not found',
      upstream: { status: 404, reason: 'NotFound', kind: 'imagestreams' },
    });
    sim.addFault({ resource: 'imagestreams', fault: { kind: 'echo-authorization', status: 500 } });
    const leaked = await failure(sendRequest(exchange, python, {}, AUTH, [TOKEN]));
    close();
    expect(leaked.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(leaked.message).not.toContain('gateway-token');
    expect(leaked.message).toContain('[redacted]');
  });

  it('never follows a redirect: a 3xx is the API server sending the gateway elsewhere', async () => {
    const { exchange, close } = exchangeWith(sim.url);
    sim.addFault({
      resource: 'imagestreams',
      fault: { kind: 'plain-text', status: 302, body: 'moved' },
    });
    const moved = await failure(sendRequest(exchange, python, {}, AUTH, [TOKEN]));
    close();
    expect(moved).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: { status: 302 },
    });
    expect(moved.message).not.toContain('malformed');
  });

  it('sends the headers it is given', async () => {
    const { exchange, close } = exchangeWith(sim.url);
    const refused = await failure(
      sendRequest(exchange, python, {}, { authorization: 'Bearer someone-else' }, []),
    );
    close();
    expect(refused).toMatchObject({ code: 'UNAUTHENTICATED', upstream: { status: 401 } });
  });

  it('calls a 2xx body that is not JSON malformed, and the log still has the status', async () => {
    const { exchange, lines, close } = exchangeWith(sim.url);
    for (const fault of [{ kind: 'invalid-json' as const }, { kind: 'truncate' as const }]) {
      sim.addFault({ resource: 'imagestreams', fault });
      expect(await failure(sendRequest(exchange, python, {}, AUTH, [TOKEN]))).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'cluster "east": the API server sent a malformed body',
        upstream: { status: 200, reason: 'MalformedBody' },
      });
    }
    close();
    expect(lines.map((l) => (JSON.parse(l) as { status: number }).status)).toEqual([200, 200]);
  });

  it('calls JSON of another shape malformed, naming what does not fit', async () => {
    const { exchange, close } = exchangeWith(sim.url);
    sim.addFault({
      resource: 'imagestreams',
      fault: { kind: 'plain-text', status: 200, body: '{"metadata":{"name":5}}' },
    });
    expect(await failure(sendRequest(exchange, python, {}, AUTH, [TOKEN]))).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message:
        'cluster "east": the API server sent a malformed body (metadata.name is number, not a string)',
    });
    close();
  });

  it('cuts off a body larger than the limit instead of buffering it', async () => {
    const { exchange, close } = exchangeWith(sim.url, 64 * 1024);
    sim.addFault({ resource: 'imagestreams', fault: { kind: 'endless' } });
    expect(await failure(sendRequest(exchange, python, {}, AUTH, [TOKEN]))).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'cluster "east": the response is larger than 65536 bytes',
      upstream: { status: 200, reason: 'ResponseTooLarge' },
    });
    close();
  });

  it('reports the status a too-large answer came with, not 200', async () => {
    const { exchange, close } = exchangeWith(sim.url, 64 * 1024);
    sim.addFault({
      resource: 'imagestreams',
      fault: { kind: 'plain-text', status: 502, body: 'x'.repeat(200 * 1024) },
    });
    expect(await failure(sendRequest(exchange, python, {}, AUTH, [TOKEN]))).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: { status: 502, reason: 'ResponseTooLarge' },
    });
    close();
  });

  it('calls a refused connection unavailable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const { exchange, close } = exchangeWith(`http://127.0.0.1:${port}`);
    const err = await failure(sendRequest(exchange, python, {}, AUTH, [TOKEN]));
    close();
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.message).toMatch(/^cluster "east" is unavailable: .*ECONNREFUSED/);
  });

  it('calls a call its request abandoned a timeout of the request', async () => {
    const { exchange, close } = exchangeWith(sim.url);
    sim.resetCounts();
    sim.addFault({ resource: 'imagestreams', fault: { kind: 'hang' } });
    const abandon = new AbortController();
    const pending = failure(
      sendRequest(exchange, python, { signal: abandon.signal }, AUTH, [TOKEN]),
    );
    await waitFor(() => sim.count('imagestreams') === 1, 'the request to arrive');
    abandon.abort();
    expect(await pending).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      message: 'cluster "east": the request deadline passed',
    });
    close();
  });
});
