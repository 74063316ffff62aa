import type { ServerResponse } from 'node:http';
import type { Answer } from './Answer.js';

/** Writes an answer as JSON with an exact content-length (headers of the answer win). */
export function send(res: ServerResponse, answer: Answer): void {
  sendText(res, answer.status, JSON.stringify(answer.body), {
    'content-type': 'application/json',
    ...answer.headers,
  });
}

/** Writes a body as it is, with an exact content-length. */
export function sendText(
  res: ServerResponse,
  code: number,
  body: string,
  headers: Readonly<Record<string, string>>,
): void {
  res.writeHead(code, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
