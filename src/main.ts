#!/usr/bin/env node
import { createContentCache, DEFAULT_CONTENT_CACHE } from './cache/createContentCache.js';
import { ConfigError } from './clusters/ConfigError.js';
import { createClusterRegistry } from './clusters/createClusterRegistry.js';
import { loadInCluster } from './clusters/loadInCluster.js';
import { loadKubeconfig } from './clusters/loadKubeconfig.js';
import { parseConfig, USAGE, type ServeConfig, type SimulateConfig } from './config.js';
import { EXAMPLE_QUERY } from './exampleQuery.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics/createMetrics.js';
import { createTracing } from './tracing/createTracing.js';
import { createGateway } from './server.js';
import { createSimulator } from './simulator/createSimulator.js';
import { createTlsCertificate } from './simulator/createTlsCertificate.js';
import { startDemoClusters } from './simulator/startDemoClusters.js';
import { DEFAULT_UPSTREAM_OPTIONS } from './upstream/createImageApiClient.js';

/** The only module that touches the process: argv, env, stdout, listening and signals. */

function onSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

async function simulate(config: SimulateConfig, logger: Logger): Promise<void> {
  const tls = config.tls ? await createTlsCertificate() : undefined;
  const sim = await createSimulator({
    name: config.name,
    port: config.port,
    host: config.host,
    latencyMs: config.latencyMs,
    tls,
    seedOptions: {
      benchStreams: config.benchStreams,
      benchImagesPerStream: config.benchImagesPerStream,
      benchLabelBytes: config.labelBytes,
    },
  });
  process.stdout.write(
    `image-gateway simulate: cluster "${config.name}" serving the OpenShift image API on ${sim.url} (token: demo-token-${config.name})\n`,
  );
  if (tls) process.stdout.write(`${tls.cert}`);
  onSignals(logger, () => sim.close());
}

async function serve(config: ServeConfig, logger: Logger): Promise<void> {
  const demo =
    config.source.kind === 'demo' ? await startDemoClusters(config.demoLatencyMs) : undefined;
  const connections =
    config.source.kind === 'kubeconfig'
      ? loadKubeconfig(config.source.path, config.source.contexts)
      : config.source.kind === 'in-cluster'
        ? [loadInCluster({ env: process.env })]
        : (demo?.connections ?? []);
  const metrics = createMetrics();
  const registry = createClusterRegistry(
    connections,
    { ...DEFAULT_UPSTREAM_OPTIONS, attemptTimeoutMs: config.attemptTimeoutMs },
    logger,
    metrics,
  );
  const gateway = await createGateway({
    metrics,
    tracing: config.otlpEndpoint ? createTracing({ otlpEndpoint: config.otlpEndpoint }) : undefined,
    registry,
    logger,
    auth: config.auth,
    deadlineMs: config.deadlineMs,
    limits: { maxRefs: config.maxRefs, maxPageSize: 500 },
    queryLimits: config.queryLimits,
    cache:
      config.cacheMaxBytes > 0
        ? createContentCache({
            maxBytes: config.cacheMaxBytes,
            ttlMs: DEFAULT_CONTENT_CACHE.ttlMs,
            redis: config.redisUrl
              ? { url: config.redisUrl, keyPrefix: config.redisKeyPrefix }
              : undefined,
            logger,
          })
        : undefined,
    cacheMutableTtlMs: config.cacheMutableTtlMs,
    maxBodyBytes: config.maxBodyBytes,
    fanOut: { clusterDeadlineMs: config.clusterDeadlineMs, concurrency: 16 },
  });
  let url: string;
  try {
    url = await gateway.listen(config.port, config.host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    await gateway.close();
    await demo?.close();
    throw new ConfigError(
      code === 'EADDRINUSE'
        ? `port ${config.port} on ${config.host} is already in use`
        : `cannot listen on ${config.host}:${config.port} (${code ?? 'error'})`,
    );
  }
  const clusters = registry.clients
    .map((c) => `${c.cluster.name} (${c.cluster.server})`)
    .join(', ');
  process.stdout.write(`image-gateway: serving GraphQL on ${url} for clusters ${clusters}\n`);
  if (demo) {
    process.stdout.write(
      `\nTry it:\n  curl -s ${url} -H 'content-type: application/json' \\\n    --data '${JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') })}'\n\nor open ${url} in a browser.\n`,
    );
  }
  onSignals(logger, async () => {
    await gateway.close();
    await demo?.close();
  });
}

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError && err.message === 'help') {
      process.stdout.write(USAGE);
      return;
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  if (config.command === 'simulate') await simulate(config, logger);
  else await serve(config, logger);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(
      `image-gateway: ${err.message}\n${err.message.startsWith('Unknown option') || err.message.includes('argument') ? USAGE : ''}`,
    );
    process.exit(2);
  }
  process.stderr.write(`image-gateway: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
