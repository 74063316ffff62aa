import { describe, expect, it } from 'vitest';
import { createRetryBudget } from '../../src/upstream/createRetryBudget.js';

describe('createRetryBudget', () => {
  it('allows minRetries plus ratio x requests in the window', () => {
    const now = 0;
    const budget = createRetryBudget({ ratio: 0.2, minRetries: 2, windowMs: 1000 }, () => now);
    for (let i = 0; i < 10; i++) budget.recordRequest();
    const granted = Array.from({ length: 10 }, () => budget.tryRetry()).filter(Boolean).length;
    expect(granted).toBe(4);
  });

  it('forgets what slid out of the window', () => {
    let now = 0;
    const budget = createRetryBudget({ ratio: 0, minRetries: 1, windowMs: 1000 }, () => now);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    now = 1100;
    expect(budget.tryRetry()).toBe(true);
  });
});
