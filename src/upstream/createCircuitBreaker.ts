/**
 * A circuit breaker per cluster. After `failureThreshold` consecutive failed calls (no answer,
 * or a 5xx) it opens: calls fail at once, without touching the network, for `openMs`. Then one
 * call is let through as a probe (half-open): its success closes the circuit, its failure opens
 * it again. Answers such as 401, 403, 404 or 429 are not failures: the cluster is up.
 *
 * Only the cluster's own failures count. A call the gateway itself abandons (its request's
 * deadline passed, its client went away) says nothing about the cluster and is reported as
 * `neutral`. Every call holds the ticket it was admitted with: outcomes of calls admitted
 * before the circuit opened are ignored once it has opened, so a late success from such a call
 * cannot close it — only the probe can.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerTicket {
  /** The breaker's epoch when the call was admitted (it changes whenever the circuit opens). */
  readonly epoch: number;
  /** This call is the half-open probe. */
  readonly probe: boolean;
}

export interface CircuitBreaker {
  readonly state: BreakerState;
  /** ms until the next probe may go, while open. */
  readonly retryInMs: number;
  /** Admits a call now, or returns undefined (open, or a probe is already out). */
  admit(): BreakerTicket | undefined;
  /** Whether a call would be admitted now, without admitting it (a fast check before queueing). */
  readonly admits: boolean;
  onSuccess(ticket: BreakerTicket): void;
  onFailure(ticket: BreakerTicket): void;
  /** The call was abandoned by the gateway: no verdict on the cluster. */
  onNeutral(ticket: BreakerTicket): void;
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
  let epoch = 0;
  let failures = 0;
  let openedAt = 0;
  let probing = false;
  const set = (next: BreakerState): void => {
    if (next !== state) {
      state = next;
      onChange?.(next);
    }
  };
  const open = (): void => {
    epoch += 1;
    openedAt = now();
    probing = false;
    set('open');
  };
  const current = (ticket: BreakerTicket): boolean => ticket.epoch === epoch;
  return {
    get state() {
      return state;
    },
    get retryInMs() {
      return state === 'open' ? Math.max(0, openedAt + options.openMs - now()) : 0;
    },
    get admits() {
      if (state === 'closed') return true;
      if (state === 'open') return now() >= openedAt + options.openMs;
      return !probing;
    },
    admit() {
      if (state === 'closed') return { epoch, probe: false };
      if (state === 'open') {
        if (now() < openedAt + options.openMs) return undefined;
        set('half-open');
      }
      if (probing) return undefined;
      probing = true;
      return { epoch, probe: true };
    },
    onSuccess(ticket) {
      if (!current(ticket)) return;
      if (ticket.probe) {
        probing = false;
        failures = 0;
        set('closed');
      } else if (state === 'closed') {
        failures = 0;
      }
    },
    onFailure(ticket) {
      if (!current(ticket)) return;
      if (ticket.probe) {
        open();
        return;
      }
      if (state !== 'closed') return;
      failures += 1;
      if (failures >= options.failureThreshold) open();
    },
    onNeutral(ticket) {
      if (current(ticket) && ticket.probe) probing = false;
    },
  };
}
