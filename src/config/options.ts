/**
 * Every command-line option of `image-gateway`, in one table: argv parsing, the
 * IMAGE_GATEWAY_<OPTION> environment variables, `--help` and the README's flag table are all
 * derived from it (test/e2e/readme.test.ts keeps the README's table equal to it). A default lives
 * here and nowhere else; code that needs one reads it with `defaultOf`.
 *
 * This module imports nothing: `--help`, `--version` and flag errors are answered before any
 * heavy module is loaded.
 */

export type Command = 'serve' | 'simulate';

export type OptionKind =
  /** A flag without a value. */
  | 'boolean'
  /** An integer between min and max. */
  | 'integer'
  | 'string'
  /** One of `values`. */
  | 'enum'
  /** A value that may be given several times (and comma-separated in the environment). */
  | 'list';

export type OptionGroup =
  'Clusters' | 'Server' | 'Query limits' | 'Upstream' | 'Cache' | 'Observability' | 'Simulator';

export interface OptionSpec {
  /** The long flag without `--`. */
  readonly name: string;
  readonly kind: OptionKind;
  readonly group: OptionGroup;
  /** The commands that take it. */
  readonly commands: readonly Command[];
  /** What the value is, in --help (`N`, `PATH`, `URL`…). */
  readonly value?: string;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** The default, as shown and as used; absent means "unset". */
  readonly default?: number | string;
  /** Shown instead of the raw default when that reads better (e.g. "64 MiB"). */
  readonly shownDefault?: string;
  /** One line for --help and the README. */
  readonly help: string;
  /** An environment variable read besides IMAGE_GATEWAY_<NAME> (lower precedence). */
  readonly legacyEnv?: string;
}

const MiB = 1024 * 1024;
const SERVE: readonly Command[] = ['serve'];
const SIMULATE: readonly Command[] = ['simulate'];
const BOTH: readonly Command[] = ['serve', 'simulate'];

export const OPTIONS: readonly OptionSpec[] = [
  // Clusters
  {
    name: 'demo',
    kind: 'boolean',
    group: 'Clusters',
    commands: SERVE,
    help: 'serve two simulated clusters, "east" and "west", started in-process',
  },
  {
    name: 'kubeconfig',
    kind: 'string',
    group: 'Clusters',
    commands: SERVE,
    value: 'PATH',
    help: 'read clusters from this kubeconfig (default: the $KUBECONFIG list merged as kubectl merges it, else ~/.kube/config)',
  },
  {
    name: 'context',
    kind: 'list',
    group: 'Clusters',
    commands: SERVE,
    value: 'NAME',
    help: 'select a kubeconfig context; repeatable (default: the current context)',
  },
  {
    name: 'all-contexts',
    kind: 'boolean',
    group: 'Clusters',
    commands: SERVE,
    help: 'select every context of the (merged) kubeconfig',
  },
  {
    name: 'in-cluster',
    kind: 'boolean',
    group: 'Clusters',
    commands: SERVE,
    help: 'use the pod\'s service account against its own cluster (named "local")',
  },
  {
    name: 'auth',
    kind: 'enum',
    group: 'Clusters',
    commands: SERVE,
    value: 'MODE',
    values: ['serviceaccount', 'passthrough'],
    default: 'serviceaccount',
    help: "whose credentials go upstream: the gateway's own, or the caller's bearer token (passthrough)",
  },
  // Server
  {
    name: 'port',
    kind: 'integer',
    group: 'Server',
    commands: BOTH,
    value: 'N',
    min: 0,
    max: 65535,
    default: 4000,
    shownDefault: '4000 (simulate: 0)',
    help: 'port to listen on; 0 picks a free port',
    legacyEnv: 'PORT',
  },
  {
    name: 'host',
    kind: 'string',
    group: 'Server',
    commands: BOTH,
    value: 'ADDR',
    default: '127.0.0.1',
    help: 'address to listen on (0.0.0.0 in the container image)',
  },
  {
    name: 'metrics-port',
    kind: 'integer',
    group: 'Server',
    commands: SERVE,
    value: 'N',
    min: 0,
    max: 65535,
    help: 'serve /metrics and /readyz on this port instead of the GraphQL port (/healthz on both)',
  },
  {
    name: 'metrics-host',
    kind: 'string',
    group: 'Server',
    commands: SERVE,
    value: 'ADDR',
    shownDefault: 'the --host address',
    help: 'address of the --metrics-port listener (e.g. 0.0.0.0 while --host is 127.0.0.1 behind a proxy)',
  },
  {
    name: 'cors-origin',
    kind: 'list',
    group: 'Server',
    commands: SERVE,
    value: 'ORIGIN',
    help: 'allow this browser origin (e.g. https://console.example.com); repeatable; none by default',
  },
  {
    name: 'max-body-bytes',
    kind: 'integer',
    group: 'Server',
    commands: SERVE,
    value: 'N',
    min: 1024,
    max: 64 * MiB,
    default: MiB,
    shownDefault: '1 MiB',
    help: 'largest request body',
  },
  {
    name: 'max-response-bytes',
    kind: 'integer',
    group: 'Server',
    commands: SERVE,
    value: 'N',
    min: 64 * 1024,
    max: 1024 * MiB,
    default: 32 * MiB,
    shownDefault: '32 MiB',
    help: 'largest response; a larger one is replaced by an error',
  },
  {
    name: 'http-cache-max-age-s',
    kind: 'integer',
    group: 'Server',
    commands: SERVE,
    value: 'N',
    min: 0,
    max: 3600,
    default: 60,
    help: 'Cache-Control: private, max-age=N and an ETag on GET answers holding only immutable image content (README "HTTP caching"); 0: off',
  },
  {
    name: 'header-timeout-ms',
    kind: 'integer',
    group: 'Server',
    commands: SERVE,
    value: 'N',
    min: 100,
    max: 600_000,
    default: 10_000,
    help: 'time a client has to send the request headers',
  },
  {
    name: 'body-timeout-ms',
    kind: 'integer',
    group: 'Server',
    commands: SERVE,
    value: 'N',
    min: 100,
    max: 600_000,
    default: 30_000,
    help: 'time a client has to send the whole request, body included',
  },
  {
    name: 'idle-timeout-ms',
    kind: 'integer',
    group: 'Server',
    commands: SERVE,
    value: 'N',
    min: 100,
    max: 600_000,
    default: 5_000,
    help: 'how long an idle keep-alive connection is kept',
  },
  {
    name: 'send-timeout-ms',
    kind: 'integer',
    group: 'Server',
    commands: SERVE,
    value: 'N',
    min: 100,
    max: 600_000,
    default: 30_000,
    help: 'time a client has to read a whole response; a client that stops reading is cut off',
  },
  {
    name: 'max-connections',
    kind: 'integer',
    group: 'Server',
    commands: SERVE,
    value: 'N',
    min: 1,
    max: 100_000,
    default: 4_096,
    help: 'open client connections at most; past it, the stalest idle or slow one is closed',
  },
  {
    name: 'max-subscriptions',
    kind: 'integer',
    group: 'Server',
    commands: SERVE,
    value: 'N',
    min: 0,
    max: 99_999,
    default: 2_000,
    help: 'subscriptions (SSE and WebSocket together) running at once, below --max-connections; 0 turns subscriptions off',
  },
  {
    name: 'shutdown-grace-ms',
    kind: 'integer',
    group: 'Server',
    commands: SERVE,
    value: 'N',
    min: 0,
    max: 600_000,
    default: 10_000,
    help: 'on SIGTERM, time in-flight requests get to finish; then their upstream calls are cut and they answer with what they have',
  },
  // Query limits
  {
    name: 'deadline-ms',
    kind: 'integer',
    group: 'Query limits',
    commands: SERVE,
    value: 'N',
    min: 100,
    max: 600_000,
    default: 30_000,
    help: 'time budget of one GraphQL request',
  },
  {
    name: 'max-upstream-requests',
    kind: 'integer',
    group: 'Query limits',
    commands: SERVE,
    value: 'N',
    min: 1,
    max: 1_000_000,
    default: 1_000,
    help: 'upstream requests one operation may cause; items past it get an error at their path',
  },
  {
    name: 'max-refs',
    kind: 'integer',
    group: 'Query limits',
    commands: SERVE,
    value: 'N',
    min: 1,
    max: 10_000,
    default: 500,
    help: 'refs of one imageStreamImages call',
  },
  {
    name: 'max-depth',
    kind: 'integer',
    group: 'Query limits',
    commands: SERVE,
    value: 'N',
    min: 1,
    max: 100,
    default: 12,
    help: 'deepest selection, fragments included',
  },
  {
    name: 'max-aliases',
    kind: 'integer',
    group: 'Query limits',
    commands: SERVE,
    value: 'N',
    min: 0,
    max: 10_000,
    default: 30,
    help: 'aliases per operation',
  },
  {
    name: 'max-tokens',
    kind: 'integer',
    group: 'Query limits',
    commands: SERVE,
    value: 'N',
    min: 10,
    max: 1_000_000,
    default: 3_000,
    help: 'lexical tokens per document',
  },
  {
    name: 'max-directives',
    kind: 'integer',
    group: 'Query limits',
    commands: SERVE,
    value: 'N',
    min: 0,
    max: 10_000,
    default: 20,
    help: 'directives per operation',
  },
  {
    name: 'max-cost',
    kind: 'integer',
    group: 'Query limits',
    commands: SERVE,
    value: 'N',
    min: 1,
    max: 10_000_000,
    default: 5_000,
    help: 'upstream calls an operation is known to need before it runs',
  },
  {
    name: 'max-nodes',
    kind: 'integer',
    group: 'Query limits',
    commands: SERVE,
    value: 'N',
    min: 1,
    max: 10_000_000,
    default: 50_000,
    help: 'values an answer is known to hold before it runs (fields x the list sizes the arguments give)',
  },
  {
    name: 'no-introspection',
    kind: 'boolean',
    group: 'Query limits',
    commands: SERVE,
    help: 'refuse __schema/__type and hide "Did you mean" suggestions',
  },
  // Upstream
  {
    name: 'attempt-timeout-ms',
    kind: 'integer',
    group: 'Upstream',
    commands: SERVE,
    value: 'N',
    min: 50,
    max: 600_000,
    default: 10_000,
    help: 'timeout of one upstream attempt',
  },
  {
    name: 'cluster-deadline-ms',
    kind: 'integer',
    group: 'Upstream',
    commands: SERVE,
    value: 'N',
    min: 50,
    max: 600_000,
    default: 10_000,
    help: 'time budget of each cluster in a fan-out such as imageLocations',
  },
  {
    name: 'upstream-concurrency',
    kind: 'integer',
    group: 'Upstream',
    commands: SERVE,
    value: 'N',
    min: 2,
    max: 4_096,
    default: 128,
    help: 'calls in flight to one cluster; one operation gets at most half',
  },
  // Cache
  {
    name: 'cache-max-bytes',
    kind: 'integer',
    group: 'Cache',
    commands: SERVE,
    value: 'N',
    min: 0,
    max: 16 * 1024 * MiB,
    default: 64 * MiB,
    shownDefault: '64 MiB',
    help: 'in-process image content cache; 0 turns the cache off',
  },
  {
    name: 'cache-mutable-ttl-ms',
    kind: 'integer',
    group: 'Cache',
    commands: SERVE,
    value: 'N',
    min: 0,
    max: 86_400_000,
    default: 60_000,
    help: 'cached signatures and annotations older than this are read again',
  },
  {
    name: 'index-proof-max-silence-ms',
    kind: 'integer',
    group: 'Cache',
    commands: SERVE,
    value: 'N',
    min: 0,
    max: 3_600_000,
    default: 90_000,
    help: "with the gateway's own credentials, a cached image is proven by the synced location index while it has heard from the API server (an event or bookmark) within this; else its stream is read (0: always read)",
  },
  {
    name: 'authz-cache-ttl-ms',
    kind: 'integer',
    group: 'Cache',
    commands: SERVE,
    value: 'N',
    min: 0,
    max: 600_000,
    default: 10_000,
    help: 'how long an access review answer is reused for one identity',
  },
  {
    name: 'location-index-max-entries',
    kind: 'integer',
    group: 'Cache',
    commands: SERVE,
    value: 'N',
    min: 0,
    max: 100_000_000,
    default: 1_000_000,
    help: 'tag history entries the watch-fed location index holds per cluster (0: no index; imageLocations lists on each query)',
  },
  {
    name: 'redis-url',
    kind: 'string',
    group: 'Cache',
    commands: SERVE,
    value: 'URL',
    help: 'share the content cache between replicas (redis:// or rediss://)',
  },
  {
    name: 'redis-key-prefix',
    kind: 'string',
    group: 'Cache',
    commands: SERVE,
    value: 'P',
    default: 'oig:',
    help: "prefix of the gateway's Redis keys",
  },
  {
    name: 'redis-command-timeout-ms',
    kind: 'integer',
    group: 'Cache',
    commands: SERVE,
    value: 'N',
    min: 10,
    max: 10_000,
    default: 200,
    help: 'a Redis command not answered within this is a miss; three in a row pause Redis for 5 s',
  },
  {
    name: 'redis-signing-key-file',
    kind: 'string',
    group: 'Cache',
    commands: SERVE,
    value: 'PATH',
    help: 'sign and verify Redis entries (HMAC-SHA256, a key of at least 32 bytes); unsigned or forged entries are misses',
  },
  // Observability
  {
    name: 'log-level',
    kind: 'enum',
    group: 'Observability',
    commands: BOTH,
    value: 'LEVEL',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
    help: 'least severe log level written',
  },
  {
    name: 'otlp-endpoint',
    kind: 'string',
    group: 'Observability',
    commands: SERVE,
    value: 'URL',
    help: 'send OpenTelemetry traces (OTLP/HTTP, e.g. http://collector:4318/v1/traces)',
  },
  // Simulator
  {
    name: 'latency-ms',
    kind: 'integer',
    group: 'Simulator',
    commands: BOTH,
    value: 'N',
    min: 0,
    max: 600_000,
    default: 0,
    help: 'simulated API latency (with --demo, or simulate)',
  },
  {
    name: 'name',
    kind: 'string',
    group: 'Simulator',
    commands: SIMULATE,
    value: 'NAME',
    default: 'sim',
    help: 'the simulated cluster\'s name (its token is "demo-token-<name>")',
  },
  {
    name: 'tls',
    kind: 'boolean',
    group: 'Simulator',
    commands: SIMULATE,
    help: 'serve HTTPS with a fresh self-signed certificate (printed at start)',
  },
  {
    name: 'bench-streams',
    kind: 'integer',
    group: 'Simulator',
    commands: SIMULATE,
    value: 'N',
    min: 0,
    max: 10_000,
    default: 10,
    help: 'generated streams in namespace "bench"',
  },
  {
    name: 'bench-images',
    kind: 'integer',
    group: 'Simulator',
    commands: SIMULATE,
    value: 'N',
    min: 1,
    max: 1_000,
    default: 12,
    help: 'images in the history of each generated stream',
  },
  {
    name: 'label-bytes',
    kind: 'integer',
    group: 'Simulator',
    commands: SIMULATE,
    value: 'N',
    min: 0,
    max: 10 * MiB,
    default: 0,
    help: 'extra label bytes per generated image (large payloads)',
  },
  {
    name: 'trusted-documents',
    kind: 'string',
    group: 'Server',
    commands: SERVE,
    value: 'FILE',
    help: 'run only the documents of this persisted-documents manifest (sha256 → document, as the codegen client preset writes it), by hash; refuse any other',
  },
  {
    name: 'allow-untrusted-documents',
    kind: 'boolean',
    group: 'Server',
    commands: SERVE,
    help: 'development mode of --trusted-documents: run documents outside the manifest too (GraphiQL), logging each',
  },
  {
    name: 'federation',
    kind: 'boolean',
    group: 'Server',
    commands: SERVE,
    help: 'serve an Apollo Federation 2 subgraph schema: @key(fields: "id") on every Node type, _service and _entities',
  },
  {
    name: 'bench-pods',
    kind: 'integer',
    group: 'Simulator',
    commands: SIMULATE,
    value: 'N',
    min: 0,
    max: 100_000,
    default: 0,
    help: 'pods in namespace "bench", owned by 20 Deployments on the generated streams\' images',
  },
];

const BY_NAME: ReadonlyMap<string, OptionSpec> = new Map(OPTIONS.map((o) => [o.name, o]));

export function optionNamed(name: string): OptionSpec | undefined {
  return BY_NAME.get(name);
}

/** The default of an option that has one (a typo here is a bug, so it throws). */
export function defaultOf(name: string): number {
  const value = BY_NAME.get(name)?.default;
  if (typeof value !== 'number') throw new TypeError(`option --${name} has no numeric default`);
  return value;
}

/** `max-refs` → `IMAGE_GATEWAY_MAX_REFS`. */
export function envNameOf(name: string): string {
  return `IMAGE_GATEWAY_${name.toUpperCase().replace(/-/g, '_')}`;
}
