import { describe, expect, it } from 'vitest';
import {
  WATCH_BACKOFF_BASE_MS,
  WATCH_BACKOFF_MAX_MS,
  watchBackoffMs,
} from '../../src/clusters/watchBackoffMs.js';

describe('watchBackoffMs', () => {
  it('doubles from the base to the cap, jittered over the upper half', () => {
    expect(watchBackoffMs(1, 0)).toBe(WATCH_BACKOFF_BASE_MS / 2);
    expect(watchBackoffMs(1, 1)).toBe(WATCH_BACKOFF_BASE_MS);
    expect(watchBackoffMs(2, 1)).toBe(WATCH_BACKOFF_BASE_MS * 2);
    expect(watchBackoffMs(3, 0.5)).toBe(1500);
    expect(watchBackoffMs(100, 1)).toBe(WATCH_BACKOFF_MAX_MS);
    expect(watchBackoffMs(Infinity, 0)).toBe(WATCH_BACKOFF_MAX_MS / 2);
  });

  it('stays within bounds for nonsense inputs', () => {
    for (const [failures, random] of [
      [0, 0.5],
      [-5, 0.5],
      [Number.NaN, 0.5],
      [3, -1],
      [3, 7],
      [3, Number.NaN],
    ] as const) {
      const ms = watchBackoffMs(failures, random);
      expect({ failures, random, ok: ms >= 0 && ms <= WATCH_BACKOFF_MAX_MS }).toEqual({
        failures,
        random,
        ok: true,
      });
    }
  });
});
