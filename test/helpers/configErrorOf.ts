import { expect } from 'vitest';
import { ConfigError } from '../../src/config/ConfigError.js';

/** The message of the ConfigError that `fn` throws; fails the test if it throws anything else. */
export function configErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}
