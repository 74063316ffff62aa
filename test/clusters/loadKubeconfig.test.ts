import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadKubeconfig } from '../../src/clusters/loadKubeconfig.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/kubeconfig/${name}`, import.meta.url));

describe('loadKubeconfig', () => {
  it('makes every context a cluster named after it, with its server, CA and credentials', () => {
    const [east, west] = loadKubeconfig(fixture('two-contexts.yaml'));
    expect(east?.name).toBe('east');
    expect(east?.server).toBe('https://api.east.example.com:6443');
    expect(east?.caPem).toContain('fake-ca-for-parsing-only');
    expect(east?.insecureSkipTlsVerify).toBe(false);
    expect(east?.token?.()).toBe('sha256~east-static-token');
    expect(west?.name).toBe('west');
    expect(west?.insecureSkipTlsVerify).toBe(true);
    expect(west?.token?.()).toBe('sha256~west-token-from-file');
  });

  it('selects contexts with --context, in the order given', () => {
    expect(loadKubeconfig(fixture('two-contexts.yaml'), ['west']).map((c) => c.name)).toEqual([
      'west',
    ]);
    expect(
      loadKubeconfig(fixture('two-contexts.yaml'), ['west', 'east']).map((c) => c.name),
    ).toEqual(['west', 'east']);
  });

  it('names the culprit when the configuration is unusable', () => {
    expect(() => loadKubeconfig(fixture('two-contexts.yaml'), ['north'])).toThrow(
      'has no context named "north" (it has: east, west)',
    );
    expect(() => loadKubeconfig(fixture('missing-cluster.yaml'))).toThrow(
      'context "dangling" names cluster "gone", which is not in kubeconfig',
    );
    expect(() => loadKubeconfig(fixture('no-server.yaml'))).toThrow(
      /^kubeconfig ".*no-server\.yaml" is invalid: clusters\[0\]\.cluster\.server is missing$/,
    );
    expect(() => loadKubeconfig(fixture('exec-user.yaml'))).toThrow(
      'context "exec": user "oidc" gets credentials from an exec plugin',
    );
    expect(() => loadKubeconfig(fixture('missing-ca-file.yaml'))).toThrow(
      /context "broken-ca": cannot read certificate-authority ".*does-not-exist.crt" \(ENOENT\)/,
    );
    expect(() => loadKubeconfig(fixture('not-yaml.yaml'))).toThrow(
      /kubeconfig ".*not-yaml.yaml" is invalid/,
    );
    expect(() => loadKubeconfig('/nonexistent/kubeconfig')).toThrow(
      'cannot read kubeconfig "/nonexistent/kubeconfig" (ENOENT)',
    );
  });

  it('re-reads a token-file when the token rotates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    writeFileSync(join(dir, 'token'), 'first-token\n');
    writeFileSync(
      join(dir, 'config'),
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]\nusers: [{name: u, user: {token-file: token}}]\ncontexts: [{name: ctx, context: {cluster: c, user: u}}]\n`,
    );
    const [cluster] = loadKubeconfig(join(dir, 'config'), [], { tokenRefreshMs: 0 });
    expect(cluster?.token?.()).toBe('first-token');
    writeFileSync(join(dir, 'token'), 'rotated-token\n');
    expect(cluster?.token?.()).toBe('rotated-token');
  });
});
