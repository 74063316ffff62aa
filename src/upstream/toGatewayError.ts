import { GatewayError, type ErrorCode, type UpstreamInfo } from '../errors.js';
import type { Status } from './types.js';

/**
 * The one place where an API server's answer (or the lack of one) becomes a contract error.
 * Kubernetes `Status` bodies carry `reason` and `details.kind`; the latter tells apart the
 * three 404s of imagestreamimages (stream missing: `imagestreams`; digest not in the stream:
 * `imagestreamimage`; Image object pruned: `images`). 429 bodies are plain text.
 */

export interface FailedAnswer {
  readonly statusCode: number;
  readonly statusMessage?: string | undefined;
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

export function errorCodeForStatus(statusCode: number): ErrorCode {
  const mapped = STATUS_CODE_TO_ERROR.get(statusCode);
  if (mapped) return mapped;
  if (statusCode >= 500) return 'UPSTREAM_UNAVAILABLE';
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
    // not JSON: treated as plain text below
  }
  return undefined;
}

const BEARER = /bearer\s+[^\s"',;]+/gi;

/** Strips anything shaped like a bearer credential from text that will be shown or logged. */
export function redactCredentials(text: string): string {
  return text.replace(BEARER, 'Bearer [redacted]');
}

function firstLine(text: string, max = 200): string {
  const line = text.split('\n', 1)[0]?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** An HTTP answer outside 2xx. */
export function errorFromAnswer(cluster: string, answer: FailedAnswer): GatewayError {
  const status = parseStatus(answer.body);
  const code = errorCodeForStatus(answer.statusCode);
  const upstream: UpstreamInfo = {
    status: answer.statusCode,
    reason: status?.reason || answer.statusMessage || `HTTP ${answer.statusCode}`,
  };
  if (status?.details?.kind) upstream.kind = status.details.kind;
  const detail = status?.message || firstLine(answer.body) || upstream.reason;
  return new GatewayError(code, redactCredentials(`cluster "${cluster}": ${detail}`), {
    cluster,
    upstream,
  });
}

/** A 2xx answer whose body is not the JSON object we asked for. */
export function malformedBody(cluster: string, statusCode: number, cause: unknown): GatewayError {
  return new GatewayError(
    'UPSTREAM_UNAVAILABLE',
    `cluster "${cluster}": the API server sent a malformed body`,
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
): GatewayError {
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
  const message = redactCredentials(firstLine(err.message ?? code));
  return new GatewayError(
    'UPSTREAM_UNAVAILABLE',
    `cluster "${cluster}" is unavailable: ${message}`,
    {
      cluster,
      cause: err,
    },
  );
}
