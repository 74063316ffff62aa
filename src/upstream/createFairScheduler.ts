/**
 * Caps the calls in flight to one cluster and shares them fairly between operations. Every
 * operation (one GraphQL request) is an *owner* with its own FIFO queue; a freed slot goes to the
 * waiting owner served least recently, and one owner holds at most `perOwnerLimit` slots. So an
 * operation that asks for 5,000 images waits behind itself, and another caller's one call starts
 * as soon as any slot frees, not after the 5,000.
 *
 * Waiting is abortable: when the owner's signal aborts (its deadline passed, its client left),
 * the waiting call leaves the queue at once and rejects with SlotAborted.
 */
export interface FairScheduler {
  run<T>(owner: object, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T>;
  readonly inFlight: number;
  readonly waiting: number;
}

export interface FairSchedulerOptions {
  /** Calls in flight at most. */
  readonly limit: number;
  /** Calls in flight for one owner at most. */
  readonly perOwnerLimit: number;
}

interface Owner {
  inFlight: number;
  /** The sequence number of this owner's latest start: lower is served first. */
  lastServed: number;
  readonly queue: (() => void)[];
}

export class SlotAborted extends Error {
  constructor(readonly reason: unknown) {
    super('aborted while waiting for a slot');
    this.name = 'SlotAborted';
  }
}

export function createFairScheduler(options: FairSchedulerOptions): FairScheduler {
  const { limit, perOwnerLimit } = options;
  if (
    !Number.isInteger(limit) ||
    limit < 1 ||
    !Number.isInteger(perOwnerLimit) ||
    perOwnerLimit < 1
  )
    throw new RangeError(
      `scheduler limits must be positive integers, got ${limit}/${perOwnerLimit}`,
    );
  const owners = new Map<object, Owner>();
  let inFlight = 0;
  let waiting = 0;
  let sequence = 0;

  const forget = (key: object, owner: Owner): void => {
    if (owner.inFlight === 0 && owner.queue.length === 0) owners.delete(key);
  };

  /** The waiting owner that may start a call and was served least recently. */
  const next = (): Owner | undefined => {
    let best: Owner | undefined;
    for (const owner of owners.values()) {
      if (owner.queue.length === 0 || owner.inFlight >= perOwnerLimit) continue;
      if (!best || owner.lastServed < best.lastServed) best = owner;
    }
    return best;
  };

  const dispatch = (): void => {
    while (inFlight < limit) {
      const owner = next();
      if (!owner) return;
      const start = owner.queue.shift() as () => void;
      waiting -= 1;
      start();
    }
  };

  return {
    run<T>(key: object, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
      if (signal?.aborted) return Promise.reject(new SlotAborted(signal.reason));
      let owner = owners.get(key);
      if (!owner) {
        owner = { inFlight: 0, lastServed: 0, queue: [] };
        owners.set(key, owner);
      }
      const mine = owner;
      return new Promise<T>((resolve, reject) => {
        const finish = (): void => {
          inFlight -= 1;
          mine.inFlight -= 1;
          forget(key, mine);
          dispatch();
        };
        const start = (): void => {
          signal?.removeEventListener('abort', onAbort);
          inFlight += 1;
          mine.inFlight += 1;
          mine.lastServed = ++sequence;
          task().then(
            (value) => {
              finish();
              resolve(value);
            },
            (err: unknown) => {
              finish();
              reject(err instanceof Error ? err : new Error(String(err)));
            },
          );
        };
        const onAbort = (): void => {
          const index = mine.queue.indexOf(start);
          if (index < 0) return;
          mine.queue.splice(index, 1);
          waiting -= 1;
          forget(key, mine);
          reject(new SlotAborted(signal?.reason));
        };
        if (inFlight < limit && mine.inFlight < perOwnerLimit && mine.queue.length === 0) {
          start();
          return;
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        mine.queue.push(start);
        waiting += 1;
      });
    },
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return waiting;
    },
  };
}
