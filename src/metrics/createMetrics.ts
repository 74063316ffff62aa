import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IndexState } from '../clusters/createLocationIndex.js';
import type { BreakerState } from '../upstream/createCircuitBreaker.js';

/** What the index gauges read of each cluster's location index, at each scrape. */
export interface LocationIndexReading {
  readonly cluster: string;
  readonly state: IndexState;
  /** Epoch ms of its last completed list or applied event. */
  readonly freshAt: number | null;
}

const INDEX_STATES: readonly IndexState[] = [
  'idle',
  'syncing',
  'synced',
  'resyncing',
  'forbidden',
  'overflow',
  'stopped',
];

/**
 * The gateway's Prometheus metrics, in a registry of its own (no global state). Labels carry
 * cluster names, resources, statuses and operation names only — never a token, a namespace or
 * an image name, so cardinality stays bounded.
 */
export interface Metrics {
  readonly registry: Registry;
  httpRequest(route: string, method: string, status: number, seconds: number): void;
  operation(name: string | undefined, outcome: 'ok' | 'error', seconds: number): void;
  upstreamRequest(cluster: string, resource: string, status: string, seconds: number): void;
  upstreamRetry(cluster: string, resource: string): void;
  breakerState(cluster: string, state: BreakerState): void;
  cacheLookup(result: 'hit' | 'miss' | 'invalid', tier: 'memory' | 'redis'): void;
  cacheError(): void;
  loaderBatch(loader: string, size: number): void;
  /** The location index of a cluster: streams and tag history entries held (its memory). */
  locationIndexSize(cluster: string, streams: number, entries: number): void;
  /** Where the state and age gauges of the location indexes read from (at each scrape). */
  locationIndexes(read: () => readonly LocationIndexReading[]): void;
  /** A subscription started (+1) or ended (-1) over a transport. */
  subscription(transport: 'sse' | 'ws', delta: 1 | -1): void;
  /** An event sent to a subscriber, or withheld (its access review could not be made). */
  subscriptionEvent(transport: 'sse' | 'ws' | 'any', outcome: 'sent' | 'withheld'): void;
}

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_OPERATION_NAMES = 200;

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: 'image_gateway_' });
  const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  const http = new Counter({
    name: 'image_gateway_http_requests_total',
    help: 'HTTP requests by route, method and status.',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const httpTime = new Histogram({
    name: 'image_gateway_http_request_duration_seconds',
    help: 'HTTP request latency by route.',
    labelNames: ['route'],
    buckets: seconds,
    registers: [registry],
  });
  const ops = new Counter({
    name: 'image_gateway_graphql_operations_total',
    help: 'GraphQL operations by operation name and outcome (error: the response carries errors).',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const opTime = new Histogram({
    name: 'image_gateway_graphql_operation_duration_seconds',
    help: 'GraphQL operation latency by operation name.',
    labelNames: ['operation'],
    buckets: seconds,
    registers: [registry],
  });
  const upstream = new Counter({
    name: 'image_gateway_upstream_requests_total',
    help: 'Calls to API servers by cluster, resource and HTTP status (or error code).',
    labelNames: ['cluster', 'resource', 'status'],
    registers: [registry],
  });
  const upstreamTime = new Histogram({
    name: 'image_gateway_upstream_request_duration_seconds',
    help: 'Latency of calls to API servers, retries included.',
    labelNames: ['cluster', 'resource'],
    buckets: seconds,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'image_gateway_upstream_retries_total',
    help: 'Retried upstream attempts by cluster and resource.',
    labelNames: ['cluster', 'resource'],
    registers: [registry],
  });
  const breaker = new Gauge({
    name: 'image_gateway_circuit_breaker_state',
    help: 'Circuit breaker per cluster: 0 closed, 1 half-open, 2 open.',
    labelNames: ['cluster'],
    registers: [registry],
  });
  const cache = new Counter({
    name: 'image_gateway_cache_lookups_total',
    help: 'Content cache lookups by result (hit, miss, invalid: an entry refused as malformed, forged or stale) and tier.',
    labelNames: ['result', 'tier'],
    registers: [registry],
  });
  const cacheErrors = new Counter({
    name: 'image_gateway_cache_redis_errors_total',
    help: 'Failed reads and writes of the shared cache (Redis).',
    registers: [registry],
  });
  const batches = new Histogram({
    name: 'image_gateway_loader_batch_size',
    help: 'Keys per DataLoader batch.',
    labelNames: ['loader'],
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  });
  const indexStreams = new Gauge({
    name: 'image_gateway_location_index_streams',
    help: 'Image streams held by the location index, per cluster.',
    labelNames: ['cluster'],
    registers: [registry],
  });
  const indexEntries = new Gauge({
    name: 'image_gateway_location_index_entries',
    help: 'Tag history entries held by the location index, per cluster (bounded by --location-index-max-entries).',
    labelNames: ['cluster'],
    registers: [registry],
  });
  const subscriptions = new Gauge({
    name: 'image_gateway_subscriptions',
    help: 'Subscriptions running now, per transport (sse, ws).',
    labelNames: ['transport'],
    registers: [registry],
  });
  const subscriptionEvents = new Counter({
    name: 'image_gateway_subscription_events_total',
    help: 'Image stream events sent to subscribers, and events withheld because the access review could not be made.',
    labelNames: ['transport', 'outcome'],
    registers: [registry],
  });
  let readIndexes: () => readonly LocationIndexReading[] = () => [];
  new Gauge({
    name: 'image_gateway_location_index_state',
    help: "1 for the state each cluster's location index is in, 0 for the others (it answers only while synced).",
    labelNames: ['cluster', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const index of readIndexes())
        for (const state of INDEX_STATES)
          this.set({ cluster: index.cluster, state }, state === index.state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'image_gateway_location_index_age_seconds',
    help: "Seconds since each cluster's location index last completed a list or applied an event.",
    labelNames: ['cluster'],
    registers: [registry],
    collect() {
      this.reset();
      for (const index of readIndexes())
        if (index.freshAt !== null)
          this.set({ cluster: index.cluster }, Math.max(0, (Date.now() - index.freshAt) / 1000));
    },
  });
  const names = new Set<string>();
  const operationLabel = (name: string | undefined): string => {
    if (!name || !OPERATION_NAME.test(name)) return 'anonymous';
    if (names.has(name)) return name;
    if (names.size >= MAX_OPERATION_NAMES) return 'other';
    names.add(name);
    return name;
  };
  return {
    registry,
    httpRequest(route, method, status, s) {
      http.inc({ route, method, status: String(status) });
      httpTime.observe({ route }, s);
    },
    operation(name, outcome, s) {
      const operation = operationLabel(name);
      ops.inc({ operation, outcome });
      opTime.observe({ operation }, s);
    },
    upstreamRequest(cluster, resource, status, s) {
      upstream.inc({ cluster, resource, status });
      upstreamTime.observe({ cluster, resource }, s);
    },
    upstreamRetry(cluster, resource) {
      retries.inc({ cluster, resource });
    },
    breakerState(cluster, state) {
      breaker.set({ cluster }, BREAKER_VALUE[state]);
    },
    cacheLookup(result, tier) {
      cache.inc({ result, tier });
    },
    cacheError() {
      cacheErrors.inc();
    },
    loaderBatch(loader, size) {
      batches.observe({ loader }, size);
    },
    locationIndexSize(cluster, streams, entries) {
      indexStreams.set({ cluster }, streams);
      indexEntries.set({ cluster }, entries);
    },
    locationIndexes(read) {
      readIndexes = read;
    },
    subscription(transport, delta) {
      subscriptions.inc({ transport }, delta);
    },
    subscriptionEvent(transport, outcome) {
      subscriptionEvents.inc({ transport, outcome });
    },
  };
}
