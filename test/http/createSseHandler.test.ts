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
