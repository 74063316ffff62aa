/**
 * Caps the number of calls in flight to one cluster. Calls beyond the cap wait in FIFO order,
 * so that a per-attempt timeout measures the API server, not our own queue.
 */
export interface Semaphore {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly inFlight: number;
  readonly waiting: number;
}

export function createSemaphore(limit: number): Semaphore {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
  }
  let inFlight = 0;
  const queue: (() => void)[] = [];
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else inFlight -= 1;
  };
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (inFlight < limit) inFlight += 1;
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return queue.length;
    },
  };
}
