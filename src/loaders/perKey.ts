import { GatewayError } from '../errors.js';
import type { LoaderObserver } from './createLoaders.js';

/** A thrown value as the Error DataLoader hands to that key's caller. */
export const asError = (err: unknown): Error =>
  err instanceof Error
    ? err
    : new GatewayError('INTERNAL_SERVER_ERROR', 'upstream call failed', { cause: err });

/**
 * A DataLoader batch function that loads every key on its own, at once: same order, same
 * length, and an Error for a key whose load failed — confined to that key (dataloader's batch
 * contract; a rejected batch would fail every key of it).
 */
export function perKey<K, V>(
  name: string,
  observer: LoaderObserver | undefined,
  load: (key: K) => Promise<V>,
): (keys: readonly K[]) => Promise<(V | Error)[]> {
  return (keys) => {
    observer?.loaderBatch(name, keys.length);
    return Promise.all(
      keys.map(async (key) => {
        try {
          return await load(key);
        } catch (err) {
          return asError(err);
        }
      }),
    );
  };
}
