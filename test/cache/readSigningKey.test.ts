import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSigningKey } from '../../src/cache/readSigningKey.js';
import { ConfigError } from '../../src/config/ConfigError.js';

const dir = mkdtempSync(join(tmpdir(), 'signing-key-'));
const KEY = 'k7Qy1vXc0pL9sT3wZ8bN4mR6hJ2dF5gA'; // 32 bytes

function fileWith(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function errorOf(path: string): unknown {
  try {
    readSigningKey(path);
  } catch (err) {
    return err;
  }
  throw new Error('expected readSigningKey to throw');
}

describe('readSigningKey', () => {
  it('reads the bytes of the file, without the line endings at its end', () => {
    expect(readSigningKey(fileWith('bare', KEY))).toEqual(Buffer.from(KEY));
    expect(readSigningKey(fileWith('lf', `${KEY}\n`))).toEqual(Buffer.from(KEY));
    expect(readSigningKey(fileWith('crlf', `${KEY}\r\n\n`))).toEqual(Buffer.from(KEY));
  });

  it('keeps every other byte: spaces, inner newlines, binary', () => {
    expect(readSigningKey(fileWith('spaces', ` ${KEY} \n`))).toEqual(Buffer.from(` ${KEY} `));
    const binary = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37) % 256));
    expect(readSigningKey(fileWith('binary', binary))).toEqual(binary);
  });

  it('refuses a key shorter than 32 bytes, naming the flag and the file but not the key', () => {
    const short = KEY.slice(0, 31);
    const path = fileWith('short', `${short}\n`);
    const err = errorOf(path);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      `--redis-signing-key-file: the key in "${path}" is 31 bytes; it must be at least 32 (for example the output of \`openssl rand -base64 48\`)`,
    );
    expect((err as Error).message).not.toContain(short);
    expect((errorOf(fileWith('newlines', '\n\n\n')) as Error).message).toContain('is 0 bytes');
  });

  it('says which file it cannot read, and why', () => {
    const missing = join(dir, 'missing');
    expect((errorOf(missing) as Error).message).toBe(
      `--redis-signing-key-file: cannot read "${missing}" (ENOENT)`,
    );
    expect((errorOf(dir) as Error).message).toBe(
      `--redis-signing-key-file: cannot read "${dir}" (EISDIR)`,
    );
  });
});
