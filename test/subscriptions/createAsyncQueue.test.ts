import { describe, expect, it } from 'vitest';
import { createAsyncQueue } from '../../src/subscriptions/createAsyncQueue.js';

describe('createAsyncQueue', () => {
  it('hands items over in order, to a waiting reader or from the queue', async () => {
    const queue = createAsyncQueue<number>(10);
    const waiting = queue.next();
    expect(queue.push(1)).toBe(true);
    expect(await waiting).toEqual({ done: false, value: 1 });
    queue.push(2);
    queue.push(3);
    expect(queue.size).toBe(2);
    expect(await queue.next()).toEqual({ done: false, value: 2 });
    expect(await queue.next()).toEqual({ done: false, value: 3 });
  });

  it('refuses an item past its bound and says so, keeping the ones it holds', async () => {
    const queue = createAsyncQueue<number>(2);
    expect([queue.push(1), queue.push(2), queue.push(3)]).toEqual([true, true, false]);
    expect(queue.size).toBe(2);
    expect(await queue.next()).toEqual({ done: false, value: 1 });
  });

  it('return() ends a reader that is waiting, at once, and calls onReturn once', async () => {
    let returned = 0;
    const queue = createAsyncQueue<number>(2, () => (returned += 1));
    const waiting = queue.next();
    await queue.return();
    // The reader parked in next() is released: no item had to arrive first.
    expect(await waiting).toEqual({ done: true, value: undefined });
    await queue.return();
    expect(returned).toBe(1);
    expect(queue.push(1)).toBe(false);
    expect(await queue.next()).toEqual({ done: true, value: undefined });
  });

  it('end() lets the reader take what is queued, then finishes', async () => {
    let returned = 0;
    const queue = createAsyncQueue<number>(5, () => (returned += 1));
    queue.push(1);
    queue.push(2);
    queue.end();
    expect(queue.push(3)).toBe(false);
    expect(await queue.next()).toEqual({ done: false, value: 1 });
    expect(returned).toBe(0);
    expect(await queue.next()).toEqual({ done: false, value: 2 });
    // The last item was taken: the listeners are gone already.
    expect(returned).toBe(1);
    expect(await queue.next()).toEqual({ done: true, value: undefined });
  });

  it('refuses a second concurrent reader rather than losing an item', async () => {
    const queue = createAsyncQueue<number>(1);
    const first = queue.next();
    await expect(queue.next()).rejects.toThrow(/another next/);
    queue.push(7);
    expect(await first).toEqual({ done: false, value: 7 });
  });
});
