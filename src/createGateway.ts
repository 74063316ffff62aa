import type { AddressInfo } from 'node:net';
import { createAccessReviews } from './authz/createAccessReviews.js';
import type { ContentCache } from './cache/createContentCache.js';
import { createClusterProbe } from './clusters/createClusterProbe.js';
import type { ClusterRegistry } from './clusters/createClusterRegistry.js';
import { createLocationIndex, type LocationIndex } from './clusters/createLocationIndex.js';
import type { FanOutOptions } from './clusters/fanOut.js';
import { defaultOf } from './config/options.js';
import type { AuthMode } from './config/parseConfig.js';
import { createContext, type GatewayContext, type Limits, type LiveSupport } from './context.js';
import { createExecutableSchema } from './graphql/createExecutableSchema.js';
import type { CallerIdentity } from './http/callerIdentity.js';
import { createSseHandler } from './http/createSseHandler.js';
import { createWebSocketTransport } from './http/createWebSocketTransport.js';
import { createEventHub } from './subscriptions/createEventHub.js';
import { createStreamingOperations } from './subscriptions/createStreamingOperations.js';
import { followEvents } from './subscriptions/followEvents.js';
import { GatewayError } from './errors.js';
import { createApolloServer } from './graphql/createApolloServer.js';
import { loadGraphiQLAssets } from './graphiqlPage.js';
import { createGraphQLHandler } from './http/createGraphQLHandler.js';
import { createTrustedDocumentGate } from './http/createTrustedDocumentGate.js';
import { headerOf } from './upstream/headerNameOf.js';
import {
  createHttpServer,
  type ConnectionLimits,
  type HttpServer,
} from './http/createHttpServer.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './limits/createQueryLimits.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics/createMetrics.js';
import type { Tracing } from './tracing/createTracing.js';

export interface GatewayOptions {
  readonly registry: ClusterRegistry;
  readonly logger: Logger;
  readonly auth?: AuthMode | undefined;
  /** Time budget of one GraphQL request, ms. */
  readonly deadlineMs?: number | undefined;
  /** Upstream requests one operation may cause. */
  readonly maxUpstreamRequests?: number | undefined;
  readonly limits?: Partial<Limits> | undefined;
  /** Depth, aliases, tokens, directives, cost and introspection. */
  readonly queryLimits?: QueryLimits | undefined;
  /** Per-cluster deadline and concurrency of fan-outs (imageLocations). */
  readonly fanOut?: FanOutOptions | undefined;
  /** Image content shared across requests (closed with the gateway). */
  readonly cache?: ContentCache | undefined;
  /** Cached signatures and annotations older than this are read again, ms. */
  readonly cacheMutableTtlMs?: number | undefined;
  /**
   * A cached image read with the gateway's own credentials is proven by the synced location
   * index while it has heard from the API server within this, ms (0: the stream is always read).
   */
  readonly indexProofMaxSilenceMs?: number | undefined;
  /** How long an access review answer is reused for one identity, ms. */
  readonly authzCacheTtlMs?: number | undefined;
  /** Prometheus metrics (the registry and cache report into the same object). */
  readonly metrics?: Metrics | undefined;
  /** OpenTelemetry tracing (shut down with the gateway); off when absent. */
  readonly tracing?: Tracing | undefined;
  /** Timeouts and caps of the listeners; each defaults to its flag's default. */
  readonly http?:
    | (Partial<ConnectionLimits> & {
        readonly maxResponseBytes?: number;
        /** --http-cache-max-age-s (README "HTTP caching"); 0: off. */
        readonly httpCacheMaxAgeS?: number;
      })
    | undefined;
  /** Browser origins allowed to call (CORS). */
  readonly corsOrigins?: readonly string[] | undefined;
  /** /metrics is served by listenMetrics only (a port that no Route exposes). */
  readonly separateMetrics?: boolean | undefined;
  /** On close, how long in-flight requests get before their upstream calls are cut, ms. */
  readonly shutdownGraceMs?: number | undefined;
  /**
   * A location index per cluster, fed by list + watch of image streams with the gateway's own
   * credentials (createLocationIndex): started by the first listen(), stopped by close().
   * Absent: imageLocations lists image streams on every query.
   */
  readonly locationIndex?:
    | {
        /** Tag history entries one cluster's index holds at most. */
        readonly maxEntries: number;
        /** The server ends each watch after this long (the index resumes it); default 300. */
        readonly watchTimeoutSeconds?: number | undefined;
      }
    | undefined;
  /**
   * --trusted-documents: only these documents (sha256 hex → text) run; `allowUntrusted` is the
   * development mode that runs others too, logging each.
   */
  readonly trustedDocuments?:
    | { readonly documents: ReadonlyMap<string, string>; readonly allowUntrusted: boolean }
    | undefined;
  /** --federation: the Apollo Federation 2 subgraph schema (createSubgraphSchema). */
  readonly federation?: boolean | undefined;
  /**
   * Subscriptions running at once over SSE and WebSocket (--max-subscriptions; 0: off). They are
   * fed by the location indexes, so they need `locationIndex`.
   */
  readonly maxSubscriptions?: number | undefined;
  /** How often a quiet SSE stream sends a comment, ms (default 15 s; tests shorten it). */
  readonly sseHeartbeatMs?: number | undefined;
}

export interface Gateway {
  /** Listens for GraphQL and returns its URL with the real port. */
  listen(port: number, host: string): Promise<string>;
  /** Listens for /metrics, /healthz and /readyz on a second port; returns its base URL. */
  listenMetrics(port: number, host: string): Promise<string>;
  /** The public listener's connection guard (tests and metrics). */
  readonly connections: HttpServer['guard'];
  /** Subscriptions running now and the hub's subscribers (tests: nothing leaks). */
  readonly subscriptions: { readonly active: number; readonly subscribers: number };
  /**
   * Stops accepting and lets in-flight requests finish; past the grace period their upstream
   * calls are cut, so they answer at once with what they have. Then closes clients, cache and
   * tracing. Idempotent.
   */
  close(): Promise<void>;
}

function urlOf(app: HttpServer['app']): string {
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * The composition root: from a cluster registry and options, the Apollo server, the public
 * HTTP listener (and optionally a metrics listener). Nothing listens until listen() is called;
 * nothing touches the process (src/main.ts does).
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { registry, logger } = options;
  const auth = options.auth ?? 'serviceaccount';
  const deadlineMs = options.deadlineMs ?? defaultOf('deadline-ms');
  const limits: Limits = {
    maxRefs: options.limits?.maxRefs ?? defaultOf('max-refs'),
    maxPageSize: options.limits?.maxPageSize ?? 500,
  };
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: false });
  const queryLimits = options.queryLimits ?? DEFAULT_QUERY_LIMITS;
  const connectionLimits: ConnectionLimits = {
    maxBodyBytes: options.http?.maxBodyBytes ?? defaultOf('max-body-bytes'),
    headerTimeoutMs: options.http?.headerTimeoutMs ?? defaultOf('header-timeout-ms'),
    bodyTimeoutMs: options.http?.bodyTimeoutMs ?? defaultOf('body-timeout-ms'),
    idleTimeoutMs: options.http?.idleTimeoutMs ?? defaultOf('idle-timeout-ms'),
    maxConnections: options.http?.maxConnections ?? defaultOf('max-connections'),
    socketTimeoutMs: options.http?.socketTimeoutMs ?? deadlineMs + 30_000,
    sendTimeoutMs: options.http?.sendTimeoutMs ?? defaultOf('send-timeout-ms'),
  };
  const indexes = new Map<string, LocationIndex>(
    options.locationIndex
      ? registry.clients.map((client) => [
          client.cluster.name,
          createLocationIndex(client, {
            maxEntries: options.locationIndex?.maxEntries,
            watchTimeoutSeconds: options.locationIndex?.watchTimeoutSeconds,
            logger,
            onSize: (cluster, streams, entries) =>
              metrics.locationIndexSize(cluster, streams, entries),
          }),
        ])
      : [],
  );
  metrics.locationIndexes(() =>
    [...indexes.values()].map((index) => {
      const status = index.status();
      return { cluster: index.cluster, state: status.state, freshAt: status.freshAt };
    }),
  );
  // Also needed by the indexes: in passthrough mode they answer a caller only for namespaces it
  // may list, asked with its own credentials.
  const accessReviews =
    options.cache || indexes.size > 0
      ? createAccessReviews({ ttlMs: options.authzCacheTtlMs ?? defaultOf('authz-cache-ttl-ms') })
      : undefined;
  const probe = createClusterProbe(registry, { authenticated: auth === 'serviceaccount' });
  const readiness = async (): Promise<unknown> => {
    // Ready once configured; an unreachable cluster is reported, never fatal, and never waited
    // for (the last status known, refreshed in the background).
    const statuses = registry.clients.map((c) => ({
      name: c.cluster.name,
      status: probe.lastKnown(c.cluster.name),
    }));
    const cache = options.cache?.stats();
    return {
      status: 'ready',
      clusters: statuses.map(({ name, status }) => {
        const index = indexes.get(name)?.status();
        return {
          name,
          reachable: status?.reachable ?? null,
          lastErrorCode: status?.lastErrorCode ?? null,
          checkedAt: status?.checkedAt ?? null,
          // The index's state is reported, never a reason to be unready (imageLocations lists).
          ...(index
            ? {
                index: {
                  state: index.state,
                  streams: index.streams,
                  entries: index.entries,
                  resourceVersion: index.resourceVersion,
                  lastError: index.lastError,
                },
              }
            : {}),
        };
      }),
      // The shared tier is an optimisation: its state is reported, never a reason to be unready.
      ...(cache
        ? {
            cache: {
              entries: cache.entries,
              bytes: cache.bytes,
              ...(cache.redis
                ? { redis: { connected: cache.redis.connected, breaker: cache.redis.breaker } }
                : {}),
            },
          }
        : {}),
    };
  };
  const schema = createExecutableSchema();
  const apollo = await createApolloServer({
    logger,
    metrics,
    tracing: options.tracing,
    queryLimits,
    clusterCount: registry.clients.length,
    federation: options.federation === true,
    schema,
  });
  const gate = options.trustedDocuments
    ? createTrustedDocumentGate({ ...options.trustedDocuments, logger })
    : undefined;
  const handler = createGraphQLHandler({
    apollo,
    logger,
    maxTokens: queryLimits.maxTokens,
    maxResponseBytes: options.http?.maxResponseBytes ?? defaultOf('max-response-bytes'),
    httpCache: {
      maxAgeS: options.http?.httpCacheMaxAgeS ?? defaultOf('http-cache-max-age-s'),
      // Everything an answer depends on besides the URL: the media type Accept chose, and the
      // caller's credentials, the bearer token and each cluster's own header.
      vary: [
        'Accept',
        'Authorization',
        ...registry.clients.map((c) => `X-Cluster-Authorization-${headerOf(c.cluster)}`),
      ],
    },
    trustedDocuments: gate,
    createContext: (identity, clientSignal) => contextFor(identity, clientSignal),
  });
  /** The context of one request, one subscription's start, or one event it delivers. */
  const contextFor = (
    identity: CallerIdentity,
    clientSignal: AbortSignal,
    live?: LiveSupport,
  ): GatewayContext =>
    createContext({
      requestId: identity.requestId,
      logger,
      registry,
      auth,
      bearerToken: identity.bearerToken,
      clusterTokens: identity.clusterTokens,
      clientSignal,
      shutdownSignal: shutdown.signal,
      deadlineMs,
      maxUpstreamRequests: options.maxUpstreamRequests,
      limits,
      probe,
      fanOut: options.fanOut,
      cache: options.cache,
      accessReviews,
      cacheMutableTtlMs: options.cacheMutableTtlMs,
      indexProofMaxSilenceMs: options.indexProofMaxSilenceMs,
      loaderObserver: metrics,
      tracing: options.tracing,
      indexes,
      live,
    });
  const maxSubscriptions = options.maxSubscriptions ?? defaultOf('max-subscriptions');
  const hub = createEventHub(indexes, { logger });
  const streaming =
    maxSubscriptions > 0
      ? createStreamingOperations({
          schema,
          queryLimits,
          clusterCount: registry.clients.length,
          logger,
          trustedDocuments: gate,
          maxSubscriptions,
          maxResponseBytes: options.http?.maxResponseBytes ?? defaultOf('max-response-bytes'),
          setupContext: (identity, signal) =>
            contextFor(identity, signal, {
              indexes,
              follow: (filter) =>
                followEvents(
                  hub,
                  filter,
                  () => contextFor(identity, signal),
                  logger,
                  () => metrics.subscriptionEvent('any', 'withheld'),
                ),
            }),
          onStart: (transport) => metrics.subscription(transport, 1),
          onEnd: (transport) => metrics.subscription(transport, -1),
          onEvent: (transport) => metrics.subscriptionEvent(transport, 'sent'),
        })
      : undefined;
  const publicServer = await createHttpServer({
    logger,
    metrics,
    limits: connectionLimits,
    graphql: {
      handler,
      graphiql: loadGraphiQLAssets(),
      eventStream: streaming
        ? createSseHandler({
            operations: streaming,
            logger,
            sendTimeoutMs: connectionLimits.sendTimeoutMs,
            heartbeatMs: options.sseHeartbeatMs,
          })
        : undefined,
    },
    serveMetrics: options.separateMetrics !== true,
    readiness,
    corsOrigins: options.corsOrigins ?? [],
  });
  const webSocket = createWebSocketTransport({
    server: publicServer.app.server,
    guard: publicServer.guard,
    operations: streaming,
    logger,
    maxPayload: connectionLimits.maxBodyBytes,
    corsOrigins: options.corsOrigins ?? [],
  });
  let metricsServer: HttpServer | undefined;
  // Aborted when the grace period of a shutdown ends: every request's upstream calls stop.
  const shutdown = new AbortController();
  const graceMs = options.shutdownGraceMs ?? defaultOf('shutdown-grace-ms');
  let closing: Promise<void> | undefined;

  const close = async (): Promise<void> => {
    // In-flight requests finish (Fastify closes idle keep-alive sockets at once and answers
    // 503 to new requests on open ones); past the grace period their upstream calls are cut and
    // they answer with what they have; then nothing is left that could call upstream.
    const cut = setTimeout(() => {
      shutdown.abort(
        new GatewayError(
          'UPSTREAM_TIMEOUT',
          'the gateway is shutting down: this part of the request was cut short',
        ),
      );
    }, graceMs);
    // Subscriptions end first: each SSE stream sends what is queued and `complete`; each
    // WebSocket is closed with 1001 (Going away), which clients take as "reconnect elsewhere".
    hub.close();
    await webSocket.close();
    const stopped = Promise.all([publicServer.app.close(), metricsServer?.app.close()]);
    publicServer.guard.closeWaiting();
    metricsServer?.guard.closeWaiting();
    await stopped;
    clearTimeout(cut);
    await apollo.stop();
    await Promise.all([...indexes.values()].map((index) => index.stop()));
    registry.close();
    await options.cache?.close();
    await options.tracing?.shutdown();
  };

  return {
    connections: publicServer.guard,
    subscriptions: {
      get active() {
        return streaming?.active ?? 0;
      },
      get subscribers() {
        return hub.subscribers;
      },
    },
    async listen(port, host) {
      await publicServer.app.listen({ port, host });
      for (const index of indexes.values()) index.start();
      return `${urlOf(publicServer.app)}/graphql`;
    },
    async listenMetrics(port, host) {
      metricsServer = await createHttpServer({
        logger,
        metrics,
        limits: { ...connectionLimits, maxConnections: 64 },
        serveMetrics: true,
        readiness,
        corsOrigins: [],
      });
      await metricsServer.app.listen({ port, host });
      return urlOf(metricsServer.app);
    },
    close() {
      closing ??= close();
      return closing;
    },
  };
}
