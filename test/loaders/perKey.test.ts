import DataLoader from 'dataloader';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { asError, perKey } from '../../src/loaders/perKey.js';

/** A LoaderObserver that keeps every batch it is told about. */
function recordSizes(): {
  sizes: [string, number][];
  observer: { loaderBatch(l: string, n: number): void };
} {
  const sizes: [string, number][] = [];
  return { sizes, observer: { loaderBatch: (loader, size) => void sizes.push([loader, size]) } };
}

describe('asError', () => {
  it('passes an Error through as the same object', () => {
    const err = new TypeError('boom');
    expect(asError(err)).toBe(err);
  });

  it('turns any other thrown value into an internal error that keeps it as the cause', () => {
    const err = asError('a string');
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', message: 'upstream call failed' });
    expect((err as GatewayError & { cause: unknown }).cause).toBe('a string');
    expect(asError(undefined)).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
  });
});

describe('perKey', () => {
  it('loads every key of a batch at once and answers in key order', async () => {
    const started: string[] = [];
    const release = new Map<string, (value: string) => void>();
    const { sizes, observer } = recordSizes();
    const loader = new DataLoader(
      perKey('thing', observer, (key: string) => {
        started.push(key);
        return new Promise<string>((resolve) => release.set(key, resolve));
      }),
    );
    const all = loader.loadMany(['a', 'b', 'c']);
    await new Promise((resolve) => setImmediate(resolve));
    // All three are in flight before any answers: no key waits for another.
    expect(started).toEqual(['a', 'b', 'c']);
    release.get('c')?.('C');
    release.get('a')?.('A');
    release.get('b')?.('B');
    expect(await all).toEqual(['A', 'B', 'C']);
    expect(sizes).toEqual([['thing', 3]]);
  });

  it('confines a failure to its own key, whether thrown, rejected or not an Error', async () => {
    const batches: string[][] = [];
    const batch = perKey('thing', undefined, async (key: string): Promise<string> => {
      if (key === 'rejects') throw new GatewayError('NOT_FOUND', 'no such thing');
      if (key === 'throws-string') throw 'plain string';
      return key.toUpperCase();
    });
    const loader = new DataLoader(async (keys: readonly string[]) => {
      batches.push([...keys]);
      return batch(keys);
    });
    const results = await loader.loadMany(['ok', 'rejects', 'throws-string', 'fine']);
    expect(batches).toEqual([['ok', 'rejects', 'throws-string', 'fine']]);
    expect(results[0]).toBe('OK');
    expect(results[1]).toMatchObject({ code: 'NOT_FOUND', message: 'no such thing' });
    expect(results[2]).toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      message: 'upstream call failed',
    });
    expect(results[3]).toBe('FINE');
  });

  it('catches a load that throws before returning a promise', async () => {
    const batch = perKey('thing', undefined, (key: string): Promise<string> => {
      if (key === 'sync') throw new RangeError('thrown synchronously');
      return Promise.resolve(key);
    });
    const results = await batch(['sync', 'async']);
    expect(results).toHaveLength(2);
    expect(results[0]).toBeInstanceOf(RangeError);
    expect(results[1]).toBe('async');
  });

  it('reports each batch, and a batch per tick, to the observer', async () => {
    const { sizes, observer } = recordSizes();
    const loader = new DataLoader(perKey('thing', observer, async (key: number) => key * 2));
    expect(await Promise.all([loader.load(1), loader.load(2), loader.load(1)])).toEqual([2, 4, 2]);
    expect(await loader.load(3)).toBe(6);
    expect(sizes).toEqual([
      ['thing', 2],
      ['thing', 1],
    ]);
  });
});
