import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../src/upstream/createCircuitBreaker.js';

describe('createCircuitBreaker', () => {
  it('opens after the threshold of consecutive failures, probes once after openMs, and closes on success', () => {
    let now = 0;
    const states: string[] = [];
    const breaker = createCircuitBreaker(
      { failureThreshold: 3, openMs: 1000 },
      () => now,
      (s) => states.push(s),
    );
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
    now = 600;
    expect(breaker.retryInMs).toBe(400);
    now = 1000;
    expect(breaker.allow()).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow()).toBe(false);
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again when the probe fails', () => {
    let now = 0;
    const breaker = createCircuitBreaker({ failureThreshold: 1, openMs: 100 }, () => now);
    breaker.onFailure();
    now = 100;
    expect(breaker.allow()).toBe(true);
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
  });
});
