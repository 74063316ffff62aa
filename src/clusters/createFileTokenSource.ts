import { readSmallFile, SmallFileError } from '../config/readSmallFile.js';
import type { TokenSource } from '../upstream/createImageApiClient.js';
import { ConfigError } from '../config/ConfigError.js';

/** Service-account tokens are about 1 KiB; anything near this is not a token. */
const MAX_TOKEN_BYTES = 64 * 1024;
const HEADER_SAFE = /^[\x21-\x7e]+$/;

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
  const read = (): string => {
    const token = readSmallFile(path, MAX_TOKEN_BYTES).toString('utf8').trim();
    // A token goes into an Authorization header: visible ASCII only (RFC 9110 field value).
    if (token && !HEADER_SAFE.test(token))
      throw new SmallFileError('EBADTOKEN', `"${path}" holds characters a token cannot have`);
    return token;
  };
  let token: string;
  try {
    token = read();
  } catch (err) {
    const message = err instanceof SmallFileError ? err.message : `cannot read "${path}"`;
    throw new ConfigError(
      `${description}: ${
        message.startsWith('cannot read')
          ? message.replace('cannot read', 'cannot read token file')
          : `token file ${message}`
      }`,
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
