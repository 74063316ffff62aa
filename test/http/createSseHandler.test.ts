import net from 'node:net';
import { createClient } from 'graphql-sse';
import { afterEach, describe, expect, it } from 'vitest';
import { rawAnswer } from '../helpers/rawHttp.js';
import type { Stack } from '../helpers/startStack.js';
import { sseSubscribe, startIndexedStack, type EventResult } from '../helpers/subscribe.js';
import { until } from '../helpers/until.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const SUBSCRIPTION = 'subscription { imageStreamEvents { type namespace stream } }';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('subscriptions over Server-Sent Events', () => {
  it('works with the graphql-sse client itself (distinct connections mode)', async () => {
    stack = await startIndexedStack();
    const client = createClient({ url: stack.url, singleConnection: false, retryAttempts: 0 });
    const results: unknown[] = [];
    let failure: unknown;
    const stop = client.subscribe(
      { query: SUBSCRIPTION },
      { next: (r) => results.push(r), error: (e) => (failure = e), complete: () => undefined },
    );
    await until(() => stack!.gateway.subscriptions.subscribers === 1, 'subscribed');
    stack.sims['east']!.changes.moveTag('apps', 'frontend', 'latest');
    await until(() => results.length === 1, 'the event');
    expect(results[0]).toEqual({
      data: { imageStreamEvents: { type: 'MODIFIED', namespace: 'apps', stream: 'frontend' } },
    });
    stop();
    client.dispose();
    await until(() => stack!.gateway.subscriptions.subscribers === 0, 'ended');
    expect(failure).toBeUndefined();
  });

  it('answers an event stream with the headers a proxy and a browser need', async () => {
    stack = await startIndexedStack({ corsOrigins: ['https://console.example'] });
    const sub = await sseSubscribe(stack.url, SUBSCRIPTION, undefined, {
      origin: 'https://console.example',
      'x-request-id': 'sse-1',
    });
    const headers = sub.response.headers;
    expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-accel-buffering')).toBe('no');
    expect(headers.get('x-request-id')).toBe('sse-1');
    expect(headers.get('access-control-allow-origin')).toBe('https://console.example');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    sub.close();
  });

  it('keeps a quiet stream alive with a comment line, which clients ignore', async () => {
    stack = await startIndexedStack({ sseHeartbeatMs: 50 });
    const res = await post(stack.url, { query: SUBSCRIPTION });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes(':\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    // Nothing happened upstream: the only bytes are heartbeats.
    expect(text).toMatch(/^(:\n\n)+$/);
    await reader.cancel();
    await until(() => stack!.gateway.subscriptions.subscribers === 0, 'ended with the client');
  });

  it('cuts the connection of a client that stops reading, once a write waits past --send-timeout-ms', async () => {
    stack = await startIndexedStack({ http: { sendTimeoutMs: 300 } });
    const { hostname, port } = new URL(stack.url);
    const body = JSON.stringify({
      query: 'subscription { imageStreamEvents { imageStream { annotations { key value } } } }',
    });
    // A client that sends its request and then never reads a byte.
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(
        `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      socket.pause();
    });
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => undefined);
    await until(() => stack!.gateway.subscriptions.subscribers === 1, 'subscribed');
    // Events of about 1 MB each: a few fill the socket buffers on both sides.
    const sim = stack.sims['east']!;
    const base = sim.data.streams.get('apps')?.get('frontend');
    if (!base) throw new Error('seed');
    for (let i = 0; i < 40 && !stack.logs.some((l) => l.includes('event stream cut')); i++) {
      sim.changes.putImageStream({
        ...base,
        metadata: { ...base.metadata, annotations: { big: `${i}`.padEnd(1_000_000, 'x') } },
      });
      sim.changes.moveTag('apps', 'frontend', 'latest');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await until(
      () => stack!.logs.some((l) => l.includes('event stream cut: the client stopped reading')),
      'the server cut the stream',
    );
    // Reading again, the client finds the connection closed (a paused socket does not see it).
    socket.resume();
    await closed;
    await until(() => stack!.gateway.subscriptions.subscribers === 0, 'the subscription ended');
  });

  it('refuses before streaming, as a JSON error with the status a query would get', async () => {
    stack = await startIndexedStack();
    const cases: [unknown, number, string][] = [
      ['{"query": ', 400, 'INVALID_JSON'],
      [{ query: 'subscription {' }, 400, 'GRAPHQL_PARSE_FAILED'],
      [{ query: 'subscription { nope }' }, 400, 'GRAPHQL_VALIDATION_FAILED'],
      [{}, 400, 'BAD_REQUEST'],
      [{ query: SUBSCRIPTION, variables: [1] }, 400, 'BAD_REQUEST'],
      [
        {
          query:
            'subscription A { imageStreamEvents { type } } subscription B { imageStreamEvents { type } }',
        },
        400,
        'OPERATION_RESOLUTION_FAILURE',
      ],
    ];
    for (const [body, status, reason] of cases) {
      const res = await post(stack.url, body);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const json = (await res.json()) as EventResult;
      expect(json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason });
    }
    const get = await fetch(`${stack.url}?query=${encodeURIComponent(SUBSCRIPTION)}`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(get.status).toBe(400);
    expect(((await get.json()) as EventResult).errors?.[0]?.extensions?.['reason']).toBe(
      'EVENT_STREAM_NEEDS_POST',
    );
    expect(stack.gateway.subscriptions.active).toBe(0);
  });

  it('runs only trusted documents under --trusted-documents', async () => {
    stack = await startIndexedStack({
      trustedDocuments: { documents: new Map(), allowUntrusted: false },
    });
    const res = await post(stack.url, { query: SUBSCRIPTION });
    expect(res.status).toBe(400);
    expect(((await res.json()) as EventResult).errors?.[0]?.extensions?.['reason']).toBe(
      'TRUSTED_DOCUMENT_REQUIRED',
    );
  });

  it('with --max-subscriptions 0, says subscriptions are off, on both transports', async () => {
    stack = await startIndexedStack({ maxSubscriptions: 0 });
    const res = await post(stack.url, { query: SUBSCRIPTION });
    expect(res.status).toBe(400);
    expect(((await res.json()) as EventResult).errors?.[0]?.extensions?.['reason']).toBe(
      'SUBSCRIPTIONS_OFF',
    );
    const upgrade = await rawAnswer(
      stack.url,
      'GET /graphql HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
    );
    expect(upgrade.status).toBe('HTTP/1.1 400 Bad Request');
    expect(upgrade.body).toContain('SUBSCRIPTIONS_OFF');
  });

  it('ends each stream with complete when the gateway shuts down, after the queued events', async () => {
    stack = await startIndexedStack();
    const sub = await sseSubscribe(stack.url, SUBSCRIPTION);
    await until(() => stack!.gateway.subscriptions.subscribers === 1, 'subscribed');
    await stack.gateway.close();
    await until(() => sub.completed, 'complete');
    expect(sub.failure).toBeUndefined();
    expect(stack.gateway.subscriptions.active).toBe(0);
  });
});
