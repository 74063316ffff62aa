import { GatewayError } from '../errors.js';

/**
 * The upstream requests one GraphQL operation may cause (`--max-upstream-requests`), counted
 * across every cluster, retries included. The static cost limit can only see list sizes the
 * arguments give; this budget bounds what the data decides (a stream with 3,000 images in its
 * history, a cluster-wide scan). Once spent, the calls that remain fail at once — each item
 * gets an error at its own path and everything fetched before stays in the answer.
 */
export interface OperationBudget {
  /** Takes one request from the budget; false when it is spent. */
  take(): boolean;
  readonly used: number;
  readonly limit: number;
  /**
   * The operation this budget counts for, when it is a side count of another budget's operation
   * (createSideBudget): the fair queue queues its calls as that operation's.
   */
  readonly operation?: object | undefined;
}

export function createOperationBudget(limit: number): OperationBudget {
  let used = 0;
  return {
    take() {
      if (used >= limit) return false;
      used += 1;
      return true;
    },
    get used() {
      return used;
    },
    limit,
  };
}

/**
 * A count of its own for one kind of call an operation causes, apart from its upstream budget:
 * the access reviews that narrow an indexed answer to what the caller may see (their number is
 * bounded by what the caller can see, not by the data, and an answer that needs them must not
 * fail for want of budget the reviews spent). The calls still queue as the operation's.
 */
export function createSideBudget(parent: OperationBudget, limit: number): OperationBudget {
  const own = createOperationBudget(limit);
  return {
    take: () => own.take(),
    get used() {
      return own.used;
    },
    limit,
    operation: parent.operation ?? parent,
  };
}

/** The error of an item that was not fetched because its operation's budget was spent. */
export function budgetSpent(budget: OperationBudget, cluster: string): GatewayError {
  if (budget.operation)
    return new GatewayError(
      'BAD_USER_INPUT',
      `This operation has asked its ${budget.limit} access reviews, so this item was not fetched; name the namespaces to search.`,
      { cluster, reason: 'UPSTREAM_BUDGET_EXHAUSTED' },
    );
  return new GatewayError(
    'BAD_USER_INPUT',
    `This operation has used its ${budget.limit} upstream requests (--max-upstream-requests), so this item was not fetched; ask for fewer items per operation, or page through them.`,
    { cluster, reason: 'UPSTREAM_BUDGET_EXHAUSTED' },
  );
}
