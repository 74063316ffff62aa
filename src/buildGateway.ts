import type { ClusterConnection } from './upstream/createImageApiClient.js';
import { createContentCache, DEFAULT_CONTENT_CACHE } from './cache/createContentCache.js';
import { readSigningKey } from './cache/readSigningKey.js';
import { createClusterRegistry } from './clusters/createClusterRegistry.js';
import type { ServeConfig } from './config/parseConfig.js';
import { createGateway, type Gateway } from './createGateway.js';
import { readTrustedDocuments } from './http/readTrustedDocuments.js';
import { EXAMPLE_QUERY } from './exampleQuery.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics/createMetrics.js';
import { DEFAULT_UPSTREAM_OPTIONS } from './upstream/createImageApiClient.js';

/** What a started gateway offers main: the gateway and the demo's "try it" lines. */
export interface BuiltGateway {
  readonly gateway: Gateway;
  /** Human lines for the demo (stderr), given the GraphQL URL. */
  banner(url: string): string;
}

/** The gateway a ServeConfig describes, over the given clusters; nothing listens yet. */
export async function buildGateway(
  config: ServeConfig,
  connections: readonly ClusterConnection[],
  logger: Logger,
): Promise<BuiltGateway> {
  const metrics = createMetrics();
  const registry = createClusterRegistry(
    connections,
    {
      ...DEFAULT_UPSTREAM_OPTIONS,
      attemptTimeoutMs: config.attemptTimeoutMs,
      maxConcurrency: config.upstreamConcurrency,
    },
    logger,
    metrics,
  );
  // Read even when the cache is off: a bad key file is a configuration error either way.
  const signingKey = config.redisSigningKeyFile
    ? readSigningKey(config.redisSigningKeyFile)
    : undefined;
  const cache =
    config.cacheMaxBytes > 0
      ? createContentCache({
          maxBytes: config.cacheMaxBytes,
          ttlMs: DEFAULT_CONTENT_CACHE.ttlMs,
          redis: config.redisUrl
            ? {
                url: config.redisUrl,
                keyPrefix: config.redisKeyPrefix,
                signingKey,
                commandTimeoutMs: config.redisCommandTimeoutMs,
              }
            : undefined,
          logger,
          observer: metrics,
        })
      : undefined;
  const gateway = await createGateway({
    registry,
    logger,
    metrics,
    // Imported only when asked for: the OTLP exporter and its SDK are a third of a default
    // start-up's module loading, and most deployments do not trace.
    tracing: config.otlpEndpoint
      ? (await import('./tracing/createTracing.js')).createTracing({
          otlpEndpoint: config.otlpEndpoint,
        })
      : undefined,
    auth: config.auth,
    deadlineMs: config.deadlineMs,
    maxUpstreamRequests: config.maxUpstreamRequests,
    limits: { maxRefs: config.maxRefs },
    queryLimits: config.queryLimits,
    cache,
    cacheMutableTtlMs: config.cacheMutableTtlMs,
    indexProofMaxSilenceMs: config.indexProofMaxSilenceMs,
    authzCacheTtlMs: config.authzCacheTtlMs,
    locationIndex:
      config.locationIndexMaxEntries > 0
        ? { maxEntries: config.locationIndexMaxEntries }
        : undefined,
    fanOut: { clusterDeadlineMs: config.clusterDeadlineMs, concurrency: 16 },
    http: {
      maxBodyBytes: config.maxBodyBytes,
      maxResponseBytes: config.maxResponseBytes,
      httpCacheMaxAgeS: config.httpCacheMaxAgeS,
      headerTimeoutMs: config.headerTimeoutMs,
      bodyTimeoutMs: config.bodyTimeoutMs,
      idleTimeoutMs: config.idleTimeoutMs,
      sendTimeoutMs: config.sendTimeoutMs,
      maxConnections: config.maxConnections,
    },
    maxSubscriptions: config.maxSubscriptions,
    corsOrigins: config.corsOrigins,
    separateMetrics: config.metricsPort !== undefined,
    shutdownGraceMs: config.shutdownGraceMs,
    trustedDocuments: config.trustedDocumentsFile
      ? {
          documents: readTrustedDocuments(config.trustedDocumentsFile),
          allowUntrusted: config.allowUntrustedDocuments,
        }
      : undefined,
    federation: config.federation,
  });
  return {
    gateway,
    banner: (url) =>
      `\nTry it:\n  curl -s ${url} -H 'content-type: application/json' \\\n    --data '${JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') })}'\n\nor open ${url} in a browser.\n\n`,
  };
}
