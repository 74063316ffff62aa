import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { KubeConfig, type Cluster, type User } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import type { ClusterConnection } from '../upstream/createImageApiClient.js';
import { ConfigError } from './ConfigError.js';
import { createFileTokenSource } from './createFileTokenSource.js';

/**
 * Reads clusters from a kubeconfig with @kubernetes/client-node's KubeConfig (which also makes
 * file paths relative to the kubeconfig absolute). Every selected context becomes one cluster,
 * named after the context. Anything the gateway cannot use fails now, naming the entry.
 */
export function loadKubeconfig(
  path: string,
  contexts: readonly string[] = [],
): ClusterConnection[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read kubeconfig "${path}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (err) {
    throw new ConfigError(`kubeconfig "${path}" is invalid: ${(err as Error).message}`);
  }
  const tokenFiles = readTokenFiles(text, dirname(resolve(path)));
  const all = kc.getContexts();
  if (all.length === 0) throw new ConfigError(`kubeconfig "${path}" has no contexts`);
  const wanted = contexts.length > 0 ? contexts : all.map((c) => c.name);
  const seen = new Set<string>();
  return wanted.map((name) => {
    if (seen.has(name)) throw new ConfigError(`context "${name}" is selected twice`);
    seen.add(name);
    const context = kc.getContextObject(name);
    if (!context) {
      throw new ConfigError(
        `kubeconfig "${path}" has no context named "${name}" (it has: ${all.map((c) => c.name).join(', ')})`,
      );
    }
    const cluster = kc.getCluster(context.cluster);
    if (!cluster)
      throw new ConfigError(
        `context "${name}" names cluster "${context.cluster}", which is not in kubeconfig "${path}"`,
      );
    const user = context.user ? kc.getUser(context.user) : null;
    if (context.user && !user)
      throw new ConfigError(
        `context "${name}" names user "${context.user}", which is not in kubeconfig "${path}"`,
      );
    return toConnection(name, cluster, user, tokenFiles.get(context.user ?? ''));
  });
}

/** client-node reads `token-file` once; the gateway re-reads it, so it needs the paths. */
function readTokenFiles(text: string, baseDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const doc = yaml.load(text) as
    { users?: { name?: unknown; user?: Record<string, unknown> | null }[] } | undefined;
  for (const entry of doc?.users ?? []) {
    const file = entry.user?.['token-file'] ?? entry.user?.['tokenFile'];
    if (typeof entry.name === 'string' && typeof file === 'string') {
      out.set(entry.name, isAbsolute(file) ? file : resolve(baseDir, file));
    }
  }
  return out;
}

function readPem(
  data: string | undefined,
  file: string | undefined,
  what: string,
  where: string,
): string | undefined {
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `${where}: cannot read ${what} "${file}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

function toConnection(
  name: string,
  cluster: Cluster,
  user: User | null,
  tokenFile: string | undefined,
): ClusterConnection {
  const where = `context "${name}"`;
  if (!cluster.server) throw new ConfigError(`${where}: cluster "${cluster.name}" has no server`);
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new ConfigError(
      `${where}: cluster "${cluster.name}" has an invalid server URL "${cluster.server}"`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(
      `${where}: cluster "${cluster.name}" server must be an https:// URL, got "${cluster.server}"`,
    );
  }
  if (user?.exec || user?.authProvider) {
    throw new ConfigError(
      `${where}: user "${user.name}" gets credentials from ${user.exec ? 'an exec plugin' : 'an auth provider'}, which the gateway does not run; use a token, token-file or client certificate (e.g. \`oc whoami -t\`)`,
    );
  }
  if (user?.username || user?.password) {
    throw new ConfigError(
      `${where}: user "${user.name}" uses basic auth, which OpenShift does not accept; use a token or client certificate`,
    );
  }
  const clientCertPem = readPem(user?.certData, user?.certFile, 'client-certificate', where);
  const clientKeyPem = readPem(user?.keyData, user?.keyFile, 'client-key', where);
  if ((clientCertPem === undefined) !== (clientKeyPem === undefined)) {
    throw new ConfigError(
      `${where}: user "${user?.name ?? ''}" has a client certificate without a key, or a key without a certificate`,
    );
  }
  const staticToken = user?.token;
  const token = tokenFile
    ? createFileTokenSource(tokenFile, `${where}: user "${user?.name ?? ''}"`)
    : staticToken
      ? () => staticToken
      : undefined;
  return Object.freeze({
    name,
    server: cluster.server.replace(/\/+$/, ''),
    caPem: readPem(cluster.caData, cluster.caFile, 'certificate-authority', where),
    clientCertPem,
    clientKeyPem,
    insecureSkipTlsVerify: cluster.skipTLSVerify === true,
    tlsServerName: cluster.tlsServerName,
    token,
  });
}
