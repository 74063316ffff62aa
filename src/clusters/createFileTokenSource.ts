import { readFileSync } from 'node:fs';
import type { TokenSource } from '../upstream/createImageApiClient.js';
import { ConfigError } from '../config/ConfigError.js';

export interface FileTokenSourceOptions {
  /** Re-read the file when the last read is older than this (ms). Default 60 s, like client-go. */
  readonly refreshMs?: number | undefined;
  readonly now?: (() => number) | undefined;
  readonly onReadError?: ((err: unknown) => void) | undefined;
}

/**
 * A bearer token read from a file and re-read periodically, so rotated service-account tokens
 * (projected volumes are rotated by the kubelet) are picked up without a restart. The first
 * read happens now and must succeed; a later failed read keeps the last good token.
 */
export function createFileTokenSource(
  path: string,
  description: string,
  options: FileTokenSourceOptions = {},
): TokenSource {
  const refreshMs = options.refreshMs ?? 60_000;
  const now = options.now ?? Date.now;
  const read = (): string => readFileSync(path, 'utf8').trim();
  let token: string;
  try {
    token = read();
  } catch (err) {
    throw new ConfigError(
      `${description}: cannot read token file "${path}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (!token) throw new ConfigError(`${description}: token file "${path}" is empty`);
  let readAt = now();
  return () => {
    if (now() - readAt >= refreshMs) {
      readAt = now();
      try {
        const fresh = read();
        if (fresh) token = fresh;
      } catch (err) {
        options.onReadError?.(err);
      }
    }
    return token;
  };
}
