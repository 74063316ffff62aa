import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectionHeaders } from '../../src/http/createWebSocketTransport.js';
import { rawAnswer, rawRequest } from '../helpers/rawHttp.js';
import type { Stack } from '../helpers/startStack.js';
import {
  appsGrants,
  sseSubscribe,
  startIndexedStack,
  wsClient,
  wsSubscribe,
} from '../helpers/subscribe.js';
import { until } from '../helpers/until.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const SUBSCRIPTION = 'subscription { imageStreamEvents { type namespace stream } }';

const upgrade = (path: string, headers: Record<string, string>): string =>
  [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    '',
    '',
  ].join('\r\n');

/** Opens a raw WebSocket and resolves with how the server ended it. */
function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

describe('the WebSocket upgrade', () => {
  it('is refused, in the error shape, for another path, another subprotocol or a foreign origin', async () => {
    stack = await startIndexedStack();
    const protocol = { 'Sec-WebSocket-Protocol': 'graphql-transport-ws' };
    const path = await rawAnswer(stack.url, upgrade('/other', protocol));
    expect(path.status).toBe('HTTP/1.1 404 Not Found');
    expect(JSON.parse(path.body)).toMatchObject({
      errors: [{ extensions: { reason: 'NOT_FOUND' } }],
    });
    const none = await rawAnswer(stack.url, upgrade('/graphql', {}));
    expect(none.status).toBe('HTTP/1.1 400 Bad Request');
    expect(none.body).toContain('graphql-transport-ws');
    const legacy = await rawAnswer(
      stack.url,
      upgrade('/graphql', { 'Sec-WebSocket-Protocol': 'graphql-ws' }),
    );
    expect(legacy.status).toBe('HTTP/1.1 400 Bad Request');
    const foreign = await rawAnswer(
      stack.url,
      upgrade('/graphql', { ...protocol, Origin: 'https://evil.example' }),
    );
    expect(foreign.status).toBe('HTTP/1.1 403 Forbidden');
    expect(foreign.body).toContain('ORIGIN_NOT_ALLOWED');
    // The gateway's own page (same host) may.
    const own = await rawRequest(
      stack.url,
      upgrade('/graphql', { ...protocol, Origin: 'http://127.0.0.1' }),
    );
    expect(own).toBe('HTTP/1.1 101 Switching Protocols');
    // The server is still well: a query answers.
    expect((await stack.gql('{ clusters { name } }')).status).toBe(200);
  });

  it('lets an origin listed with --cors-origin open one', async () => {
    stack = await startIndexedStack({ corsOrigins: ['https://console.example'] });
    const allowed = await rawRequest(
      stack.url,
      upgrade('/graphql', {
        'Sec-WebSocket-Protocol': 'graphql-transport-ws',
        Origin: 'https://console.example',
      }),
    );
    expect(allowed).toBe('HTTP/1.1 101 Switching Protocols');
  });
});

describe('the graphql-ws connection', () => {
  it('takes the token from connection_init as Authorization in any case or under headers', () => {
    const request = { headers: { 'x-request-id': 'req-1' } } as unknown as IncomingMessage;
    expect(connectionHeaders(request, { AUTHORIZATION: 'Bearer one' })).toEqual({
      authorization: 'Bearer one',
      'x-request-id': 'req-1',
    });
    expect(
      connectionHeaders(request, {
        headers: { Authorization: 'Bearer two', 'X-Cluster-Authorization-East': 'Bearer three' },
      }),
    ).toMatchObject({
      authorization: 'Bearer two',
      'x-cluster-authorization-east': 'Bearer three',
    });
    // Not strings, other keys: ignored; the payload's own key wins over `headers`.
    expect(
      connectionHeaders(request, {
        authorization: 42,
        cookie: 'x',
        headers: { authorization: ['Bearer a'] },
      }),
    ).toEqual({ 'x-request-id': 'req-1' });
    expect(
      connectionHeaders(request, {
        authorization: 'Bearer top',
        headers: { authorization: 'Bearer nested' },
      }),
    ).toMatchObject({ authorization: 'Bearer top' });
    expect(connectionHeaders(request, 'not an object')).toEqual({ 'x-request-id': 'req-1' });
  });

  it('uses a token sent under headers.Authorization for the caller (passthrough)', async () => {
    stack = await startIndexedStack({
      auth: 'passthrough',
      clusters: [
        {
          name: 'east',
          grants: appsGrants(),
        },
      ],
    });
    const client = wsClient(stack.url, { headers: { Authorization: 'Bearer token-apps' } });
    const sub = wsSubscribe(client, SUBSCRIPTION);
    await until(() => stack!.gateway.subscriptions.subscribers === 1, 'subscribed');
    stack.sims['east']!.changes.moveTag('bench', 'stream-000', 'latest');
    stack.sims['east']!.changes.moveTag('apps', 'frontend', 'latest');
    expect((await sub.next()).data).toEqual({
      imageStreamEvents: { type: 'MODIFIED', namespace: 'apps', stream: 'frontend' },
    });
    await client.dispose();
  });

  it('closes a connection that never sends connection_init, and one that sends too large a message', async () => {
    stack = await startIndexedStack({ maxBodyBytes: 1024 });
    const silent = new WebSocket(stack.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    expect((await closeOf(silent)).code).toBe(4408);
    const large = new WebSocket(stack.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = closeOf(large);
    large.on('open', () =>
      large.send(JSON.stringify({ type: 'connection_init', payload: { x: 'y'.repeat(2000) } })),
    );
    expect((await closed).code).toBe(1009);
    expect(stack.gateway.connections.open).toBeLessThanOrEqual(1);
    await until(() => stack!.gateway.connections.open === 0, 'both connections are gone');
  });

  it('a WebSocket that holds no subscription is evictable: idle sockets cannot lock queries out', async () => {
    stack = await startIndexedStack({ http: { maxConnections: 5 } });
    const idle: WebSocket[] = [];
    for (let i = 0; i < 5; i++) {
      const ws = new WebSocket(stack.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      await new Promise((resolve) => ws.on('open', resolve));
      ws.send(JSON.stringify({ type: 'connection_init' }));
      await new Promise((resolve) => ws.once('message', resolve));
      ws.on('error', () => undefined);
      idle.push(ws);
    }
    // At the cap, with every connection an idle WebSocket: a query still gets in.
    expect((await stack.gql('{ clusters { name } }')).status).toBe(200);
    await until(() => idle.some((ws) => ws.readyState === WebSocket.CLOSED), 'one was evicted');
    for (const ws of idle) ws.terminate();
    // One that holds a subscription is busy, and is not evicted for a newcomer.
    const client = wsClient(stack.url);
    const sub = wsSubscribe(client, SUBSCRIPTION);
    await until(() => stack!.gateway.subscriptions.subscribers === 1, 'subscribed');
    for (let i = 0; i < 6; i++) expect((await stack.gql('{ clusters { name } }')).status).toBe(200);
    stack.sims['east']!.changes.moveTag('apps', 'worker', 'latest');
    expect((await sub.next()).data).toBeTruthy();
    await client.dispose();
  });

  it('refuses a subscription id longer than 128 characters (the library keeps each as a key)', async () => {
    stack = await startIndexedStack();
    const ws = new WebSocket(stack.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => ws.on('open', resolve));
    ws.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => ws.once('message', resolve));
    const answer = new Promise<string>((resolve) =>
      ws.once('message', (m: Buffer) => resolve(m.toString('utf8'))),
    );
    ws.send(
      JSON.stringify({
        id: 'i'.repeat(10_000),
        type: 'subscribe',
        payload: { query: SUBSCRIPTION },
      }),
    );
    const message = JSON.parse(await answer) as { type: string; payload: unknown };
    expect(message.type).toBe('error');
    expect(JSON.stringify(message.payload)).toContain('SUBSCRIPTION_ID_TOO_LONG');
    expect(stack.gateway.subscriptions.active).toBe(0);
    ws.terminate();
  });

  it('holds at most 100 subscriptions per connection; the next is refused, the others run on', async () => {
    stack = await startIndexedStack();
    const client = wsClient(stack.url);
    const subs = Array.from({ length: 100 }, () => wsSubscribe(client, SUBSCRIPTION));
    await until(() => stack!.gateway.subscriptions.subscribers === 100, '100 subscribed');
    const refused = wsSubscribe(client, SUBSCRIPTION);
    await until(() => refused.failure !== undefined, 'the 101st is refused');
    expect(JSON.stringify(refused.failure)).toContain('TOO_MANY_SUBSCRIPTIONS');
    stack.sims['east']!.changes.moveTag('apps', 'worker', 'latest');
    await until(() => subs.every((s) => s.results.length === 1), 'all 100 have the event');
    await client.dispose();
    await until(() => stack!.gateway.subscriptions.subscribers === 0, 'all gone after dispose');
  });

  it('refuses subscriptions past --max-subscriptions, over both transports, until one ends', async () => {
    stack = await startIndexedStack({ maxSubscriptions: 1 });
    const client = wsClient(stack.url);
    const first = wsSubscribe(client, SUBSCRIPTION);
    await until(() => stack!.gateway.subscriptions.active === 1, 'one runs');
    const second = wsSubscribe(client, SUBSCRIPTION);
    const refused = await second.next();
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      reason: 'TOO_MANY_SUBSCRIPTIONS',
    });
    const overSse = await sseSubscribe(stack.url, SUBSCRIPTION);
    expect((await overSse.next()).errors?.[0]?.extensions?.['reason']).toBe(
      'TOO_MANY_SUBSCRIPTIONS',
    );
    first.close();
    await until(() => stack!.gateway.subscriptions.active === 0, 'the first ended');
    const third = wsSubscribe(client, SUBSCRIPTION);
    await until(() => stack!.gateway.subscriptions.active === 1, 'a new one runs');
    third.close();
    await client.dispose();
  });

  it('is closed with 1001 when the gateway shuts down, promptly and with nothing left running', async () => {
    stack = await startIndexedStack();
    const ws = new WebSocket(stack.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = closeOf(ws);
    await new Promise((resolve) => ws.on('open', resolve));
    ws.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => ws.once('message', resolve));
    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION } }));
    await until(() => stack!.gateway.subscriptions.active === 1, 'subscribed');
    await stack.gateway.close();
    expect((await closed).code).toBe(1001);
    expect(stack.gateway.subscriptions.active).toBe(0);
    expect(stack.gateway.subscriptions.subscribers).toBe(0);
  });
});
