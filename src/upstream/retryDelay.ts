/**
 * The retry policy for calls to an API server, as one pure function (no clock, no randomness
 * of its own) so it can be tested exhaustively.
 *
 * Kubernetes API conventions: 429 means "read Retry-After and try again"; 500 with a
 * Retry-After (reason ServerTimeout, e.g. the image layer cache not yet synced) and 502/503/504
 * are transient. Anything else (400, 401, 403, 404, 409, 410, 422, plain 500) is an answer,
 * not a glitch, and is never retried. Only idempotent GETs are retried.
 */

/** Socket-level failures worth another attempt (connection reset, refused, per-attempt timeout). */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

const RETRYABLE_STATUS_CODES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly limit: number;
  /** First backoff step in ms; doubled on every retry. */
  readonly baseDelayMs: number;
  /** Upper bound of one backoff step in ms. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  limit: 3,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
});

export interface RetryInput {
  /** 1 for the decision after the first attempt failed, 2 after the second, … */
  readonly attempt: number;
  readonly method: string;
  /** The HTTP status, when an answer came back. */
  readonly statusCode?: number | undefined;
  /** The socket error code, when no answer came back. */
  readonly errorCode?: string | undefined;
  /** The server's Retry-After in ms, when it sent one. */
  readonly retryAfterMs?: number | undefined;
  /** Time left until the request's deadline, in ms. */
  readonly remainingMs: number;
  /** A number in [0, 1) for the jitter. */
  readonly random: number;
  readonly policy: RetryPolicy;
}

/** Whether a failed attempt may be tried again at all (ignoring limits and the deadline). */
export function isRetryable(
  input: Pick<RetryInput, 'method' | 'statusCode' | 'errorCode' | 'retryAfterMs'>,
): boolean {
  if (input.method.toUpperCase() !== 'GET') return false;
  if (input.statusCode !== undefined) {
    if (RETRYABLE_STATUS_CODES.has(input.statusCode)) return true;
    return input.statusCode === 500 && input.retryAfterMs !== undefined;
  }
  return input.errorCode !== undefined && RETRYABLE_ERROR_CODES.has(input.errorCode);
}

/**
 * How long to wait before the next attempt, in ms; 0 means "do not retry". The server's
 * Retry-After wins over backoff; backoff is exponential with equal jitter (half fixed, half
 * random) so that a burst of failed calls does not come back as a burst. A retry that could
 * not start before the deadline is not attempted: the caller gets the real error now rather
 * than a timeout later.
 */
export function retryDelay(input: RetryInput): number {
  if (input.attempt > input.policy.limit || !isRetryable(input)) return 0;
  let delay: number;
  if (input.retryAfterMs !== undefined) {
    delay = Math.max(1, input.retryAfterMs);
  } else {
    const step = Math.min(
      input.policy.maxDelayMs,
      input.policy.baseDelayMs * 2 ** (input.attempt - 1),
    );
    delay = Math.max(1, Math.round(step / 2 + (input.random * step) / 2));
  }
  return delay < input.remainingMs ? delay : 0;
}

/**
 * Parses a Retry-After header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) into ms.
 * Returns undefined when absent or unparseable.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
