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
