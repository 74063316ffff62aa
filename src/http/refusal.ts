import type { Duplex } from 'node:stream';
import type { FastifyReply } from 'fastify';

/**
 * The one body for requests refused before GraphQL execution (bad JSON, body or response too
 * large, token limit, unknown route…): GraphQL's error shape, so a client has one format to
 * read. `reason` names what was wrong; the message never echoes what the client sent.
 */
export function refusalBody(message: string, reason: string, code = 'BAD_USER_INPUT'): string {
  return JSON.stringify({ errors: [{ message, extensions: { code, reason } }] });
}

export function refuse(
  reply: FastifyReply,
  status: number,
  message: string,
  reason: string,
  code?: string,
): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send(refusalBody(message, reason, code));
}

/**
 * The same refusal written straight to a socket that never reached Fastify (a request Node could
 * not parse, CONNECT, a refused WebSocket upgrade); then the connection is closed for good, so a
 * client that keeps sending (a slow client past its timeout) cannot hold the socket half-open.
 */
export function refuseOnSocket(
  socket: Duplex,
  status: number,
  statusText: string,
  message: string,
  reason: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const body = refusalBody(message, reason);
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(
    `HTTP/1.1 ${status} ${statusText}\r\n${extra}Connection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
