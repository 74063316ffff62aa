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
export interface KubeconfigOptions {
  /** How often a token-file is re-read, ms (default 60 s). */
  readonly tokenRefreshMs?: number;
}

export function loadKubeconfig(
  path: string,
  contexts: readonly string[] = [],
  options: KubeconfigOptions = {},
): ClusterConnection[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read kubeconfig "${path}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const baseDir = dirname(resolve(path));
  const kc = new KubeConfig();
  let tokenFiles: Map<string, string>;
  try {
    // client-node reads `token-file` once, relative to the working directory; the gateway takes
    // those entries out, resolves them against the kubeconfig's folder and re-reads them.
    const { doc, tokenFiles: files } = extractTokenFiles(text, baseDir);
    tokenFiles = files;
    kc.loadFromString(yaml.dump(doc));
    kc.makePathsAbsolute(baseDir);
  } catch (err) {
    throw new ConfigError(
      `kubeconfig "${path}" is invalid: ${(err as Error).message.split('\n')[0]}`,
    );
  }
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
    return toConnection(name, cluster, user, tokenFiles.get(context.user ?? ''), options);
  });
}

interface RawKubeconfig {
  users?: { name?: unknown; user?: Record<string, unknown> | null }[] | null;
}

/** Removes `token-file` entries from the parsed document and returns their absolute paths by user. */
function extractTokenFiles(
  text: string,
  baseDir: string,
): { doc: unknown; tokenFiles: Map<string, string> } {
  const doc = yaml.load(text) as RawKubeconfig | undefined;
  if (typeof doc !== 'object' || doc === null) throw new Error('not a YAML mapping');
  const tokenFiles = new Map<string, string>();
  for (const entry of doc.users ?? []) {
    const file = entry.user?.['token-file'];
    if (entry.user && typeof entry.name === 'string' && typeof file === 'string') {
      tokenFiles.set(entry.name, isAbsolute(file) ? file : resolve(baseDir, file));
      delete entry.user['token-file'];
    }
  }
  return { doc, tokenFiles };
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
  options: KubeconfigOptions,
): ClusterConnection {
  const where = `context "${name}"`;
  // A cluster without a server never gets here: client-node refuses it while loading
  // ("clusters[N].cluster.server is missing"), and that message is passed on.
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
    ? createFileTokenSource(tokenFile, `${where}: user "${user?.name ?? ''}"`, {
        refreshMs: options.tokenRefreshMs,
      })
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
