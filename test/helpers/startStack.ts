import {
  createClusterRegistry,
  type ClusterRegistry,
} from '../../src/clusters/createClusterRegistry.js';
import type { ContentCache } from '../../src/cache/createContentCache.js';
import type { FanOutOptions } from '../../src/clusters/fanOut.js';
import type { Limits } from '../../src/context.js';
import type { AuthMode } from '../../src/config/parseConfig.js';
import type { QueryLimits } from '../../src/limits/createQueryLimits.js';
import { createMetrics, type Metrics } from '../../src/metrics/createMetrics.js';
import { captureLogs } from './captureLogs.js';
import type { Tracing } from '../../src/tracing/createTracing.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/createGateway.js';
import {
  createSimulator,
  type Simulator,
  type TokenGrant,
} from '../../src/simulator/createSimulator.js';
import type { SeedOptions } from '../../src/simulator/createSeed.js';
import {
  DEFAULT_UPSTREAM_OPTIONS,
  type ClusterConnection,
  type UpstreamOptions,
} from '../../src/upstream/createImageApiClient.js';

export interface ClusterSpec {
  readonly name: string;
  /** An upstream of the test's own (e.g. a recording server) instead of a simulator. */
  readonly server?: string;
  /** The token the gateway sends; default `demo-token-<name>`. */
  readonly token?: string;
  /** Tokens the simulator accepts; default: the demo token reads everything. */
  readonly grants?: Record<string, TokenGrant>;
  readonly latencyMs?: number;
  readonly tls?: { key: string; cert: string };
  /** The CA the gateway trusts for this cluster (PEM). */
  readonly caPem?: string;
  readonly seedOptions?: SeedOptions;
  /** Serve OpenShift's project API (default true); false: a plain Kubernetes API server. */
  readonly projects?: boolean;
}

export interface StackOptions {
  readonly clusters?: readonly ClusterSpec[];
  readonly upstream?: Partial<UpstreamOptions>;
  readonly deadlineMs?: number;
  readonly maxUpstreamRequests?: number;
  readonly auth?: AuthMode;
  readonly limits?: Limits;
  readonly logLevel?: string;
  readonly fanOut?: FanOutOptions;
  readonly queryLimits?: QueryLimits;
  readonly maxBodyBytes?: number;
  /** Listener timeouts and caps (defaults: the flags' defaults). */
  readonly http?: GatewayOptions['http'];
  readonly corsOrigins?: readonly string[];
  /** --federation. */
  readonly federation?: boolean;
  /** --trusted-documents (and --allow-untrusted-documents). */
  readonly trustedDocuments?: GatewayOptions['trustedDocuments'];
  /** A content cache shared by every request of this gateway (closed with it). */
  readonly cache?: ContentCache;
  readonly cacheMutableTtlMs?: number;
  readonly authzCacheTtlMs?: number;
  readonly tracing?: Tracing;
  /** Location indexes fed by watches (off by default here, as the CLI's 0). */
  readonly locationIndex?: GatewayOptions['locationIndex'];
  /** --max-subscriptions (default the flag's). */
  readonly maxSubscriptions?: number;
  /** How often a quiet SSE stream sends a comment (default 15 s). */
  readonly sseHeartbeatMs?: number;
}

export interface GraphQLResult {
  readonly status: number;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: {
      message: string;
      path?: (string | number)[];
      extensions?: Record<string, unknown>;
    }[];
  };
  readonly text: string;
}

export interface Stack {
  readonly url: string;
  readonly sims: Record<string, Simulator>;
  /** Every log line the gateway wrote. */
  readonly logs: string[];
  readonly registry: ClusterRegistry;
  readonly gateway: Gateway;
  /** The gateway's metrics (what /metrics serves). */
  readonly metrics: Metrics;
  /**
   * The sizes of the batches one loader ran (`imageStreamImage`, `imageStream`…), oldest first,
   * since the start or the last resetCounts(): what the gateway reports to
   * `metrics.loaderBatch`. One query's upstream calls issued together show as one batch.
   */
  loaderBatches(loader: string): number[];
  /** Resets every simulator's request counters and the recorded loader batches. */
  resetCounts(): void;
  gql(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult>;
  close(): Promise<void>;
}

/** Real simulators on loopback and a real gateway in front of them, as in production. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const specs = options.clusters ?? [{ name: 'east' }, { name: 'west' }];
  const sims: Record<string, Simulator> = {};
  const connections: ClusterConnection[] = [];
  for (const spec of specs) {
    if (spec.server !== undefined) {
      const token = spec.token ?? `demo-token-${spec.name}`;
      connections.push({
        name: spec.name,
        server: spec.server,
        insecureSkipTlsVerify: false,
        token: () => token,
      });
      continue;
    }
    const sim = await createSimulator({
      name: spec.name,
      latencyMs: spec.latencyMs ?? 0,
      tls: spec.tls,
      tokens: spec.grants,
      seedOptions: spec.seedOptions,
      projects: spec.projects,
    });
    sims[spec.name] = sim;
    const token = spec.token ?? `demo-token-${spec.name}`;
    connections.push({
      name: spec.name,
      server: sim.url,
      caPem: spec.caPem,
      insecureSkipTlsVerify: false,
      token: () => token,
    });
  }
  const { lines: logs, logger } = captureLogs(options.logLevel ?? 'debug');
  const batches: { loader: string; size: number }[] = [];
  const real = createMetrics({ defaultMetrics: false });
  // The real metrics, also recording each batch (the way dataloader's own tests record them).
  const metrics: Metrics = {
    ...real,
    loaderBatch(loader, size) {
      batches.push({ loader, size });
      real.loaderBatch(loader, size);
    },
  };
  const registry = createClusterRegistry(
    connections,
    { ...DEFAULT_UPSTREAM_OPTIONS, ...options.upstream },
    logger,
    metrics,
  );
  const gateway: Gateway = await createGateway({
    registry,
    logger,
    auth: options.auth,
    deadlineMs: options.deadlineMs,
    maxUpstreamRequests: options.maxUpstreamRequests,
    limits: options.limits,
    fanOut: options.fanOut,
    queryLimits: options.queryLimits,
    http: {
      ...options.http,
      ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    },
    corsOrigins: options.corsOrigins,
    trustedDocuments: options.trustedDocuments,
    federation: options.federation,
    cache: options.cache,
    cacheMutableTtlMs: options.cacheMutableTtlMs,
    authzCacheTtlMs: options.authzCacheTtlMs,
    metrics,
    tracing: options.tracing,
    locationIndex: options.locationIndex,
    maxSubscriptions: options.maxSubscriptions,
    sseHeartbeatMs: options.sseHeartbeatMs,
  });
  const url = await gateway.listen(0, '127.0.0.1');
  return {
    url,
    sims,
    logs,
    registry,
    gateway,
    metrics,
    loaderBatches: (loader) => batches.filter((b) => b.loader === loader).map((b) => b.size),
    resetCounts() {
      for (const sim of Object.values(sims)) sim.resetCounts();
      batches.length = 0;
    },
    async gql(query, variables, headers = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      return { status: res.status, body: JSON.parse(text) as GraphQLResult['body'], text };
    },
    async close() {
      await gateway.close();
      await Promise.all(Object.values(sims).map((s) => s.close()));
    },
  };
}

/** The digests of the `latest` history of a generated stream, newest first. */
export function historyOf(
  sim: Simulator,
  namespace: string,
  stream: string,
  tag = 'latest',
): string[] {
  const s = sim.data.streams.get(namespace)?.get(stream);
  return (s?.status?.tags?.find((t) => t.tag === tag)?.items ?? []).map((i) => i.image);
}
