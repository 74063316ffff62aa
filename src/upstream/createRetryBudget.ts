/**
 * Bounds retries to a fraction of requests per cluster, so that a failing cluster gets a
 * little more traffic rather than a multiple of it (the retry-storm problem: with 3 retries,
 * every failed call would become 4). Counted over a sliding window of ten buckets.
 */
export interface RetryBudget {
  /** Counts one first attempt. */
  recordRequest(): void;
  /** Takes one retry from the budget; false when the budget is spent. */
  tryRetry(): boolean;
}

export interface RetryBudgetOptions {
  /** Retries allowed per request in the window. */
  readonly ratio: number;
  /** Retries always allowed in a window, so a quiet cluster can still retry. */
  readonly minRetries: number;
  readonly windowMs: number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetOptions = Object.freeze({
  ratio: 0.2,
  minRetries: 10,
  windowMs: 10_000,
});

const BUCKETS = 10;

export function createRetryBudget(
  options: RetryBudgetOptions = DEFAULT_RETRY_BUDGET,
  now: () => number = Date.now,
): RetryBudget {
  const width = options.windowMs / BUCKETS;
  const requests = new Array<number>(BUCKETS).fill(0);
  const retries = new Array<number>(BUCKETS).fill(0);
  let current = Math.floor(now() / width);
  const advance = (): number => {
    const slot = Math.floor(now() / width);
    for (let s = current + 1; s <= slot && s <= current + BUCKETS; s++) {
      requests[s % BUCKETS] = 0;
      retries[s % BUCKETS] = 0;
    }
    current = Math.max(current, slot);
    return current % BUCKETS;
  };
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  return {
    recordRequest() {
      const index = advance();
      requests[index] = (requests[index] ?? 0) + 1;
    },
    tryRetry() {
      const index = advance();
      if (sum(retries) >= options.minRetries + options.ratio * sum(requests)) return false;
      retries[index] = (retries[index] ?? 0) + 1;
      return true;
    },
  };
}
