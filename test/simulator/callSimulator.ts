import net from 'node:net';
import type { Simulator } from '../../src/simulator/createSimulator.js';

/** One answer of the simulator, with the body parsed when it is JSON. */
export interface Reply {
  readonly status: number;
  readonly body: any;
  readonly text: string;
  readonly headers: Headers;
}

/** A request to the simulator over real loopback HTTP. */
export async function callSimulator(
  sim: Simulator,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  const res = await fetch(`${sim.url}${path}`, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** Bearer headers for a token. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * Writes bytes on a raw TCP connection and collects everything the simulator sends until it
 * closes the connection (the caller sends `Connection: close` or a request that ends it).
 */
export function sendRaw(sim: Simulator, bytes: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(sim.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

/** The status code and the body of a raw HTTP/1.1 response (not chunked). */
export function parseRawResponse(raw: string): { status: number; body: any } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  return { status, body: body === '' ? undefined : JSON.parse(body) };
}
