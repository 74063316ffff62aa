import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ClusterConnection } from '../upstream/createImageApiClient.js';
import { ConfigError } from '../config/ConfigError.js';
import { isRecord } from '../isRecord.js';
import { readSmallFile, SmallFileError } from '../config/readSmallFile.js';
import type { KubeconfigEntry, MergedKubeconfig } from './mergeKubeconfigs.js';

export type Impersonation = NonNullable<ClusterConnection['impersonate']>;

/** One selected context, checked and with its files read: everything a connection needs. */
export interface ResolvedContext {
  readonly context: string;
  /** `https://host:port[/path]`, without userinfo, query or trailing slash. */
  readonly server: string;
  readonly caPem?: string | undefined;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName?: string | undefined;
  readonly clientCertPem?: string | undefined;
  readonly clientKeyPem?: string | undefined;
  /** A static bearer token (`token`), used only when there is no token file. */
  readonly token?: string | undefined;
  /** The absolute path of `tokenFile`/`token-file`; it wins over `token`, as in client-go. */
  readonly tokenFile?: string | undefined;
  readonly impersonate?: Impersonation | undefined;
  /** `user "name"`, or undefined when the context names no user. */
  readonly user?: string | undefined;
  readonly warnings: readonly string[];
}

const CLUSTER_FIELDS = new Set([
  'server',
  'certificate-authority',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
  'proxy-url',
  'disable-compression',
  'extensions',
]);
const USER_FIELDS = new Set([
  'token',
  'tokenFile',
  'token-file',
  'client-certificate',
  'client-certificate-data',
  'client-key',
  'client-key-data',
  'as',
  'as-uid',
  'as-groups',
  'as-user-extra',
  'username',
  'password',
  'auth-provider',
  'exec',
  'extensions',
]);
const CONTEXT_FIELDS = new Set(['cluster', 'user', 'namespace', 'extensions']);

/** A bearer token as it may appear in `Authorization: Bearer <token>` (RFC 6750 b64token and more). */
const TOKEN_SAFE = /^[\x21-\x7e]+$/;
/** A header value we send as written: printable ASCII, no surrounding spaces (HTTP strips them). */
const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
/** The same bound as a token file's (createFileTokenSource): a bearer token is kilobytes. */
const MAX_INLINE_TOKEN_BYTES = 64 * 1024;
/** C0, DEL and C1 control characters. */
const CONTROL = /\p{Cc}/u;

const q = (name: string): string => JSON.stringify(name);

/**
 * Checks one selected context of a merged kubeconfig and everything it uses (its cluster, its
 * user, the files they name), and reads those files. What kubectl refuses is refused; what the
 * gateway cannot do (exec plugins, auth providers, basic auth, proxies) is refused by name
 * rather than ignored. Messages name the context, the entry and the field; they never quote a
 * token, a password, key material or a server URL's userinfo or query.
 */
export function resolveContext(merged: MergedKubeconfig, name: string): ResolvedContext {
  const entry = merged.contexts.get(name);
  if (!entry) throw new ConfigError(`there is no context named ${q(name)}`);
  const where = `context ${q(name)}`;
  const warnings: string[] = [];
  const context = bodyOf(entry, where);
  warnUnknown(context, CONTEXT_FIELDS, where, warnings);
  const files = merged.files.map((f) => `"${f}"`).join(', ');

  const clusterName = stringField(context, 'cluster', where);
  if (!clusterName) throw new ConfigError(`${where} names no cluster`);
  const clusterEntry = merged.clusters.get(clusterName);
  if (!clusterEntry)
    throw new ConfigError(
      `${where} names cluster ${q(clusterName)}, which is not in kubeconfig ${files}`,
    );
  const userName = stringField(context, 'user', where);
  const userEntry = userName ? merged.users.get(userName) : undefined;
  if (userName && !userEntry)
    throw new ConfigError(
      `${where} names user ${q(userName)}, which is not in kubeconfig ${files}`,
    );

  const cluster = resolveCluster(clusterEntry, where, warnings);
  const user = userEntry ? resolveUser(userEntry, where, warnings) : {};
  return Object.freeze({
    context: name,
    ...cluster,
    ...user,
    user: userName || undefined,
    warnings: Object.freeze(warnings),
  });
}

function bodyOf(entry: KubeconfigEntry, owner: string): Record<string, unknown> {
  if (entry.body === undefined || entry.body === null) return {};
  if (!isRecord(entry.body)) throw new ConfigError(`${owner} is not a mapping`);
  return entry.body;
}

/** Warns about fields kubectl does not know either: a misspelt field is otherwise silently lost. */
function warnUnknown(
  body: Record<string, unknown>,
  known: ReadonlySet<string>,
  owner: string,
  warnings: string[],
): void {
  for (const key of Object.keys(body)) {
    if (known.has(key)) continue;
    // Only a key that looks like a field name (letters and hyphens, as kubeconfig fields are)
    // is quoted: anything else, a token-like run of letters and digits included, might be a
    // pasted secret.
    const shown = /^[A-Za-z][A-Za-z-]{0,39}$/.test(key) ? `"${key}"` : 'a field';
    warnings.push(
      `${owner} has ${shown} that neither kubectl nor the gateway knows; it is ignored`,
    );
  }
}

/** A string field; absent, null and "" are all "not set" (client-go tests `len(x) == 0`). */
function stringField(body: Record<string, unknown>, key: string, owner: string): string {
  const value = body[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new ConfigError(`${owner}: "${key}" must be a string`);
  return value;
}

function resolvePath(entry: KubeconfigEntry, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(resolve(entry.file)), path);
}

/** A CA bundle, certificate or key file is kilobytes; the whole Mozilla CA bundle is 220 KiB. */
export const MAX_PEM_FILE_BYTES = 4 * 1024 * 1024;

function readField(path: string, field: string, where: string, owner: string): string {
  try {
    return readSmallFile(path, MAX_PEM_FILE_BYTES).toString('utf8');
  } catch (err) {
    const reason = err instanceof SmallFileError ? err.reason : 'error';
    throw new ConfigError(`${where}: cannot read ${field} "${path}" (${reason}) for ${owner}`);
  }
}

/**
 * The PEM from `<field>-data` (base64, as kubectl requires) or `<field>` (a file), refusing
 * both at once as client-go's validation does.
 */
function pemOf(
  entry: KubeconfigEntry,
  body: Record<string, unknown>,
  field: string,
  where: string,
  owner: string,
): { pem: string; from: string } | undefined {
  const data = stringField(body, `${field}-data`, `${where}: ${owner}`);
  const file = stringField(body, field, `${where}: ${owner}`);
  if (data && file)
    throw new ConfigError(`${where}: ${owner} sets both ${field} and ${field}-data; set one`);
  if (data) {
    const compact = data.replace(/[\r\n]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0)
      throw new ConfigError(`${where}: ${owner} has ${field}-data that is not base64`);
    const pem = Buffer.from(compact, 'base64').toString('utf8');
    return { pem, from: `${field}-data` };
  }
  if (file) {
    const path = resolvePath(entry, file);
    return { pem: readField(path, field, where, owner), from: `${field} "${path}"` };
  }
  return undefined;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** Every block of a certificate (or CA bundle) PEM, each parsed; at least one. */
function certificatesOf(pem: string, what: string): X509Certificate[] {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.length === 0)
    throw new ConfigError(`${what} is not PEM (expected "-----BEGIN CERTIFICATE-----")`);
  return blocks.map(([block, label]) => {
    if (label !== 'CERTIFICATE')
      throw new ConfigError(`${what} holds a "${label}" PEM block where certificates belong`);
    try {
      return new X509Certificate(block);
    } catch {
      throw new ConfigError(`${what} holds a certificate that cannot be parsed`);
    }
  });
}

function privateKeyOf(pem: string, what: string): KeyObject {
  if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem))
    throw new ConfigError(`${what} is not PEM (expected "-----BEGIN ... PRIVATE KEY-----")`);
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // The crypto error is not quoted: it says nothing the user needs, and this is key material.
    throw new ConfigError(`${what} is not an unencrypted private key that can be parsed`);
  }
}

function resolveCluster(
  entry: KubeconfigEntry,
  where: string,
  warnings: string[],
): Pick<ResolvedContext, 'server' | 'caPem' | 'insecureSkipTlsVerify' | 'tlsServerName'> {
  const owner = `cluster ${q(entry.name)}`;
  const full = `${where}: ${owner}`;
  const body = bodyOf(entry, full);
  warnUnknown(body, CLUSTER_FIELDS, full, warnings);

  const raw = stringField(body, 'server', full);
  if (!raw) throw new ConfigError(`${full} has no server`);
  // The WHATWG parser drops tabs and line breaks and reads "\\" as "/": a server that holds
  // them is not what it looks like, so it is refused rather than repaired.
  if (CONTROL.test(raw) || raw.includes('\\'))
    throw new ConfigError(
      `${full} has a server with control characters or a backslash; write it as https://host[:port][/path]`,
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Never quoted: a value that is not a URL may be anything pasted there, a token included.
    throw new ConfigError(
      `${full} has a server that is not a URL (${raw.length} characters); write it as https://host[:port][/path]`,
    );
  }
  if (url.username || url.password)
    throw new ConfigError(
      `${full} has a user name or password in its server URL (${url.protocol}//…@${url.host}); the gateway does not send it: give the user entry a token, tokenFile or client certificate, and remove it from the URL`,
    );
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(`${full} server must be an https:// URL, got scheme "${url.protocol}"`);
  if (url.search || url.hash)
    throw new ConfigError(`${full} server must not have a query or fragment (${url.origin}…)`);
  const server = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;

  if (stringField(body, 'proxy-url', full))
    throw new ConfigError(
      `${full} sets proxy-url, which the gateway does not support yet; remove it so the gateway connects to the server directly`,
    );

  const skip = body['insecure-skip-tls-verify'];
  if (skip !== undefined && skip !== null && typeof skip !== 'boolean')
    throw new ConfigError(`${full}: "insecure-skip-tls-verify" must be true or false`);
  const ca = pemOf(entry, body, 'certificate-authority', where, owner);
  if (ca) certificatesOf(ca.pem, `${full}: ${ca.from}`);
  // client-go's transport refuses this pair too: "specifying a root certificates file with
  // the insecure flag is not allowed".
  if (ca && skip === true)
    throw new ConfigError(
      `${full} sets both insecure-skip-tls-verify and a certificate-authority; set one`,
    );
  const tlsServerName = stringField(body, 'tls-server-name', full);
  return {
    server,
    caPem: ca?.pem,
    insecureSkipTlsVerify: skip === true,
    tlsServerName: tlsServerName || undefined,
  };
}

function resolveUser(
  entry: KubeconfigEntry,
  where: string,
  warnings: string[],
): Pick<ResolvedContext, 'clientCertPem' | 'clientKeyPem' | 'token' | 'tokenFile' | 'impersonate'> {
  const owner = `user ${q(entry.name)}`;
  const full = `${where}: ${owner}`;
  const body = bodyOf(entry, full);
  warnUnknown(body, USER_FIELDS, full, warnings);

  const exec = body['exec'] ?? undefined;
  const authProvider = body['auth-provider'] ?? undefined;
  if (exec !== undefined || authProvider !== undefined)
    throw new ConfigError(
      `${where}: ${owner} gets credentials from ${exec !== undefined ? 'an exec plugin' : 'an auth provider'}, which the gateway does not run; use a token, tokenFile or client certificate (e.g. \`oc whoami -t\`)`,
    );
  if (stringField(body, 'username', full) || stringField(body, 'password', full))
    throw new ConfigError(
      `${where}: ${owner} uses basic auth, which OpenShift does not accept; use a token or client certificate`,
    );

  const token = stringField(body, 'token', full);
  if (token.length > MAX_INLINE_TOKEN_BYTES)
    throw new ConfigError(
      `${full} has a token of ${token.length} characters, more than ${MAX_INLINE_TOKEN_BYTES}: it cannot be a bearer token`,
    );
  if (token && !TOKEN_SAFE.test(token))
    throw new ConfigError(
      `${full} has a token that cannot be sent in an HTTP header (it holds spaces, line breaks or non-ASCII characters)`,
    );
  const camel = stringField(body, 'tokenFile', full);
  const kebab = stringField(body, 'token-file', full);
  if (camel && kebab && camel !== kebab)
    throw new ConfigError(
      `${full} sets both tokenFile and token-file, to different files; set one`,
    );
  const tokenFileField = camel || kebab;
  const tokenFile = tokenFileField ? resolvePath(entry, tokenFileField) : undefined;
  if (token && tokenFile)
    warnings.push(`${full} sets both token and tokenFile; the file is used, as kubectl does`);

  const cert = pemOf(entry, body, 'client-certificate', where, owner);
  const key = pemOf(entry, body, 'client-key', where, owner);
  if ((cert === undefined) !== (key === undefined))
    throw new ConfigError(
      `${full} has a client certificate without a key, or a key without a certificate`,
    );
  if (cert && key) {
    const [leaf] = certificatesOf(cert.pem, `${full}: ${cert.from}`);
    const privateKey = privateKeyOf(key.pem, `${full}: ${key.from}`);
    if (leaf && !leaf.checkPrivateKey(privateKey))
      throw new ConfigError(`${full}: the client certificate and the client key do not match`);
  }

  return {
    clientCertPem: cert?.pem,
    clientKeyPem: key?.pem,
    token: token || undefined,
    tokenFile,
    impersonate: impersonationOf(body, full),
  };
}

/** `as`, `as-groups`, `as-uid`, `as-user-extra`, checked so that each can go in a header. */
function impersonationOf(body: Record<string, unknown>, full: string): Impersonation | undefined {
  // `label` names the field, quoted: `"as-groups"`, `"as-user-extra" entry "team"`.
  const headerSafe = (value: unknown, label: string): string => {
    if (typeof value !== 'string') throw new ConfigError(`${full}: ${label} must be a string`);
    if (!HEADER_VALUE.test(value))
      throw new ConfigError(
        `${full}: ${label} cannot be sent in an HTTP header (printable ASCII without leading or trailing spaces)`,
      );
    return value;
  };
  const listOf = (value: unknown, label: string): string[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new ConfigError(`${full}: ${label} must be a list of strings`);
    return value.map((item: unknown) => headerSafe(item, label));
  };
  const user = stringField(body, 'as', full);
  const uid = stringField(body, 'as-uid', full);
  const groups = listOf(body['as-groups'], '"as-groups"');
  const rawExtra = body['as-user-extra'] ?? {};
  if (!isRecord(rawExtra))
    throw new ConfigError(
      `${full}: "as-user-extra" must be a mapping of names to lists of strings`,
    );
  const extra = Object.entries(rawExtra).map(([key, values]): [string, readonly string[]] => {
    if (key === '' || CONTROL.test(key))
      throw new ConfigError(
        `${full}: "as-user-extra" has a name that is empty or holds control characters`,
      );
    return [key, Object.freeze(listOf(values, `"as-user-extra" entry ${q(key)}`))];
  });
  if (!user) {
    // client-go refuses this, and the API server impersonates groups only with a user.
    if (uid || groups.length > 0 || extra.length > 0)
      throw new ConfigError(`${full} sets as-groups, as-uid or as-user-extra without "as"`);
    return undefined;
  }
  return Object.freeze({
    user: headerSafe(user, '"as"'),
    ...(groups.length > 0 ? { groups: Object.freeze(groups) } : {}),
    ...(uid ? { uid: headerSafe(uid, '"as-uid"') } : {}),
    ...(extra.length > 0 ? { extra: Object.freeze(Object.fromEntries(extra)) } : {}),
  });
}
