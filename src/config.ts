import { parseArgs } from 'node:util';
import { ConfigError } from './clusters/ConfigError.js';
import type { AuthMode } from './context.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './limits/createQueryLimits.js';

export interface ServeConfig {
  readonly command: 'serve';
  readonly source:
    | { readonly kind: 'demo' }
    | { readonly kind: 'kubeconfig'; readonly path: string; readonly contexts: readonly string[] }
    | { readonly kind: 'in-cluster' };
  readonly port: number;
  readonly host: string;
  readonly auth: AuthMode;
  readonly deadlineMs: number;
  readonly attemptTimeoutMs: number;
  readonly maxRefs: number;
  readonly queryLimits: QueryLimits;
  readonly maxBodyBytes: number;
  readonly clusterDeadlineMs: number;
  /** In-process content cache size, bytes; 0 turns the cache off. */
  readonly cacheMaxBytes: number;
  readonly cacheMutableTtlMs: number;
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  /** OTLP/HTTP traces endpoint; tracing is off without it. */
  readonly otlpEndpoint: string | undefined;
  readonly demoLatencyMs: number;
  readonly logLevel: string;
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
}

export type Config = ServeConfig | SimulateConfig;

export const USAGE = `Usage:
  image-gateway [serve] [options]
    --demo                 serve two simulated clusters, "east" and "west", started in-process
    --kubeconfig PATH      read clusters from a kubeconfig (default: $KUBECONFIG)
    --context NAME         select a context; repeatable; default: every context
    --in-cluster           use the pod's service account against its own cluster ("local")
    --port N               default 4000 (env PORT); 0 picks a free port
    --host ADDR            default 127.0.0.1
    --auth MODE            serviceaccount (default) | passthrough
    --deadline-ms N        time budget of one GraphQL request (default 30000)
    --attempt-timeout-ms N timeout of one upstream attempt (default 10000)
    --max-refs N           most refs of one imageStreamImages call (default 500)
    --max-depth N          deepest selection, fragments included (default 12)
    --max-aliases N        aliases per operation (default 30)
    --max-tokens N         tokens per document (default 3000)
    --max-directives N     directives per operation (default 20)
    --max-cost N           estimated upstream calls per operation (default 5000)
    --max-body-bytes N     largest request body (default 1048576)
    --no-introspection     refuse __schema/__type and hide field suggestions
    --cluster-deadline-ms N  time budget of each cluster in a fan-out (default 10000)
    --cache-max-bytes N    in-process image content cache (default 67108864; 0 = off)
    --cache-mutable-ttl-ms N  re-read cached signatures/annotations older than this (default 60000)
    --redis-url URL        share the content cache between replicas (e.g. redis://127.0.0.1:6379)
    --redis-key-prefix P   prefix of the gateway's Redis keys (default "oig:")
    --otlp-endpoint URL    send OpenTelemetry traces (OTLP/HTTP, e.g. http://collector:4318/v1/traces)
    --latency-ms N         with --demo: simulated API latency (default 0)
    --log-level LEVEL      fatal|error|warn|info|debug|silent (default info)
  image-gateway simulate [--port N] [--host ADDR] [--name NAME] [--latency-ms L] [--tls]
                         [--bench-streams N] [--bench-images N] [--label-bytes N]
    run one simulated OpenShift image API on its own; GET /_simulator/stats and
    POST /_simulator/reset report and reset its request counters
`;

function integer(
  value: string | undefined,
  flag: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

function httpUrl(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^https?:\/\/[^\s]+$/.test(value))
    throw new ConfigError(`${flag} must be an http:// or https:// URL, got "${value}"`);
  return value;
}

function redisUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `--redis-url must be a URL such as redis://127.0.0.1:6379, got "${value}"`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(
      `--redis-url must start with redis:// or rediss://, got "${url.protocol}//…"`,
    );
  }
  return value;
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Parses argv (without node and the script) and the environment into a frozen config. */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const [first, ...rest] = argv;
  const command = first === 'simulate' || first === 'serve' ? first : 'serve';
  const args = first === 'simulate' || first === 'serve' ? rest : [...argv];
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        demo: { type: 'boolean' },
        kubeconfig: { type: 'string' },
        context: { type: 'string', multiple: true },
        'in-cluster': { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        auth: { type: 'string' },
        'deadline-ms': { type: 'string' },
        'attempt-timeout-ms': { type: 'string' },
        'max-refs': { type: 'string' },
        'max-depth': { type: 'string' },
        'max-aliases': { type: 'string' },
        'max-tokens': { type: 'string' },
        'max-directives': { type: 'string' },
        'max-cost': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'no-introspection': { type: 'boolean' },
        'cluster-deadline-ms': { type: 'string' },
        'cache-max-bytes': { type: 'string' },
        'cache-mutable-ttl-ms': { type: 'string' },
        'redis-url': { type: 'string' },
        'redis-key-prefix': { type: 'string' },
        'otlp-endpoint': { type: 'string' },
        'latency-ms': { type: 'string' },
        'log-level': { type: 'string' },
        name: { type: 'string' },
        tls: { type: 'boolean' },
        'bench-streams': { type: 'string' },
        'bench-images': { type: 'string' },
        'label-bytes': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) throw new ConfigError('help');
  const logLevel = v['log-level'] ?? 'info';
  if (!LOG_LEVELS.has(logLevel))
    throw new ConfigError(
      `--log-level must be one of ${[...LOG_LEVELS].join(', ')}, got "${logLevel}"`,
    );
  const port = integer(
    v.port ?? env['PORT'],
    v.port === undefined && env['PORT'] !== undefined ? 'PORT' : '--port',
    command === 'simulate' ? 0 : 4000,
    0,
    65535,
  );
  const host = v.host ?? '127.0.0.1';

  if (command === 'simulate') {
    for (const flag of [
      'demo',
      'kubeconfig',
      'context',
      'in-cluster',
      'auth',
      'redis-url',
    ] as const) {
      if (v[flag] !== undefined) throw new ConfigError(`--${flag} does not apply to "simulate"`);
    }
    const name = v.name ?? 'sim';
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))
      throw new ConfigError(`--name must be a DNS-1123 label, got "${name}"`);
    return Object.freeze({
      command,
      port,
      host,
      name,
      latencyMs: integer(v['latency-ms'], '--latency-ms', 0, 0, 600_000),
      tls: v.tls === true,
      logLevel,
      benchStreams: integer(v['bench-streams'], '--bench-streams', 10, 0, 10_000),
      benchImagesPerStream: integer(v['bench-images'], '--bench-images', 12, 1, 1_000),
      labelBytes: integer(v['label-bytes'], '--label-bytes', 0, 0, 10 * 1024 * 1024),
    });
  }

  for (const flag of ['bench-streams', 'bench-images', 'label-bytes'] as const) {
    if (v[flag] !== undefined) throw new ConfigError(`--${flag} belongs to "simulate"`);
  }
  if (v.name !== undefined || v.tls !== undefined)
    throw new ConfigError('--name and --tls belong to "simulate"');
  const sources = [
    v.demo ? '--demo' : '',
    v['in-cluster'] ? '--in-cluster' : '',
    v.kubeconfig !== undefined ? '--kubeconfig' : '',
  ].filter(Boolean);
  if (sources.length > 1) throw new ConfigError(`choose one of ${sources.join(', ')}`);
  let source: ServeConfig['source'];
  if (v.demo) source = { kind: 'demo' };
  else if (v['in-cluster']) source = { kind: 'in-cluster' };
  else {
    const path = v.kubeconfig ?? env['KUBECONFIG']?.split(':')[0];
    if (!path)
      throw new ConfigError(
        'no clusters: pass --demo, --kubeconfig PATH (or set KUBECONFIG), or --in-cluster',
      );
    source = { kind: 'kubeconfig', path, contexts: Object.freeze([...(v.context ?? [])]) };
  }
  if (v.context !== undefined && source.kind !== 'kubeconfig')
    throw new ConfigError('--context needs a kubeconfig');
  if (v['latency-ms'] !== undefined && source.kind !== 'demo')
    throw new ConfigError('--latency-ms applies to --demo only');
  const auth = v.auth ?? 'serviceaccount';
  if (auth !== 'serviceaccount' && auth !== 'passthrough')
    throw new ConfigError(`--auth must be "serviceaccount" or "passthrough", got "${auth}"`);
  return Object.freeze({
    command,
    source,
    port,
    host,
    auth,
    deadlineMs: integer(v['deadline-ms'], '--deadline-ms', 30_000, 100, 600_000),
    attemptTimeoutMs: integer(v['attempt-timeout-ms'], '--attempt-timeout-ms', 10_000, 50, 600_000),
    maxRefs: integer(v['max-refs'], '--max-refs', 500, 1, 10_000),
    maxBodyBytes: integer(
      v['max-body-bytes'],
      '--max-body-bytes',
      1024 * 1024,
      1024,
      64 * 1024 * 1024,
    ),
    queryLimits: Object.freeze({
      maxDepth: integer(v['max-depth'], '--max-depth', DEFAULT_QUERY_LIMITS.maxDepth, 1, 100),
      maxAliases: integer(
        v['max-aliases'],
        '--max-aliases',
        DEFAULT_QUERY_LIMITS.maxAliases,
        0,
        10_000,
      ),
      maxTokens: integer(
        v['max-tokens'],
        '--max-tokens',
        DEFAULT_QUERY_LIMITS.maxTokens,
        10,
        1_000_000,
      ),
      maxDirectives: integer(
        v['max-directives'],
        '--max-directives',
        DEFAULT_QUERY_LIMITS.maxDirectives,
        0,
        10_000,
      ),
      maxCost: integer(v['max-cost'], '--max-cost', DEFAULT_QUERY_LIMITS.maxCost, 1, 10_000_000),
      introspection: v['no-introspection'] !== true,
    }),
    cacheMaxBytes: integer(
      v['cache-max-bytes'],
      '--cache-max-bytes',
      64 * 1024 * 1024,
      0,
      16 * 1024 ** 3,
    ),
    cacheMutableTtlMs: integer(
      v['cache-mutable-ttl-ms'],
      '--cache-mutable-ttl-ms',
      60_000,
      0,
      86_400_000,
    ),
    redisUrl: redisUrl(v['redis-url']),
    redisKeyPrefix: v['redis-key-prefix'] ?? 'oig:',
    otlpEndpoint: httpUrl(v['otlp-endpoint'], '--otlp-endpoint'),
    clusterDeadlineMs: integer(
      v['cluster-deadline-ms'],
      '--cluster-deadline-ms',
      10_000,
      50,
      600_000,
    ),
    demoLatencyMs: integer(v['latency-ms'], '--latency-ms', 0, 0, 600_000),
    logLevel,
  });
}
