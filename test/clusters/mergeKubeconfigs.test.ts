import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeKubeconfigs } from '../../src/clusters/mergeKubeconfigs.js';
import { configErrorOf } from '../helpers/configErrorOf.js';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kubeconfig-')), 'config');
  writeFileSync(path, text);
  return path;
}

const messageOf = configErrorOf;

describe('mergeKubeconfigs', () => {
  it('refuses a kubeconfig that is a device or a FIFO without reading it (start-up once hung)', () => {
    expect(messageOf(() => mergeKubeconfigs(['/dev/zero']))).toBe(
      'cannot read kubeconfig "/dev/zero" (not a regular file)',
    );
    const fifo = join(mkdtempSync(join(tmpdir(), 'kubeconfig-')), 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(messageOf(() => mergeKubeconfigs([fifo]))).toBe(
      `cannot read kubeconfig "${fifo}" (not a regular file)`,
    );
  });

  it('keeps the first definition of each name, whole, with the file it came from', () => {
    const a = file('clusters: [{name: x, cluster: {server: "https://a"}}]\n');
    const b = file(
      'clusters: [{name: x, cluster: {server: "https://b", insecure-skip-tls-verify: true}}, {name: y, cluster: {server: "https://y"}}]\ncurrent-context: from-b\n',
    );
    const merged = mergeKubeconfigs([a, b]);
    expect([...merged.clusters.values()]).toEqual([
      { name: 'x', body: { server: 'https://a' }, file: a },
      { name: 'y', body: { server: 'https://y' }, file: b },
    ]);
    expect(merged.currentContext).toEqual({ name: 'from-b', file: b });
    expect(merged.files).toEqual([a, b]);
  });

  it('treats an empty file as an empty configuration', () => {
    const merged = mergeKubeconfigs([file(''), file('# only a comment\n')]);
    expect([merged.clusters.size, merged.users.size, merged.contexts.size]).toEqual([0, 0, 0]);
    expect(merged.currentContext).toBeUndefined();
  });

  it('skips entries without a name: no context can refer to them', () => {
    const merged = mergeKubeconfigs([file('users: [{user: {token: t}}, {name: "", user: {}}]\n')]);
    expect(merged.users.size).toBe(0);
  });

  it('accepts a name repeated with the same contents, refuses it with different ones', () => {
    expect(
      mergeKubeconfigs([
        file('users: [{name: u, user: {token: t}}, {name: u, user: {token: t}}]\n'),
      ]).users.size,
    ).toBe(1);
    const path = file('users: [{name: u, user: {token: t}}, {name: u, user: {token: s}}]\n');
    expect(messageOf(() => mergeKubeconfigs([path]))).toBe(
      `kubeconfig "${path}" is invalid: two users entries are named "u", with different contents`,
    );
  });

  it('gives up comparing aliased YAML that expands to a huge tree, rather than hanging', () => {
    // Two separate chains of ten levels of ten aliases: 10^10 leaves each once expanded, a few
    // hundred bytes on disk; distinct objects, so only a full walk could find them equal.
    const chain = (p: string): string[] => {
      const levels = [`${p}0: &${p}0 [x, x, x, x, x, x, x, x, x, x]`];
      for (let i = 1; i < 10; i++)
        levels.push(
          `${p}${i}: &${p}${i} [${Array(10)
            .fill(`*${p}${i - 1}`)
            .join(', ')}]`,
        );
      return levels;
    };
    const path = file(
      `anchors:\n${[...chain('a'), ...chain('b')].map((l) => `  ${l}`).join('\n')}\nusers: [{name: u, user: {extensions: *a9}}, {name: u, user: {extensions: *b9}}]\n`,
    );
    expect(messageOf(() => mergeKubeconfigs([path]))).toBe(
      `kubeconfig "${path}" is invalid: two users entries are named "u", with different contents`,
    );
  });

  it('names the file and what is wrong with its structure', () => {
    const cases: [string, string][] = [
      ['- a list\n', 'expected a mapping (apiVersion, kind, clusters, ...)'],
      ['kind: Pod\n', '"kind" must be "Config"'],
      ['apiVersion: v2\n', '"apiVersion" must be "v1"'],
      ['current-context: [a]\n', '"current-context" must be a string'],
      ['clusters: {name: x}\n', '"clusters" must be a list'],
      ['contexts: [a-string]\n', 'contexts entry 1 is not a mapping with a name'],
      ['users: [{name: u}, {name: 5}]\n', 'users entry 2 has a name that is not a string'],
      ['a: 1\na: 2\n', 'duplicated mapping key (line 2, column 1)'],
    ];
    for (const [text, reason] of cases) {
      const path = file(text);
      expect(messageOf(() => mergeKubeconfigs([path]))).toBe(
        `kubeconfig "${path}" is invalid: ${reason}`,
      );
    }
    expect(messageOf(() => mergeKubeconfigs([]))).toBe('no kubeconfig file to read');
  });
});
