import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import {
  createImageApiClient,
  type ImageApiClient,
} from '../../src/upstream/createImageApiClient.js';
import type { WatchEvent } from '../../src/upstream/readWatchEvents.js';

// The watch of createUpstreamTransport, through the client method that opens it, against a
// loopback server playing the API server (and the broken ones).

const TOKEN = 'sekrit-gateway-token-123';
let server: http.Server | undefined;
let client: ImageApiClient | undefined;
const seen: http.IncomingMessage[] = [];

async function serve(handler: http.RequestListener): Promise<ImageApiClient> {
  seen.length = 0;
  server = http.createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = createImageApiClient({
    name: 'c1',
    server: `http://127.0.0.1:${port}`,
    insecureSkipTlsVerify: false,
    token: () => TOKEN,
    impersonate: { user: 'gateway-reader' },
  });
  return client;
}

afterEach(async () => {
  client?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const options = { resourceVersion: '42', timeoutSeconds: 300, idleMs: 60_000 };

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GatewayError))
    throw new Error(`expected a GatewayError, got ${String(err)}`);
  return err;
}

describe('watchImageStreams', () => {
  it('asks as the gateway, from the version, with bookmarks, and yields the events', async () => {
    const c = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"43"}}}\n');
      res.end(
        '{"type":"ADDED","object":{"metadata":{"name":"s","namespace":"n","resourceVersion":"44"}}}\n',
      );
    });
    const events: WatchEvent[] = [];
    for await (const event of await c.watchImageStreams(
      undefined,
      options,
      new AbortController().signal,
    ))
      events.push(event);
    expect(events.map((e) => e.type)).toEqual(['BOOKMARK', 'ADDED']);
    const req = seen[0];
    expect(req?.url).toBe(
      '/apis/image.openshift.io/v1/imagestreams?watch=1&allowWatchBookmarks=true&resourceVersion=42&timeoutSeconds=300',
    );
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.headers['impersonate-user']).toBe('gateway-reader');
  });

  it('answers a refusal as the read would be answered, the token never repeated', async () => {
    const c = await serve((req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          code: 403,
          reason: 'Forbidden',
          message: `user with ${req.headers.authorization} cannot watch imagestreams`,
        }),
      );
    });
    const err = await failure(c.watchImageStreams('ns', options, new AbortController().signal));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.upstream).toMatchObject({ status: 403, reason: 'Forbidden' });
    expect(JSON.stringify({ message: err.message, ext: err.extensions })).not.toContain(TOKEN);
    expect(seen[0]?.url).toContain('/namespaces/ns/imagestreams?watch=1');
  });

  it('describes an HTML error page by its status and never quotes it', async () => {
    const c = await serve((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end(`<html>Application is not available ${TOKEN}</html>`);
    });
    const err = await failure(
      c.watchImageStreams(undefined, options, new AbortController().signal),
    );
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.message).not.toContain(TOKEN);
    expect(err.message).toContain('HTTP 503');
  });

  it('ends a watch that goes silent with UPSTREAM_TIMEOUT, and one that is refused at once', async () => {
    const c = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
    });
    const events = await c.watchImageStreams(
      undefined,
      { ...options, idleMs: 50 },
      new AbortController().signal,
    );
    const read = (async () => {
      for await (const event of events) expect(event).toBeDefined();
    })();
    const err = await failure(read);
    expect(err.code).toBe('UPSTREAM_TIMEOUT');
    expect(err.message).toBe('cluster "c1": the API server did not answer in time');
  });

  it('stops when its signal aborts, and never opens while the circuit is open', async () => {
    const c = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
    });
    const controller = new AbortController();
    const events = await c.watchImageStreams(undefined, options, controller.signal);
    const read = (async () => {
      for await (const event of events) expect(event).toBeDefined();
    })();
    controller.abort();
    expect((await failure(read)).code).toBe('UPSTREAM_UNAVAILABLE');
    for (let i = 0; i < 10 && c.breaker.admits; i++) {
      const ticket = c.breaker.admit();
      if (ticket) c.breaker.onFailure(ticket);
    }
    const before = seen.length;
    const refused = await failure(
      c.watchImageStreams(undefined, options, new AbortController().signal),
    );
    expect(refused.message).toContain('circuit breaker');
    expect(seen.length).toBe(before);
  });
});
