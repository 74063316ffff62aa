import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createConnectionGuard,
  type ConnectionGuard,
} from '../../src/http/createConnectionGuard.js';
import { waitFor } from '../helpers/waitFor.js';

/**
 * A real server whose requests stay unanswered until released, so a test decides which
 * connections are busy. The handler marks the socket busy, and idle once the answer is sent,
 * as createHttpServer's hooks do.
 */
let server: http.Server;
let guard: ConnectionGuard;
let port: number;
const releases: (() => void)[] = [];
const sockets: net.Socket[] = [];

beforeEach(async () => {
  server = http.createServer((req, res) => {
    guard.busy(req.socket);
    releases.push(() => {
      res.end('done');
      guard.idle(req.socket);
    });
  });
  guard = createConnectionGuard(server, 2);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.length = 0;
  releases.length = 0;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A client connection, with a promise of its close, once the server has counted it. */
async function connect(): Promise<{
  socket: net.Socket;
  closed: Promise<void>;
  isClosed(): boolean;
}> {
  const before = guard.open + guard.evicted + guard.refused;
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  let closed = false;
  const done = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  void done.then(() => (closed = true));
  await waitFor(
    () => guard.open + guard.evicted + guard.refused > before,
    'the server to see the connection',
  );
  return { socket, closed: done, isClosed: () => closed };
}

/** Sends a request and waits until the server holds it (the connection is busy). */
async function sendRequest(socket: net.Socket): Promise<void> {
  const before = releases.length;
  socket.write('GET /hold HTTP/1.1\r\nHost: x\r\n\r\n');
  await waitFor(() => releases.length > before, 'the request to arrive');
}

describe('createConnectionGuard', () => {
  it('counts open connections, and forgets closed ones', async () => {
    const a = await connect();
    await connect();
    expect(guard.open).toBe(2);
    a.socket.destroy();
    await waitFor(() => guard.open === 1, 'the server to see the close');
    expect(guard.evicted).toBe(0);
  });

  it('at the cap, closes the connection that has waited longest to admit a new one', async () => {
    const a = await connect();
    const b = await connect();
    const c = await connect();
    await a.closed;
    expect(b.isClosed()).toBe(false);
    expect(guard.evicted).toBe(1);
    const d = await connect();
    await b.closed;
    expect([c.isClosed(), d.isClosed()]).toEqual([false, false]);
    expect(guard.evicted).toBe(2);
    expect(guard.open).toBe(2);
    expect(guard.refused).toBe(0);
  });

  it('never evicts a busy connection: the waiting one goes, even if it is newer', async () => {
    const a = await connect();
    await sendRequest(a.socket);
    const b = await connect();
    await connect();
    await b.closed;
    expect(a.isClosed()).toBe(false);
    expect(guard.evicted).toBe(1);
  });

  it('refuses a new connection when every connection is busy', async () => {
    const a = await connect();
    await sendRequest(a.socket);
    const b = await connect();
    await sendRequest(b.socket);
    const c = await connect();
    await c.closed;
    expect([a.isClosed(), b.isClosed()]).toEqual([false, false]);
    expect(guard.refused).toBe(1);
    expect(guard.evicted).toBe(0);
    expect(guard.open).toBe(2);
  });

  it('makes a connection evictable again once its answer is sent, as the newest waiter', async () => {
    const a = await connect();
    await sendRequest(a.socket);
    const b = await connect();
    // a's answer goes out: a now waits for its next request, after b.
    const answered = new Promise<void>((resolve) => a.socket.once('data', () => resolve()));
    releases[0]?.();
    await answered;
    const c = await connect();
    await b.closed;
    expect(a.isClosed()).toBe(false);
    const d = await connect();
    await a.closed;
    expect([c.isClosed(), d.isClosed()]).toEqual([false, false]);
    expect(guard.evicted).toBe(2);
  });

  it('closeWaiting closes every connection without a request now, and a busy one once answered', async () => {
    const busy = await connect();
    await sendRequest(busy.socket);
    const waiting = await connect();
    guard.closeWaiting();
    await waiting.closed;
    expect(busy.isClosed()).toBe(false);
    // The answer still arrives whole, and then the connection ends.
    let received = '';
    busy.socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    releases[0]?.();
    await busy.closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*done$/);
  });
});
