import type { QueryLimits } from '../limits/createQueryLimits.js';
import { cutForMessage } from '../cutForMessage.js';
import { ConfigError } from './ConfigError.js';
import { envNameOf, optionNamed, OPTIONS, type Command, type OptionSpec } from './options.js';

/** Whose credentials go upstream (README: "Auth modes"). */
export type AuthMode = 'serviceaccount' | 'passthrough';

export type ClusterSource =
  | { readonly kind: 'demo' }
  | {
      readonly kind: 'kubeconfig';
      /** `--kubeconfig PATH`; when absent, the $KUBECONFIG list or ~/.kube/config is read. */
      readonly path: string | undefined;
      readonly contexts: readonly string[];
      readonly allContexts: boolean;
    }
  | { readonly kind: 'in-cluster' };

/** The query limits, as src/limits takes them (a type-only import: nothing is loaded). */
export type QueryLimitsConfig = QueryLimits;

export interface ServeConfig {
  readonly command: 'serve';
  readonly source: ClusterSource;
  readonly port: number;
  readonly host: string;
  readonly metricsPort: number | undefined;
  /** Address of the metrics listener (default: host). */
  readonly metricsHost: string;
  readonly auth: AuthMode;
  readonly corsOrigins: readonly string[];
  readonly deadlineMs: number;
  readonly attemptTimeoutMs: number;
  readonly clusterDeadlineMs: number;
  readonly upstreamConcurrency: number;
  readonly maxUpstreamRequests: number;
  readonly maxRefs: number;
  readonly queryLimits: QueryLimitsConfig;
  readonly maxBodyBytes: number;
  readonly maxResponseBytes: number;
  /** --http-cache-max-age-s: max-age of immutable GET answers; 0: no caching headers. */
  readonly httpCacheMaxAgeS: number;
  readonly headerTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly sendTimeoutMs: number;
  readonly shutdownGraceMs: number;
  readonly maxConnections: number;
  /** Subscriptions at once over both transports; 0: subscriptions off. */
  readonly maxSubscriptions: number;
  /** In-process content cache size, bytes; 0 turns the cache off. */
  readonly cacheMaxBytes: number;
  readonly cacheMutableTtlMs: number;
  readonly indexProofMaxSilenceMs: number;
  readonly authzCacheTtlMs: number;
  /** 0: no location index. */
  readonly locationIndexMaxEntries: number;
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  readonly redisSigningKeyFile: string | undefined;
  readonly redisCommandTimeoutMs: number;
  /** OTLP/HTTP traces endpoint; tracing is off without it. */
  readonly otlpEndpoint: string | undefined;
  readonly demoLatencyMs: number;
  readonly logLevel: string;
  /** --trusted-documents: the manifest file; every document is allowed when absent. */
  readonly trustedDocumentsFile: string | undefined;
  /** --allow-untrusted-documents (development mode; needs --trusted-documents). */
  readonly allowUntrustedDocuments: boolean;
  /** --federation: serve the Apollo Federation 2 subgraph schema. */
  readonly federation: boolean;
}

export interface SimulateConfig {
  readonly command: 'simulate';
  readonly port: number;
  readonly host: string;
  readonly name: string;
  readonly latencyMs: number;
  readonly tls: boolean;
  readonly logLevel: string;
  /** Generated streams in namespace `bench`, images per stream, and label padding per image. */
  readonly benchStreams: number;
  readonly benchImagesPerStream: number;
  readonly labelBytes: number;
  /** Pods generated in namespace `bench` (workload benchmarks). */
  readonly benchPods: number;
}

export type Config =
  ServeConfig | SimulateConfig | { readonly command: 'help' } | { readonly command: 'version' };

type Env = Readonly<Record<string, string | undefined>>;
type Value = string | number | boolean | readonly string[];

/** A value from the caller, shown in an error: quoted and cut, so an error never echoes a flood. */
function shown(value: string): string {
  return JSON.stringify(cutForMessage(value));
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(
        above + 1,
        (row[j - 1] ?? 0) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = above;
    }
  }
  return row[b.length] ?? 0;
}

/** " (did you mean --x?)" for the closest known option, when one is close enough. */
function suggestion(name: string, format: (spec: OptionSpec) => string): string {
  let best: { spec: OptionSpec; d: number } | undefined;
  for (const spec of OPTIONS) {
    const d = distance(name, spec.name);
    if (!best || d < best.d) best = { spec, d };
  }
  const limit = Math.max(2, Math.floor(name.length / 4));
  return best && best.d <= limit ? ` (did you mean ${format(best.spec)}?)` : '';
}

function convert(spec: OptionSpec, raw: string, source: string): string | number | boolean {
  switch (spec.kind) {
    case 'boolean':
      if (/^(true|1|yes)$/i.test(raw)) return true;
      if (/^(false|0|no)$/i.test(raw)) return false;
      throw new ConfigError(`${source} must be true or false, got ${shown(raw)}`);
    case 'integer': {
      const min = spec.min ?? 0;
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      if (!/^\d{1,16}$/.test(raw) || Number(raw) < min || Number(raw) > max)
        throw new ConfigError(
          `${source} must be an integer from ${min} to ${max}, got ${shown(raw)}`,
        );
      return Number(raw);
    }
    case 'enum': {
      const values = spec.values ?? [];
      if (!values.includes(raw))
        throw new ConfigError(
          `${source} must be ${values.map((v) => `"${v}"`).join(' or ')}, got ${shown(raw)}`,
        );
      return raw;
    }
    case 'string':
    case 'list':
      if (raw === '') throw new ConfigError(`${source} must not be empty`);
      return raw;
  }
}

interface Parsed {
  readonly command: Command;
  readonly values: ReadonlyMap<string, Value>;
  /** Where each value came from, for messages (`--port`, `IMAGE_GATEWAY_PORT`, `PORT`). */
  readonly sources: ReadonlyMap<string, string>;
  readonly help: boolean;
  readonly version: boolean;
}

function readArgv(argv: readonly string[]): Parsed {
  const [first] = argv;
  const explicit = first === 'serve' || first === 'simulate';
  const command: Command = first === 'simulate' ? 'simulate' : 'serve';
  const values = new Map<string, Value>();
  const sources = new Map<string, string>();
  let help = false;
  let version = false;
  for (let i = explicit ? 1 : 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--version') {
      version = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      throw new ConfigError(
        `unexpected argument ${shown(arg)}${i === 0 ? ' (commands: serve, simulate)' : ''}`,
      );
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = optionNamed(name);
    if (!spec)
      throw new ConfigError(
        `Unknown option ${shown(`--${name}`).replace(/"/g, "'")}${suggestion(name, (s) => `--${s.name}`)}`,
      );
    if (!spec.commands.includes(command))
      throw new ConfigError(`--${name} does not apply to "${command}"`);
    let raw: string;
    if (spec.kind === 'boolean') {
      if (eq >= 0) throw new ConfigError(`--${name} takes no value`);
      raw = 'true';
    } else if (eq >= 0) {
      raw = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--'))
        throw new ConfigError(`--${name} needs a value (${spec.value ?? 'VALUE'})`);
      raw = next;
      i += 1;
    }
    const value = convert(spec, raw, `--${name}`);
    if (spec.kind === 'list') {
      const list = (values.get(name) as readonly string[] | undefined) ?? [];
      values.set(name, [...list, String(value)]);
    } else {
      if (values.has(name) && spec.kind !== 'boolean')
        throw new ConfigError(`--${name} is given twice`);
      values.set(name, value);
    }
    sources.set(name, `--${name}`);
  }
  return { command, values, sources, help, version };
}

/** Fills what argv left unset from IMAGE_GATEWAY_<OPTION> (and PORT); argv wins. */
function readEnv(parsed: Parsed, env: Env): Parsed {
  const values = new Map(parsed.values);
  const sources = new Map(parsed.sources);
  const byEnv = new Map(OPTIONS.map((spec) => [envNameOf(spec.name), spec]));
  for (const key of Object.keys(env)) {
    if (!key.startsWith('IMAGE_GATEWAY_') || byEnv.has(key)) continue;
    throw new ConfigError(
      `unknown environment variable ${key}${suggestion(
        key.slice('IMAGE_GATEWAY_'.length).toLowerCase().replace(/_/g, '-'),
        (s) => envNameOf(s.name),
      )}`,
    );
  }
  for (const spec of OPTIONS) {
    // An environment is shared by both commands (a container's): what does not apply is ignored.
    if (values.has(spec.name) || !spec.commands.includes(parsed.command)) continue;
    for (const name of [envNameOf(spec.name), spec.legacyEnv]) {
      const raw = name === undefined ? undefined : env[name];
      if (name === undefined || raw === undefined || raw === '') continue;
      const value =
        spec.kind === 'list'
          ? raw
              .split(',')
              .map((part) => part.trim())
              .filter(Boolean)
          : convert(spec, raw, name);
      if (spec.kind === 'boolean' && value === false) break;
      values.set(spec.name, value);
      sources.set(spec.name, name);
      break;
    }
  }
  return { ...parsed, values, sources };
}

/** Typed access to parsed values, with the table's defaults. */
function reader(parsed: Parsed) {
  const spec = (name: string): OptionSpec => {
    const found = optionNamed(name);
    if (!found) throw new TypeError(`no option --${name}`);
    return found;
  };
  return {
    has: (name: string): boolean => parsed.values.has(name),
    source: (name: string): string => parsed.sources.get(name) ?? `--${name}`,
    flag: (name: string): boolean => parsed.values.get(name) === true,
    int(name: string): number {
      const value = parsed.values.get(name) ?? spec(name).default;
      if (typeof value !== 'number') throw new TypeError(`--${name} has no default`);
      return value;
    },
    optionalInt(name: string): number | undefined {
      const value = parsed.values.get(name);
      return typeof value === 'number' ? value : undefined;
    },
    str(name: string): string {
      const value = parsed.values.get(name) ?? spec(name).default;
      if (typeof value !== 'string') throw new TypeError(`--${name} has no default`);
      return value;
    },
    optionalStr(name: string): string | undefined {
      const value = parsed.values.get(name);
      return typeof value === 'string' ? value : undefined;
    },
    list(name: string): readonly string[] {
      const value = parsed.values.get(name);
      return Array.isArray(value) ? Object.freeze([...(value as string[])]) : Object.freeze([]);
    },
  };
}

type Reader = ReturnType<typeof reader>;

function httpUrl(r: Reader, name: string): string | undefined {
  const value = r.optionalStr(name);
  if (value !== undefined && !/^https?:\/\/[^\s/]+/.test(value))
    throw new ConfigError(
      `${r.source(name)} must be an http:// or https:// URL, got ${shown(value)}`,
    );
  return value;
}

function redisUrl(r: Reader): string | undefined {
  const value = r.optionalStr('redis-url');
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `${r.source('redis-url')} must be a URL such as redis://127.0.0.1:6379, got ${shown(value.replace(/\/\/[^@/]*@/, '//…@'))}`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new ConfigError(`${r.source('redis-url')} must start with redis:// or rediss://`);
  return value;
}

/** A browser origin as the Origin header carries it: scheme, host and port, nothing else. */
function corsOrigins(r: Reader): readonly string[] {
  const origins = r.list('cors-origin').map((origin) => {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    // Exact origins only: a pattern (`https://*.example.com`) would never match a browser's Origin.
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== origin || origin.includes('*'))
      throw new ConfigError(
        `${r.source('cors-origin')} must be an origin such as https://console.example.com (scheme, host and port; no path or trailing slash), got ${shown(origin)}`,
      );
    return origin;
  });
  return Object.freeze(origins);
}

function clusterSource(r: Reader): ClusterSource {
  const chosen = ['demo', 'in-cluster', 'kubeconfig'].filter((name) => r.has(name));
  if (chosen.length > 1)
    throw new ConfigError(`choose one of ${chosen.map((name) => r.source(name)).join(', ')}`);
  const kubeconfigOnly = ['context', 'all-contexts'].filter((name) => r.has(name));
  if (r.flag('demo') || r.flag('in-cluster')) {
    const [name] = kubeconfigOnly;
    if (name) throw new ConfigError(`${r.source(name)} needs a kubeconfig`);
    return Object.freeze(r.flag('demo') ? { kind: 'demo' } : { kind: 'in-cluster' });
  }
  if (r.has('context') && r.flag('all-contexts'))
    throw new ConfigError('choose --context or --all-contexts, not both');
  return Object.freeze({
    kind: 'kubeconfig',
    path: r.optionalStr('kubeconfig'),
    contexts: r.list('context'),
    allContexts: r.flag('all-contexts'),
  });
}

function serveConfig(r: Reader): ServeConfig {
  const source = clusterSource(r);
  if (r.has('latency-ms') && source.kind !== 'demo')
    throw new ConfigError(`${r.source('latency-ms')} applies to --demo only`);
  const redis = redisUrl(r);
  for (const name of ['redis-signing-key-file', 'redis-command-timeout-ms', 'redis-key-prefix'])
    if (r.has(name) && !redis) throw new ConfigError(`${r.source(name)} needs --redis-url`);
  const headerTimeoutMs = r.int('header-timeout-ms');
  const bodyTimeoutMs = r.int('body-timeout-ms');
  const maxConnections = r.int('max-connections');
  const maxSubscriptions = r.int('max-subscriptions');
  if (maxSubscriptions > 0 && maxSubscriptions >= maxConnections)
    throw new ConfigError(
      `--max-subscriptions (${maxSubscriptions}) must be below --max-connections (${maxConnections}): each subscription may hold a connection, and some must stay for queries`,
    );
  if (bodyTimeoutMs < headerTimeoutMs)
    throw new ConfigError(
      `--body-timeout-ms (${bodyTimeoutMs}) must be at least --header-timeout-ms (${headerTimeoutMs}): it covers the headers too`,
    );
  const port = r.int('port');
  const metricsPort = r.optionalInt('metrics-port');
  if (r.has('metrics-host') && metricsPort === undefined)
    throw new ConfigError(`${r.source('metrics-host')} needs --metrics-port`);
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port)
    throw new ConfigError(`--metrics-port must differ from --port (both ${port})`);
  const trustedDocumentsFile = r.optionalStr('trusted-documents');
  if (r.flag('allow-untrusted-documents') && trustedDocumentsFile === undefined)
    throw new ConfigError(`${r.source('allow-untrusted-documents')} needs --trusted-documents`);
  return Object.freeze({
    command: 'serve',
    source,
    port,
    host: r.str('host'),
    metricsPort,
    metricsHost: r.optionalStr('metrics-host') ?? r.str('host'),
    auth: r.str('auth') as AuthMode,
    corsOrigins: corsOrigins(r),
    deadlineMs: r.int('deadline-ms'),
    attemptTimeoutMs: r.int('attempt-timeout-ms'),
    clusterDeadlineMs: r.int('cluster-deadline-ms'),
    upstreamConcurrency: r.int('upstream-concurrency'),
    maxUpstreamRequests: r.int('max-upstream-requests'),
    maxRefs: r.int('max-refs'),
    queryLimits: Object.freeze({
      maxDepth: r.int('max-depth'),
      maxAliases: r.int('max-aliases'),
      maxTokens: r.int('max-tokens'),
      maxDirectives: r.int('max-directives'),
      maxCost: r.int('max-cost'),
      maxNodes: r.int('max-nodes'),
      introspection: !r.flag('no-introspection'),
    }),
    maxBodyBytes: r.int('max-body-bytes'),
    maxResponseBytes: r.int('max-response-bytes'),
    httpCacheMaxAgeS: r.int('http-cache-max-age-s'),
    headerTimeoutMs,
    bodyTimeoutMs,
    idleTimeoutMs: r.int('idle-timeout-ms'),
    sendTimeoutMs: r.int('send-timeout-ms'),
    shutdownGraceMs: r.int('shutdown-grace-ms'),
    maxConnections,
    maxSubscriptions,
    cacheMaxBytes: r.int('cache-max-bytes'),
    cacheMutableTtlMs: r.int('cache-mutable-ttl-ms'),
    indexProofMaxSilenceMs: r.int('index-proof-max-silence-ms'),
    authzCacheTtlMs: r.int('authz-cache-ttl-ms'),
    locationIndexMaxEntries: r.int('location-index-max-entries'),
    redisUrl: redis,
    redisKeyPrefix: r.str('redis-key-prefix'),
    redisSigningKeyFile: r.optionalStr('redis-signing-key-file'),
    redisCommandTimeoutMs: r.int('redis-command-timeout-ms'),
    otlpEndpoint: httpUrl(r, 'otlp-endpoint'),
    demoLatencyMs: r.int('latency-ms'),
    logLevel: r.str('log-level'),
    trustedDocumentsFile,
    allowUntrustedDocuments: r.flag('allow-untrusted-documents'),
    federation: r.flag('federation'),
  });
}

function simulateConfig(r: Reader): SimulateConfig {
  const name = r.str('name');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63)
    throw new ConfigError(`${r.source('name')} must be a DNS-1123 label, got ${shown(name)}`);
  return Object.freeze({
    command: 'simulate',
    port: r.has('port') ? r.int('port') : 0,
    host: r.str('host'),
    name,
    latencyMs: r.int('latency-ms'),
    tls: r.flag('tls'),
    logLevel: r.str('log-level'),
    benchStreams: r.int('bench-streams'),
    benchImagesPerStream: r.int('bench-images'),
    labelBytes: r.int('label-bytes'),
    benchPods: r.int('bench-pods'),
  });
}

/**
 * Parses argv (without node and the script) and the environment into a frozen config. Flags win
 * over IMAGE_GATEWAY_<OPTION> variables, which win over the table's defaults. Every error is a
 * ConfigError naming the flag or variable, what it takes and what it got.
 */
export function parseConfig(argv: readonly string[], env: Env): Config {
  const fromArgv = readArgv(argv);
  if (fromArgv.help) return { command: 'help' };
  if (fromArgv.version) return { command: 'version' };
  const r = reader(readEnv(fromArgv, env));
  return fromArgv.command === 'simulate' ? simulateConfig(r) : serveConfig(r);
}
