import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileTokenSource } from '../../src/clusters/createFileTokenSource.js';

describe('createFileTokenSource', () => {
  it('re-reads the file after refreshMs and keeps the last good token when the file vanishes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'one\n');
    let now = 0;
    const errors: unknown[] = [];
    const token = createFileTokenSource(file, 'test', {
      refreshMs: 1000,
      now: () => now,
      onReadError: (e) => errors.push(e),
    });
    expect(token()).toBe('one');
    writeFileSync(file, 'two\n');
    now = 999;
    expect(token()).toBe('one');
    now = 1000;
    expect(token()).toBe('two');
    rmSync(file);
    now = 2000;
    expect(token()).toBe('two');
    expect(errors).toHaveLength(1);
  });

  it('fails fast on a missing or empty file, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-'));
    expect(() => createFileTokenSource(join(dir, 'nope'), 'context "x"')).toThrow(
      `context "x": cannot read token file "${join(dir, 'nope')}" (ENOENT)`,
    );
    writeFileSync(join(dir, 'empty'), '\n');
    expect(() => createFileTokenSource(join(dir, 'empty'), 'context "x"')).toThrow('is empty');
  });
});
