import { describe, expect, it } from 'vitest';
import {
  createCircuitBreaker,
  type BreakerTicket,
  type CircuitBreaker,
} from '../../src/upstream/createCircuitBreaker.js';

function admit(breaker: CircuitBreaker): BreakerTicket {
  const ticket = breaker.admit();
  if (!ticket) throw new Error('expected the breaker to admit a call');
  return ticket;
}

describe('createCircuitBreaker', () => {
  it('opens after the threshold of consecutive failures, probes once after openMs, and closes on the probe', () => {
    let now = 0;
    const states: string[] = [];
    const breaker = createCircuitBreaker(
      { failureThreshold: 3, openMs: 1000 },
      () => now,
      (s) => states.push(s),
    );
    breaker.onFailure(admit(breaker));
    breaker.onFailure(admit(breaker));
    breaker.onSuccess(admit(breaker));
    breaker.onFailure(admit(breaker));
    breaker.onFailure(admit(breaker));
    expect(breaker.state).toBe('closed');
    breaker.onFailure(admit(breaker));
    expect(breaker.state).toBe('open');
    expect(breaker.admit()).toBeUndefined();
    expect(breaker.admits).toBe(false);
    now = 600;
    expect(breaker.retryInMs).toBe(400);
    now = 1000;
    expect(breaker.admits).toBe(true);
    const probe = admit(breaker);
    expect(probe.probe).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.admit()).toBeUndefined();
    breaker.onSuccess(probe);
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again when the probe fails', () => {
    let now = 0;
    const breaker = createCircuitBreaker({ failureThreshold: 1, openMs: 100 }, () => now);
    breaker.onFailure(admit(breaker));
    now = 100;
    breaker.onFailure(admit(breaker));
    expect(breaker.state).toBe('open');
    expect(breaker.admit()).toBeUndefined();
  });

  it('ignores a late success of a call admitted before the circuit opened: only the probe closes it', () => {
    let now = 0;
    const breaker = createCircuitBreaker({ failureThreshold: 2, openMs: 100 }, () => now);
    const slow = admit(breaker);
    breaker.onFailure(admit(breaker));
    breaker.onFailure(admit(breaker));
    expect(breaker.state).toBe('open');
    breaker.onSuccess(slow);
    expect(breaker.state).toBe('open');
    now = 100;
    const probe = admit(breaker);
    breaker.onSuccess(slow);
    expect(breaker.state).toBe('half-open');
    breaker.onSuccess(probe);
    expect(breaker.state).toBe('closed');
  });

  it("does not count the gateway's own aborts: neutral outcomes neither fail nor reset", () => {
    let now = 0;
    const breaker = createCircuitBreaker({ failureThreshold: 2, openMs: 100 }, () => now);
    breaker.onFailure(admit(breaker));
    for (let i = 0; i < 10; i++) breaker.onNeutral(admit(breaker));
    expect(breaker.state).toBe('closed');
    breaker.onFailure(admit(breaker));
    expect(breaker.state).toBe('open');
    now = 100;
    // An abandoned probe frees the probe slot without deciding.
    breaker.onNeutral(admit(breaker));
    expect(breaker.state).toBe('half-open');
    const next = admit(breaker);
    expect(next.probe).toBe(true);
    breaker.onSuccess(next);
    expect(breaker.state).toBe('closed');
  });

  it('ignores failures reported for calls of an earlier epoch once reopened', () => {
    let now = 0;
    const breaker = createCircuitBreaker({ failureThreshold: 1, openMs: 100 }, () => now);
    const old = admit(breaker);
    breaker.onFailure(admit(breaker));
    now = 100;
    breaker.onSuccess(admit(breaker));
    expect(breaker.state).toBe('closed');
    breaker.onFailure(old);
    expect(breaker.state).toBe('closed');
  });
});
