import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  isRetryable,
  parseRetryAfter,
  retryDelay,
} from '../../src/upstream/retryDelay.js';

const base = {
  attempt: 1,
  method: 'GET',
  remainingMs: 30_000,
  random: 0.5,
  policy: DEFAULT_RETRY_POLICY,
};

describe('retryDelay', () => {
  it('retries GETs on 429, 502, 503 and 504', () => {
    for (const statusCode of [429, 502, 503, 504])
      expect(retryDelay({ ...base, statusCode })).toBeGreaterThan(0);
  });

  it('never retries answers that are not glitches: 400, 401, 403, 404, 410, 422 and a plain 500', () => {
    for (const statusCode of [400, 401, 403, 404, 410, 422, 500])
      expect(retryDelay({ ...base, statusCode })).toBe(0);
  });

  it('retries a 500 only when the server sent Retry-After (ServerTimeout)', () => {
    expect(retryDelay({ ...base, statusCode: 500, retryAfterMs: 2000 })).toBe(2000);
  });

  it('retries resets, refused connections and per-attempt timeouts, not unknown socket errors', () => {
    for (const errorCode of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT'])
      expect(retryDelay({ ...base, errorCode })).toBeGreaterThan(0);
    expect(retryDelay({ ...base, errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID' })).toBe(0);
  });

  it('retries only GET', () => {
    expect(isRetryable({ method: 'POST', statusCode: 503 })).toBe(false);
    expect(retryDelay({ ...base, method: 'POST', statusCode: 503 })).toBe(0);
  });

  it('honours Retry-After over backoff', () => {
    expect(retryDelay({ ...base, statusCode: 429, retryAfterMs: 1000 })).toBe(1000);
  });

  it('does not retry when the wait would reach past the deadline', () => {
    expect(retryDelay({ ...base, statusCode: 429, retryAfterMs: 5000, remainingMs: 4000 })).toBe(0);
    expect(retryDelay({ ...base, statusCode: 503, remainingMs: 10 })).toBe(0);
  });

  it('stops after the retry limit', () => {
    expect(
      retryDelay({ ...base, statusCode: 503, attempt: DEFAULT_RETRY_POLICY.limit }),
    ).toBeGreaterThan(0);
    expect(retryDelay({ ...base, statusCode: 503, attempt: DEFAULT_RETRY_POLICY.limit + 1 })).toBe(
      0,
    );
  });

  it('backs off exponentially with equal jitter, capped at maxDelayMs', () => {
    const policy = { limit: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    const at = (attempt: number, random: number): number =>
      retryDelay({ ...base, policy, attempt, random, statusCode: 503 });
    expect([at(1, 0), at(1, 0.999)]).toEqual([50, 100]);
    expect([at(2, 0), at(3, 0)]).toEqual([100, 200]);
    expect(at(8, 0.999)).toBe(1000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter(' 0 ', 0)).toBe(0);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
