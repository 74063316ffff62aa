import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSmallFile, SmallFileError } from '../../src/config/readSmallFile.js';
import { createFileTokenSource } from '../../src/clusters/createFileTokenSource.js';

const dir = mkdtempSync(join(tmpdir(), 'small-file-'));

function errorOf(fn: () => unknown): SmallFileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SmallFileError) return err;
    throw err;
  }
  throw new Error('expected a SmallFileError');
}

describe('readSmallFile', () => {
  it('reads a regular file of at most the given size', () => {
    const path = join(dir, 'ok');
    writeFileSync(path, 'secret');
    expect(readSmallFile(path, 6).toString()).toBe('secret');
    expect(errorOf(() => readSmallFile(path, 5)).code).toBe('EFBIG');
  });

  it('refuses what is not a regular file, without reading it (/dev/zero once hung start-up)', () => {
    expect(errorOf(() => readSmallFile('/dev/zero', 1024)).code).toBe('ENOTFILE');
    expect(errorOf(() => readSmallFile(dir, 1024)).code).toBe('EISDIR');
    expect(errorOf(() => readSmallFile(join(dir, 'missing'), 1024)).code).toBe('ENOENT');
  });

  it('refuses a FIFO without waiting for a writer (a plain open blocked start-up for good)', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const error = errorOf(() => readSmallFile(fifo, 1024));
    expect([error.code, error.reason]).toEqual(['ENOTFILE', 'not a regular file']);
  });

  it('says in its reason how large a file that is too large is', () => {
    const path = join(dir, 'seven');
    writeFileSync(path, '1234567');
    expect(errorOf(() => readSmallFile(path, 5)).reason).toBe(
      '7 bytes, more than the 5 read at most',
    );
  });
});

describe('createFileTokenSource checks what it reads', () => {
  it('refuses a token file that is a device, too large, or holds characters a header cannot carry', () => {
    expect(() => createFileTokenSource('/dev/zero', 'context "x"')).toThrow(
      'context "x": token file "/dev/zero" is not a regular file',
    );
    const big = join(dir, 'big-token');
    writeFileSync(big, 'a'.repeat(3 * 1024 * 1024));
    expect(() => createFileTokenSource(big, 'context "x"')).toThrow(/is 3145728 bytes/);
    const broken = join(dir, 'broken-token');
    writeFileSync(broken, 'abc\r\nX-Injected: yes\n');
    expect(() => createFileTokenSource(broken, 'context "x"')).toThrow(
      /holds characters a token cannot have/,
    );
  });
});
