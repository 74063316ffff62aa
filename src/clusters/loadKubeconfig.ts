import { createHash } from 'node:crypto';
import type { ClusterConnection, TokenSource } from '../upstream/createImageApiClient.js';
import { ConfigError } from '../config/ConfigError.js';
import { createFileTokenSource } from './createFileTokenSource.js';
import { headerNameOf } from '../upstream/headerNameOf.js';
import { mergeKubeconfigs, type MergedKubeconfig } from './mergeKubeconfigs.js';
import { resolveContext, type ResolvedContext } from './resolveContext.js';

export interface LoadKubeconfigOptions {
  /** The files to merge, in precedence order: what `kubeconfigPaths` returns. */
  readonly paths: readonly string[];
  /** `--context` (repeatable): these contexts, in this order. */
  readonly contexts: readonly string[];
  /** `--all-contexts`: every context of the merged files, in order of first appearance. */
  readonly allContexts: boolean;
  /** How often a token file is re-read, ms (default 60 s, as client-go). */
  readonly tokenRefreshMs?: number;
  /**
   * Whether a selected context without credentials deserves a warning (default true). Pass
   * false in passthrough mode, where the callers' tokens are sent and none is expected here.
   */
  readonly expectCredentials?: boolean;
}

export interface LoadedKubeconfig {
  /** One per cluster, in selection order, each with a unique `headerName`. */
  readonly connections: ClusterConnection[];
  /** For the operator, at start; none quotes a credential. */
  readonly warnings: string[];
}

const q = (name: string): string => JSON.stringify(name);

/**
 * Clusters from kubeconfig files, read as kubectl reads them:
 *
 * - Files are merged with client-go's rules (see mergeKubeconfigs): the first file that
 *   defines a cluster, user or context name wins; `current-context` comes from the first file
 *   that sets it; relative paths resolve against the folder of the file that holds them.
 * - Selection: `contexts` when given, every context with `allContexts`, else the current
 *   context. Selecting nothing is an error that lists the contexts.
 * - Only what the selected contexts use is checked (see resolveContext), so a broken entry no
 *   selected context uses does not stop the gateway; errors name entries by name.
 * - Selected contexts with the same server, TLS settings, credentials and impersonation are one
 *   cluster (an `oc login` kubeconfig has one context per project on the same server and user),
 *   named after the first of them, with a warning naming the others.
 * - Each cluster is named after its context and gets the header alias `headerNameOf(name)`.
 *   Names that differ only in case, names with an empty alias and equal aliases are refused:
 *   header names are case-insensitive, and a caller's `X-Cluster-Authorization-<alias>` token
 *   must reach one cluster only.
 * - A selected context without credentials is served anonymously, with a warning.
 *
 * Pure apart from reading the files (the kubeconfigs, the files they name, token files).
 */
export function loadKubeconfig(options: LoadKubeconfigOptions): LoadedKubeconfig {
  const merged = mergeKubeconfigs(options.paths);
  const selected = select(merged, options);
  const resolved = selected.map((name) => resolveContext(merged, name));
  const warnings = new Set<string>();
  for (const context of resolved) for (const warning of context.warnings) warnings.add(warning);

  const groups = new Map<string, ResolvedContext[]>();
  for (const context of resolved) {
    const key = identityOf(context);
    const group = groups.get(key);
    if (group) group.push(context);
    else groups.set(key, [context]);
  }
  const clusters = [...groups.values()].map((group) => {
    const [first, ...folded] = group;
    if (!first) throw new Error('invariant: a group has a first context');
    if (folded.length > 0)
      warnings.add(
        `contexts ${group.map((c) => q(c.context)).join(', ')} use the same server and credentials: they are one cluster, named ${q(first.context)}`,
      );
    return first;
  });
  checkNames(clusters.map((c) => c.context));

  const connections = clusters.map((cluster) => {
    const where = `context ${q(cluster.context)}`;
    const hasCredentials = Boolean(cluster.token || cluster.tokenFile || cluster.clientCertPem);
    if (!hasCredentials && options.expectCredentials !== false)
      warnings.add(
        `${where} has no credentials (no token, tokenFile or client certificate${cluster.user ? ` in user ${q(cluster.user)}` : ', and no user'}): calls to ${cluster.server} go out anonymously`,
      );
    if (hasCredentials && cluster.server.startsWith('http:'))
      warnings.add(
        `${where} sends credentials to ${cluster.server} over plain http://, unencrypted`,
      );
    return Object.freeze({
      name: cluster.context,
      headerName: headerNameOf(cluster.context),
      server: cluster.server,
      caPem: cluster.caPem,
      clientCertPem: cluster.clientCertPem,
      clientKeyPem: cluster.clientKeyPem,
      insecureSkipTlsVerify: cluster.insecureSkipTlsVerify,
      tlsServerName: cluster.tlsServerName,
      token: tokenSourceOf(cluster, where, options),
      impersonate: cluster.impersonate,
    });
  });
  return { connections, warnings: [...warnings] };
}

function select(merged: MergedKubeconfig, options: LoadKubeconfigOptions): string[] {
  const files = merged.files.map((f) => `"${f}"`).join(', ');
  const all = [...merged.contexts.keys()];
  const list = listOfNames(all);
  if (options.allContexts && options.contexts.length > 0)
    throw new ConfigError('--context and --all-contexts cannot be used together');
  if (all.length === 0) throw new ConfigError(`kubeconfig ${files} has no contexts`);
  let names: string[];
  if (options.allContexts) {
    names = all;
  } else if (options.contexts.length > 0) {
    const seen = new Set<string>();
    names = options.contexts.map((name) => {
      if (seen.has(name)) throw new ConfigError(`context ${q(name)} is selected twice`);
      seen.add(name);
      if (!merged.contexts.has(name))
        throw new ConfigError(
          `kubeconfig ${files} has no context named ${q(name)} (it has: ${list})`,
        );
      return name;
    });
  } else if (merged.currentContext) {
    const { name, file } = merged.currentContext;
    if (!merged.contexts.has(name))
      throw new ConfigError(
        `current-context ${q(name)} (set in "${file}") is not a context of kubeconfig ${files} (it has: ${list}); pass --context NAME or --all-contexts`,
      );
    names = [name];
  } else {
    throw new ConfigError(
      `no context selected: kubeconfig ${files} sets no current-context; pass --context NAME (repeatable) or --all-contexts (contexts: ${list})`,
    );
  }
  for (const name of names) {
    if (name.length > MAX_CONTEXT_NAME)
      throw new ConfigError(
        `a selected context has a name of ${name.length} characters, more than ${MAX_CONTEXT_NAME}; rename it`,
      );
    if (/\p{Cc}/u.test(name))
      throw new ConfigError(`context ${q(name)} has control characters in its name; rename it`);
  }
  return names;
}

/** A context name is a DNS-subdomain-sized label in practice; a longer one is not quoted. */
const MAX_CONTEXT_NAME = 253;
/** How many context names a message lists before it counts the rest. */
const LISTED_NAMES = 20;

/** The contexts a message offers to choose from: the first few, quoted only when short. */
function listOfNames(names: readonly string[]): string {
  const shown = names
    .slice(0, LISTED_NAMES)
    .map((name) => (name.length > MAX_CONTEXT_NAME ? `a name of ${name.length} characters` : name));
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/**
 * What makes two contexts the same cluster for the gateway: everything that decides where a
 * call goes and as whom. Hashed so that the key does not hold a token.
 */
function identityOf(context: ResolvedContext): string {
  const credential = context.tokenFile
    ? ['file', context.tokenFile]
    : context.token
      ? ['token', context.token]
      : null;
  return createHash('sha256')
    .update(
      JSON.stringify([
        context.server,
        context.caPem ?? null,
        context.insecureSkipTlsVerify,
        context.tlsServerName ?? null,
        context.clientCertPem ?? null,
        context.clientKeyPem ?? null,
        credential,
        context.impersonate ?? null,
      ]),
    )
    .digest('hex');
}

/** Refuses names that would let one `X-Cluster-Authorization-<alias>` header reach two clusters. */
function checkNames(names: readonly string[]): void {
  const byLower = new Map<string, string>();
  const byAlias = new Map<string, string>();
  for (const name of names) {
    const lower = name.toLowerCase();
    const twin = byLower.get(lower);
    if (twin !== undefined)
      throw new ConfigError(
        `contexts ${q(twin)} and ${q(name)} differ only in case, and header names do not (X-Cluster-Authorization-<cluster> would match both): select one, or rename one`,
      );
    byLower.set(lower, name);
    const alias = headerNameOf(name);
    if (alias === '')
      throw new ConfigError(
        `context ${q(name)} has no header-safe alias (it needs a letter, digit or "-" for X-Cluster-Authorization-<alias>): rename it`,
      );
    const other = byAlias.get(alias);
    if (other !== undefined)
      throw new ConfigError(
        `contexts ${q(other)} and ${q(name)} have the same header alias ${q(alias)} (X-Cluster-Authorization-${alias}): select one, or rename one`,
      );
    byAlias.set(alias, name);
  }
}

function tokenSourceOf(
  cluster: ResolvedContext,
  where: string,
  options: LoadKubeconfigOptions,
): TokenSource | undefined {
  if (cluster.tokenFile)
    return createFileTokenSource(cluster.tokenFile, `${where}: user ${q(cluster.user ?? '')}`, {
      refreshMs: options.tokenRefreshMs,
    });
  const token = cluster.token;
  return token ? () => token : undefined;
}
