import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkSignals } from '../src/linkSignals.js';

/** Abort listeners registered on a signal. */
const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

describe('linkSignals', () => {
  it('aborts with the reason of the first source that aborts, then lets go of the others', () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkSignals([a.signal, b.signal]);
    expect(listeners(a.signal)).toBe(1);
    a.abort(new Error('client gone'));
    expect(linked.signal.aborted).toBe(true);
    expect((linked.signal.reason as Error).message).toBe('client gone');
    expect(listeners(b.signal)).toBe(0);
  });

  it('is aborted at once by a source that already is', () => {
    const a = new AbortController();
    a.abort('why');
    expect(linkSignals([undefined, a.signal]).signal.reason).toBe('why');
  });

  it('times out with a TimeoutError, as AbortSignal.timeout does', async () => {
    const linked = linkSignals([], 5);
    await new Promise((resolve) => linked.signal.addEventListener('abort', resolve));
    expect((linked.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('leaves nothing on a long-lived source once disposed (AbortSignal.any would, on Node 20)', () => {
    const shutdown = new AbortController();
    for (let i = 0; i < 1000; i++) linkSignals([shutdown.signal], 60_000).dispose();
    expect(listeners(shutdown.signal)).toBe(0);
    const kept = linkSignals([shutdown.signal]);
    kept.dispose();
    shutdown.abort();
    expect(kept.signal.aborted).toBe(false);
  });
});
