import type { IncomingMessage, ServerResponse } from 'node:http';
import { send, sendText } from './send.js';
import { reasonOf, status } from './status.js';

/**
 * The fault language: what an API server, the proxy in front of it or the network does when
 * things go wrong (docs/openshift-image-api.md §5, §8), played instead of (or before) the answer.
 */
export type Fault =
  /** A Status with this code; message `simulated <code>`; Retry-After when given. */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly reason?: string;
      readonly retryAfterSeconds?: number;
    }
  /** 429 with the plain-text body of max-in-flight/APF and a Retry-After header. */
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds: number }
  /** 500 ServerTimeout (layer cache not synced), Retry-After: 2 unless given. */
  | { readonly kind: 'server-timeout'; readonly retryAfterSeconds?: number }
  /** 503 ServiceUnavailable Status (aggregated API down). */
  | { readonly kind: 'unavailable' }
  /** The connection is destroyed before any answer. */
  | { readonly kind: 'reset' }
  /** A 200 with a content-length, part of the body, then the connection destroyed. */
  | { readonly kind: 'reset-mid-body' }
  /** A complete HTTP message whose JSON stops half-way. */
  | { readonly kind: 'truncate' }
  /** A 200 labelled application/json whose body is HTML. */
  | { readonly kind: 'invalid-json' }
  /** No answer at all (until the client gives up or the simulator closes). */
  | { readonly kind: 'hang' }
  /** Waits, then answers normally. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** A 200 whose body never ends (until the client gives up). */
  | { readonly kind: 'endless' }
  /**
   * A Status (default 500 InternalError) whose message repeats the request's Authorization
   * header verbatim and, elsewhere, the bare token: an upstream that leaks credentials.
   */
  | { readonly kind: 'echo-authorization'; readonly status?: number }
  /**
   * The HTML error page of a router or proxy (default 503, `content-type: text/html`, the
   * OpenShift router's "Application is not available"), with the bare token in its text.
   */
  | { readonly kind: 'html'; readonly status?: number }
  /** A body that is not JSON, with any status, as `text/plain`. */
  | { readonly kind: 'plain-text'; readonly status: number; readonly body: string };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const PARTIAL_ISIMAGE =
  '{"kind":"ImageStreamImage","apiVersion":"image.openshift.io/v1","metadata":{"name":"';

/** Plays a fault; true when it answered (or killed) the request, false to answer normally. */
export async function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      await sleep(fault.ms);
      return false;
    case 'status': {
      const body = status(
        fault.status,
        fault.reason ?? 'InternalError',
        `simulated ${fault.status}`,
      );
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(fault.retryAfterSeconds) };
      send(res, { status: fault.status, body, headers });
      return true;
    }
    case 'rate-limit':
      // The API server's max-in-flight and APF filters answer 429 in plain text, not a Status.
      sendText(res, 429, 'Too many requests, please try again later.\n', {
        'content-type': 'text/plain; charset=utf-8',
        'retry-after': String(fault.retryAfterSeconds),
      });
      return true;
    case 'server-timeout':
      sendServerTimeout(res, fault.retryAfterSeconds ?? 2);
      return true;
    case 'unavailable':
      send(res, {
        status: 503,
        body: status(
          503,
          'ServiceUnavailable',
          'the server is currently unable to handle the request',
        ),
      });
      return true;
    case 'echo-authorization':
    case 'html':
    case 'plain-text':
      sendLeak(fault, req.headers.authorization, res);
      return true;
    default:
      return applyBrokenTransport(fault, res);
  }
}

function sendServerTimeout(res: ServerResponse, seconds: number): void {
  const body = status(
    500,
    'ServerTimeout',
    'The get operation against imagestreams.image.openshift.io could not be completed at this time, please try again.',
    { name: 'get', group: 'image.openshift.io', kind: 'imagestreams', retryAfterSeconds: seconds },
  );
  send(res, { status: 500, body, headers: { 'retry-after': String(seconds) } });
}

/** Answers from an upstream or proxy that cannot be trusted with what it echoes. */
function sendLeak(
  fault: Extract<Fault, { kind: 'echo-authorization' | 'html' | 'plain-text' }>,
  authorization: string | undefined,
  res: ServerResponse,
): void {
  const header = authorization ?? '';
  const token = /^Bearer (.*)$/i.exec(header)?.[1] ?? header;
  if (fault.kind === 'plain-text') {
    sendText(res, fault.status, fault.body, { 'content-type': 'text/plain; charset=utf-8' });
    return;
  }
  if (fault.kind === 'echo-authorization') {
    const code = fault.status ?? 500;
    const message = `request from "${header}" failed: token ${token} was rejected by the upstream proxy`;
    send(res, { status: code, body: status(code, reasonOf(code), message) });
    return;
  }
  const page = [
    '<html>',
    '  <head><title>Application is not available</title></head>',
    '  <body>',
    '    <h1>Application is not available</h1>',
    '    <p>The application is currently not serving requests at this endpoint. It may not have been started or is still starting.</p>',
    `    <p>Request credentials: ${token}</p>`,
    '  </body>',
    '</html>',
    '',
  ].join('\n');
  sendText(res, fault.status ?? 503, page, {
    'content-type': 'text/html',
    'cache-control': 'private, max-age=0, no-cache, no-store',
    pragma: 'no-cache',
  });
}

/** Faults of the connection rather than of the answer. */
async function applyBrokenTransport(
  fault: Extract<
    Fault,
    { kind: 'reset' | 'reset-mid-body' | 'truncate' | 'invalid-json' | 'hang' | 'endless' }
  >,
  res: ServerResponse,
): Promise<boolean> {
  switch (fault.kind) {
    case 'reset':
      res.socket?.destroy();
      return true;
    case 'reset-mid-body':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
      res.write(PARTIAL_ISIMAGE);
      await sleep(5);
      res.socket?.destroy();
      return true;
    case 'truncate':
      // A complete HTTP message whose JSON stops half-way (chunked, properly terminated).
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(PARTIAL_ISIMAGE);
      return true;
    case 'invalid-json':
      sendText(res, 200, '<html><body>Application is not available</body></html>', {
        'content-type': 'application/json',
      });
      return true;
    case 'hang':
      return true;
    case 'endless': {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"kind":"ImageStreamImage","metadata":{"name":"');
      const chunk = 'x'.repeat(64 * 1024);
      // Bounded by the client: it stops reading, the socket closes, and so does this loop.
      for (let sent = 0; sent < 1024 ** 3 && !res.destroyed; sent += chunk.length) {
        if (!res.write(chunk))
          await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
      }
      res.destroy();
      return true;
    }
  }
}
