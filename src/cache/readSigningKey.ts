import { readSmallFile, SmallFileError } from '../config/readSmallFile.js';
import { ConfigError } from '../config/ConfigError.js';

/** HMAC-SHA256 keys shorter than its 32-byte output weaken it (RFC 2104 §3). */
export const MIN_SIGNING_KEY_BYTES = 32;
/** A key is a secret of a few dozen bytes; a large file is a mistake (or /dev/zero). */
const MAX_SIGNING_KEY_BYTES = 64 * 1024;

/**
 * The key of `--redis-signing-key-file`: the file's bytes, without the line ending(s) an editor
 * or `echo` leaves at the end (so a key written with or without one is the same key on every
 * replica), at least 32 bytes. Any other content is the key as it is: binary keys work. Errors
 * name the flag and the file, never the key.
 */
export function readSigningKey(path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readSmallFile(path, MAX_SIGNING_KEY_BYTES);
  } catch (err) {
    throw new ConfigError(
      `--redis-signing-key-file: ${err instanceof SmallFileError ? err.message : `cannot read "${path}"`}`,
    );
  }
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end -= 1;
  const key = bytes.subarray(0, end);
  if (key.length < MIN_SIGNING_KEY_BYTES)
    throw new ConfigError(
      `--redis-signing-key-file: the key in "${path}" is ${key.length} bytes; it must be at least ${MIN_SIGNING_KEY_BYTES} (for example the output of \`openssl rand -base64 48\`)`,
    );
  return Buffer.from(key);
}
