import { STATUS_CODES } from 'node:http';
import { GatewayError, type ErrorCode, type UpstreamInfo } from '../errors.js';
import { redactSecrets } from './redactSecrets.js';
import type { Status } from './types.js';

/**
 * The one place where an API server's answer (or the lack of one) becomes a contract error.
 * Kubernetes `Status` bodies carry `reason` and `details.kind`; the latter tells apart the
 * three 404s of imagestreamimages (stream missing: `imagestreams`; digest not in the stream:
 * `imagestreamimage`; Image object pruned: `images`). 429 bodies are plain text.
 *
 * Only a Status's `message` is relayed to the client, cut and with credentials removed; any
 * other body (an HTML page from a router or proxy, plain text) is described, never quoted. The
 * answer's own reason phrase is never relayed (a proxy may echo the Authorization header there):
 * the standard phrase of its status is used. A Status's `reason` and `details.kind` are relayed
 * only when they have the shape the API server gives them (a CamelCase word, a resource name).
 */

export interface FailedAnswer {
  readonly statusCode: number;
  readonly body: string;
}

const STATUS_CODE_TO_ERROR: ReadonlyMap<number, ErrorCode> = new Map([
  [400, 'BAD_USER_INPUT'],
  [401, 'UNAUTHENTICATED'],
  [403, 'FORBIDDEN'],
  [404, 'NOT_FOUND'],
  [408, 'UPSTREAM_TIMEOUT'],
  [429, 'RATE_LIMITED'],
  [504, 'UPSTREAM_TIMEOUT'],
]);

/** Longest upstream message relayed. */
const MAX_MESSAGE = 300;

export function errorCodeForStatus(statusCode: number): ErrorCode {
  const mapped = STATUS_CODE_TO_ERROR.get(statusCode);
  if (mapped) return mapped;
  // 5xx: the server failed; 3xx: it sent the gateway elsewhere, which is never followed.
  if (statusCode >= 500 || (statusCode >= 300 && statusCode < 400)) return 'UPSTREAM_UNAVAILABLE';
  return 'INTERNAL_SERVER_ERROR';
}

/** Reads a Status out of a body, or undefined when the body is not one (plain text, HTML…). */
export function parseStatus(body: string): Status | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      (parsed as { kind?: unknown }).kind === 'Status'
    ) {
      return parsed as Status;
    }
  } catch {
    // not JSON: described below, never quoted
  }
  return undefined;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]+/g;

function cut(text: string): string {
  // Control characters (NUL, ESC, line breaks) never reach a client or a log from upstream.
  const line = text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

const asText = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** metav1.StatusReason: one CamelCase word (NotFound, ServerTimeout, TooManyRequests). */
const STATUS_REASON = /^[A-Za-z]{1,64}$/;
/** A resource name as `details.kind` carries it (imagestreams, imagestreamimage, images). */
const RESOURCE_KIND = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;

/** The standard reason phrase of a status (RFC 9110), whatever phrase the answer carried. */
function phraseOf(statusCode: number): string | undefined {
  return STATUS_CODES[statusCode];
}

/** What to say about an answer that is not a Status: its status, never its body. */
function describeBody(answer: FailedAnswer): string {
  if (answer.statusCode === 429) return 'the API server is rate limiting requests (HTTP 429)';
  const phrase = phraseOf(answer.statusCode);
  return `HTTP ${answer.statusCode}${phrase ? ` ${phrase}` : ''} (the body was not a Kubernetes Status and is not shown)`;
}

/** An HTTP answer outside 2xx; `secrets` are the credentials sent, removed wherever they appear. */
export function errorFromAnswer(
  cluster: string,
  answer: FailedAnswer,
  secrets: Iterable<string | undefined> = [],
): GatewayError {
  const status = parseStatus(answer.body);
  const code = errorCodeForStatus(answer.statusCode);
  const reason = asText(status?.reason);
  const upstream: UpstreamInfo = {
    status: answer.statusCode,
    reason:
      reason !== undefined && STATUS_REASON.test(reason)
        ? reason
        : (phraseOf(answer.statusCode) ?? `HTTP ${answer.statusCode}`),
  };
  const kind = asText(status?.details?.kind);
  if (kind !== undefined && RESOURCE_KIND.test(kind)) upstream.kind = kind;
  const message = asText(status?.message);
  const detail = message ? cut(redactSecrets(message, secrets)) : describeBody(answer);
  return new GatewayError(code, `cluster "${cluster}": ${detail}`, { cluster, upstream });
}

/** A 2xx answer whose body is not the JSON object we asked for. */
export function malformedBody(
  cluster: string,
  statusCode: number,
  cause: unknown,
  problem?: string,
): GatewayError {
  return new GatewayError(
    'UPSTREAM_UNAVAILABLE',
    `cluster "${cluster}": the API server sent a malformed body${problem ? ` (${cut(problem)})` : ''}`,
    {
      cluster,
      upstream: { status: statusCode, reason: 'MalformedBody' },
      cause,
    },
  );
}

/** No (complete) answer: timeouts, refused or reset connections, TLS failures. */
export function errorFromTransport(
  cluster: string,
  err: { name?: string; code?: unknown; message?: string },
  deadlineExceeded: boolean,
  secrets: Iterable<string | undefined> = [],
  abortReason?: unknown,
): GatewayError {
  // The gateway itself cut the call short and said why (a shutdown): that is the answer.
  if (deadlineExceeded && abortReason instanceof GatewayError)
    return new GatewayError(abortReason.code, `cluster "${cluster}": ${abortReason.message}`, {
      cluster,
      cause: err,
    });
  if (deadlineExceeded || err.name === 'TimeoutError' || err.code === 'ETIMEDOUT') {
    const what = deadlineExceeded
      ? 'the request deadline passed'
      : 'the API server did not answer in time';
    return new GatewayError('UPSTREAM_TIMEOUT', `cluster "${cluster}": ${what}`, {
      cluster,
      cause: err,
    });
  }
  const code = typeof err.code === 'string' ? err.code : 'ERR_UNKNOWN';
  const message = cut(redactSecrets(err.message ?? code, secrets));
  return new GatewayError(
    'UPSTREAM_UNAVAILABLE',
    `cluster "${cluster}" is unavailable: ${message}`,
    {
      cluster,
      cause: err,
    },
  );
}
