/**
 * A circuit breaker per cluster. After `failureThreshold` consecutive failed calls (no answer,
 * or a 5xx) it opens: calls fail at once, without touching the network, for `openMs`. Then one
 * call is let through as a probe (half-open): success closes the circuit, failure opens it
 * again. Answers such as 401, 403, 404 or 429 are not failures: the cluster is up.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreaker {
  readonly state: BreakerState;
  /** ms until the next probe may go, while open. */
  readonly retryInMs: number;
  /** Whether a call may go now; in half-open, true for one probe at a time. */
  allow(): boolean;
  onSuccess(): void;
  onFailure(): void;
}

export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly openMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = Object.freeze({
  failureThreshold: 5,
  openMs: 5_000,
});

export function createCircuitBreaker(
  options: CircuitBreakerOptions = DEFAULT_CIRCUIT_BREAKER,
  now: () => number = Date.now,
  onChange?: (state: BreakerState) => void,
): CircuitBreaker {
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probing = false;
  const set = (next: BreakerState): void => {
    if (next !== state) {
      state = next;
      onChange?.(next);
    }
  };
  return {
    get state() {
      return state;
    },
    get retryInMs() {
      return state === 'open' ? Math.max(0, openedAt + options.openMs - now()) : 0;
    },
    allow() {
      if (state === 'closed') return true;
      if (state === 'open') {
        if (now() < openedAt + options.openMs) return false;
        set('half-open');
      }
      if (probing) return false;
      probing = true;
      return true;
    },
    onSuccess() {
      failures = 0;
      probing = false;
      set('closed');
    },
    onFailure() {
      probing = false;
      failures += 1;
      if (state === 'half-open' || failures >= options.failureThreshold) {
        openedAt = now();
        set('open');
      }
    },
  };
}
