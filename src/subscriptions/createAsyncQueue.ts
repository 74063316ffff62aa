/**
 * A bounded queue read as an async iterator, for one subscriber: the producer pushes, the
 * transport pulls. Unlike an async generator, `return()` takes effect at once, even while a
 * `next()` is waiting for an item: a subscriber that goes away while nothing happens is cleaned
 * up then, not at the next event (an async generator parked in `await` would hold its listeners
 * until something arrived, which for a quiet stream is never).
 */
export interface AsyncQueue<T> extends AsyncIterableIterator<T> {
  /** Adds an item; false when the queue is full (the caller decides what that means) or ended. */
  push(item: T): boolean;
  /** Ends the queue: queued items are still read, then the iterator is done. */
  end(): void;
  /** Items waiting to be read. */
  readonly size: number;
  readonly ended: boolean;
  return(): Promise<IteratorResult<T, undefined>>;
}

export function createAsyncQueue<T>(maxSize: number, onReturn?: () => void): AsyncQueue<T> {
  const items: T[] = [];
  let waiting: ((result: IteratorResult<T, undefined>) => void) | undefined;
  let ended = false;
  let returned = false;
  const done = (): IteratorResult<T, undefined> => ({ done: true, value: undefined });
  const finish = (): void => {
    if (returned) return;
    returned = true;
    ended = true;
    items.length = 0;
    const wake = waiting;
    waiting = undefined;
    wake?.(done());
    onReturn?.();
  };
  const queue: AsyncQueue<T> = {
    push(item) {
      if (ended) return false;
      if (waiting) {
        const wake = waiting;
        waiting = undefined;
        wake({ done: false, value: item });
        return true;
      }
      if (items.length >= maxSize) return false;
      items.push(item);
      return true;
    },
    end() {
      if (ended) return;
      ended = true;
      if (items.length === 0) finish();
    },
    get size() {
      return items.length;
    },
    get ended() {
      return ended;
    },
    next() {
      if (items.length > 0) {
        const value = items.shift() as T;
        if (ended && items.length === 0) {
          // The last item of an ended queue: the listeners go now, the caller reads `done` next.
          const result: IteratorResult<T, undefined> = { done: false, value };
          finish();
          return Promise.resolve(result);
        }
        return Promise.resolve({ done: false, value });
      }
      if (ended) {
        finish();
        return Promise.resolve(done());
      }
      if (waiting) return Promise.reject(new Error('next() called while another next() waits'));
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      finish();
      return Promise.resolve(done());
    },
    throw(err?: unknown) {
      finish();
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    },
    [Symbol.asyncIterator]() {
      return queue;
    },
  };
  return queue;
}
