import type { ClusterConnection } from '../upstream/createImageApiClient.js';
import { ConfigError } from '../config/ConfigError.js';
import { readSmallFile, SmallFileError } from '../config/readSmallFile.js';
import { createFileTokenSource } from './createFileTokenSource.js';
import { MAX_PEM_FILE_BYTES } from './resolveContext.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the service account's token and ca.crt are mounted. */
  readonly serviceAccountDir?: string;
  readonly tokenRefreshMs?: number;
}

/**
 * The pod's own cluster, named "local": the API server from KUBERNETES_SERVICE_HOST/PORT, the
 * mounted CA, and the mounted service-account token, re-read as the kubelet rotates it.
 */
export function loadInCluster(options: InClusterOptions): ClusterConnection {
  const host = options.env['KUBERNETES_SERVICE_HOST'];
  const port = options.env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port) {
    throw new ConfigError(
      '--in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (is this running in a pod?)',
    );
  }
  const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  let caPem: string;
  try {
    caPem = readSmallFile(`${dir}/ca.crt`, MAX_PEM_FILE_BYTES).toString('utf8');
  } catch (err) {
    throw new ConfigError(
      `--in-cluster: cannot read the service account CA "${dir}/ca.crt" (${err instanceof SmallFileError ? err.reason : 'error'})`,
    );
  }
  const token = createFileTokenSource(`${dir}/token`, '--in-cluster: service account', {
    refreshMs: options.tokenRefreshMs ?? 60_000,
  });
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return Object.freeze({
    name: 'local',
    server: `https://${hostPart}:${port}`,
    caPem,
    insecureSkipTlsVerify: false,
    token,
  });
}
