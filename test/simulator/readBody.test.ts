import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readBody } from '../../src/simulator/readBody.js';

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => {
    server?.close(() => resolve());
    server?.closeAllConnections();
  });
});

/** A loopback server whose handler hands the outcome of readBody (with a limit of 8) to the test. */
async function serveOnce(
  before?: (req: http.IncomingMessage) => Promise<void>,
): Promise<{ port: number; outcome: Promise<string> }> {
  let report: (outcome: string) => void = () => {};
  const outcome = new Promise<string>((resolve) => {
    report = resolve;
  });
  server = http.createServer((req, res) => {
    void (async () => {
      if (before) await before(req);
      const body = await readBody(req, 8);
      report(body === 'too-large' ? body : `body:${body.toString()}`);
      res.end('ok');
    })().catch((err: unknown) => {
      report(`error:${String(err)}`);
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, outcome };
}

describe('readBody', () => {
  it('reads a body up to the limit and refuses one byte more', async () => {
    const small = await serveOnce();
    await fetch(`http://127.0.0.1:${small.port}/`, {
      method: 'POST',
      body: Buffer.from('12345678'),
    });
    expect(await small.outcome).toBe('body:12345678');
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const large = await serveOnce();
    await fetch(`http://127.0.0.1:${large.port}/`, {
      method: 'POST',
      body: Buffer.from('123456789'),
    });
    expect(await large.outcome).toBe('too-large');
  });

  it('rejects when the client goes away mid-body, also when it went before the read began', async () => {
    let gone: () => void = () => {};
    const clientGone = new Promise<void>((resolve) => {
      gone = resolve;
    });
    const late = await serveOnce(async (req) => {
      await clientGone;
      // Poll until Node has noticed the closed socket, instead of sleeping a fixed time.
      while (!req.destroyed) await new Promise((resolve) => setImmediate(resolve));
    });
    const socket = net.connect(late.port, '127.0.0.1', () => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab', () =>
        socket.destroy(),
      );
    });
    socket.on('close', () => gone());
    expect(await late.outcome).toBe(
      'error:Error: the request was aborted before its body was read',
    );
  });
});
