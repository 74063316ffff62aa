import { describe, expect, it } from 'vitest';
import { budgetSpent, createOperationBudget } from '../../src/upstream/createOperationBudget.js';

describe('createOperationBudget', () => {
  it('gives exactly its limit of requests, then refuses', () => {
    const budget = createOperationBudget(3);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(budget.used).toBe(3);
  });

  it('names the flag and the reason in the error of an item past the budget', () => {
    const err = budgetSpent(createOperationBudget(1000), 'east');
    expect(err.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      cluster: 'east',
      reason: 'UPSTREAM_BUDGET_EXHAUSTED',
    });
    expect(err.message).toContain('1000 upstream requests (--max-upstream-requests)');
  });
});
