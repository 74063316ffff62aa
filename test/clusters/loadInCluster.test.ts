import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInCluster } from '../../src/clusters/loadInCluster.js';

describe('loadInCluster', () => {
  it('reads the service account mount and the service env into a cluster named local', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sa-'));
    writeFileSync(join(dir, 'token'), 'sa-token');
    writeFileSync(join(dir, 'ca.crt'), 'PEM');
    const cluster = loadInCluster({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      serviceAccountDir: dir,
    });
    expect(cluster).toMatchObject({
      name: 'local',
      server: 'https://[fd00::1]:443',
      caPem: 'PEM',
      insecureSkipTlsVerify: false,
    });
    expect(cluster.token?.()).toBe('sa-token');
  });

  it('explains what is missing outside a pod', () => {
    expect(() => loadInCluster({ env: {} })).toThrow(
      'KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set',
    );
    const dir = mkdtempSync(join(tmpdir(), 'sa-'));
    expect(() =>
      loadInCluster({
        env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
        serviceAccountDir: dir,
      }),
    ).toThrow(`cannot read the service account CA "${dir}/ca.crt"`);
  });

  it('refuses a CA that is not a regular file, without waiting on it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sa-'));
    writeFileSync(join(dir, 'token'), 'sa-token');
    execFileSync('mkfifo', [join(dir, 'ca.crt')]);
    expect(() =>
      loadInCluster({
        env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
        serviceAccountDir: dir,
      }),
    ).toThrow(
      `--in-cluster: cannot read the service account CA "${dir}/ca.crt" (not a regular file)`,
    );
  });
});
