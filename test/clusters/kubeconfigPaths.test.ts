import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeconfigPaths } from '../../src/clusters/kubeconfigPaths.js';
import { configErrorOf } from '../helpers/configErrorOf.js';

function folder(): { dir: string; file: (name: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-paths-'));
  return {
    dir,
    file: (name) => {
      writeFileSync(join(dir, name), '');
      return join(dir, name);
    },
  };
}

const messageOf = configErrorOf;

describe('kubeconfigPaths', () => {
  it('takes --kubeconfig alone when given, and it must exist', () => {
    const { dir, file } = folder();
    const a = file('a');
    expect(kubeconfigPaths(a, { KUBECONFIG: file('b') }, dir)).toEqual([a]);
    expect(messageOf(() => kubeconfigPaths(join(dir, 'gone'), {}, dir))).toBe(
      `cannot read kubeconfig "${join(dir, 'gone')}" (ENOENT)`,
    );
    expect(messageOf(() => kubeconfigPaths('', {}, dir))).toBe('--kubeconfig needs a path, got ""');
  });

  it('reads the KUBECONFIG list in order, skipping empty, repeated and missing entries', () => {
    const { dir, file } = folder();
    const [a, b] = [file('a'), file('b')];
    const list = [a, '', join(dir, 'missing'), a, b, ''].join(delimiter);
    expect(kubeconfigPaths(undefined, { KUBECONFIG: list }, dir)).toEqual([a, b]);
  });

  it('refuses a KUBECONFIG list in which no file exists, naming them', () => {
    const { dir } = folder();
    const [x, y] = [join(dir, 'x'), join(dir, 'y')];
    expect(
      messageOf(() => kubeconfigPaths(undefined, { KUBECONFIG: `${x}${delimiter}${y}` }, dir)),
    ).toBe(`cannot read kubeconfig "${x}", "${y}" (ENOENT): no file that KUBECONFIG names exists`);
    expect(messageOf(() => kubeconfigPaths(undefined, { KUBECONFIG: delimiter }, dir))).toBe(
      `KUBECONFIG names no file (it is "${delimiter}")`,
    );
  });

  it('keeps a file that exists but cannot be read, so the reader reports why', () => {
    const { dir } = folder();
    mkdirSync(join(dir, 'a-folder'));
    expect(kubeconfigPaths(undefined, { KUBECONFIG: join(dir, 'a-folder') }, dir)).toEqual([
      join(dir, 'a-folder'),
    ]);
  });

  it('falls back to ~/.kube/config when KUBECONFIG is unset or empty', () => {
    const home = folder().dir;
    mkdirSync(join(home, '.kube'));
    expect(messageOf(() => kubeconfigPaths(undefined, {}, home))).toBe(
      `cannot read kubeconfig "${join(home, '.kube', 'config')}" (ENOENT): pass --kubeconfig PATH or set KUBECONFIG`,
    );
    writeFileSync(join(home, '.kube', 'config'), '');
    expect(kubeconfigPaths(undefined, {}, home)).toEqual([join(home, '.kube', 'config')]);
    expect(kubeconfigPaths(undefined, { KUBECONFIG: '' }, home)).toEqual([
      join(home, '.kube', 'config'),
    ]);
    expect(messageOf(() => kubeconfigPaths(undefined, {}, ''))).toBe(
      'no home directory to find ~/.kube/config in: pass --kubeconfig PATH',
    );
  });
});
