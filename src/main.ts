#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import module from 'node:module';
import { ConfigError } from './config/ConfigError.js';
import { parseConfig, type ServeConfig, type SimulateConfig } from './config/parseConfig.js';
import { usage } from './config/usage.js';
import type { Logger } from './logger.js';

/**
 * The only module that touches the process: argv and the environment, stdout and stderr,
 * listening, and signals. It imports nothing heavy until the flags are known to be good, so
 * `--help`, `--version` and a bad flag answer about as fast as Node starts.
 *
 * stdout carries JSON log lines only (the first says where GraphQL is served); lines for
 * humans (the demo's "try it") go to stderr.
 */

/**
 * How long a stop may take beyond its own grace period (--shutdown-grace-ms, after which
 * in-flight requests are cut short and answer) before the process exits 1 regardless.
 */
const STOP_MARGIN_MS = 5_000;

/**
 * Runs a log call that must never stop what follows it: a log line to a closed pipe (`| head`)
 * throws EPIPE, and a signal handler that throws never exits.
 */
function quietly(log: () => void): void {
  try {
    log();
  } catch {
    // nothing to do: the line is lost, the process goes on
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}

/**
 * The one owner of SIGINT and SIGTERM: stop once, exit 0 when stopped; a second signal, or a
 * stop that outlives the grace period, exits 1 at once.
 */
function onSignals(logger: Logger, graceMs: number, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      quietly(() => logger.warn({ signal }, 'second signal: exiting now'));
      process.exit(1);
    }
    stopping = true;
    const timer = setTimeout(() => {
      quietly(() => logger.error({ graceMs }, 'shutdown took too long: exiting'));
      process.exit(1);
    }, graceMs + STOP_MARGIN_MS);
    timer.unref();
    quietly(() => logger.info({ signal, graceMs }, 'shutting down'));
    stop().then(
      () => {
        quietly(() => logger.info('stopped'));
        process.exitCode = 0;
        // The last lines are written before exiting, unless stdout does not take them: then
        // anything left (a socket a client keeps open) must not keep the process alive.
        const exit = (): never => process.exit(0);
        setTimeout(exit, 1_000).unref();
        quietly(() => logger.flush(exit));
      },
      (err: unknown) => {
        quietly(() =>
          logger.error(
            { err: err instanceof Error ? err.message : String(err) },
            'shutdown failed',
          ),
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** Writes one JSON log line to stdout whatever --log-level says: scripts and users wait for it. */
type Announce = (fields: Record<string, unknown>, message: string) => void;

function listenError(err: unknown, port: number, host: string): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  return new ConfigError(
    code === 'EADDRINUSE'
      ? `port ${port} on ${host} is already in use`
      : `cannot listen on ${host}:${port} (${code ?? String(err)})`,
  );
}

async function simulate(config: SimulateConfig, logger: Logger, announce: Announce): Promise<void> {
  const { createSimulator } = await import('./simulator/createSimulator.js');
  const { createTlsCertificate } = await import('./simulator/createTlsCertificate.js');
  const tls = config.tls ? await createTlsCertificate() : undefined;
  const sim = await createSimulator({
    name: config.name,
    port: config.port,
    host: config.host,
    latencyMs: config.latencyMs,
    // As the API server's watch cache does on a quiet watch (about once a minute).
    watchBookmarkMs: 60_000,
    tls,
    seedOptions: {
      benchStreams: config.benchStreams,
      benchImagesPerStream: config.benchImagesPerStream,
      benchLabelBytes: config.labelBytes,
      benchPods: config.benchPods,
    },
  }).catch((err: unknown) => {
    throw listenError(err, config.port, config.host);
  });
  // Before the start line: whoever reads it may signal at once (SIGTERM's default action
  // would end the process before a handler installed after the line).
  onSignals(logger, 0, () => sim.close());
  announce(
    { url: sim.url, cluster: config.name },
    `simulated OpenShift image API "${config.name}" on ${sim.url} (token: demo-token-${config.name})`,
  );
  if (tls) process.stderr.write(tls.cert);
}

async function serve(config: ServeConfig, logger: Logger, announce: Announce): Promise<void> {
  const [{ loadClusters }, { buildGateway }] = await Promise.all([
    import('./clusters/loadClusters.js'),
    import('./buildGateway.js'),
  ]);
  const clusters = await loadClusters(config, logger);
  const stop = async (gateway?: { close(): Promise<void> }): Promise<void> => {
    await gateway?.close();
    await clusters.close();
  };
  let built;
  try {
    built = await buildGateway(config, clusters.connections, logger);
  } catch (err) {
    await stop();
    throw err;
  }
  const { gateway } = built;
  let url: string;
  let metricsUrl: string | undefined;
  try {
    url = await gateway.listen(config.port, config.host).catch((err: unknown) => {
      throw listenError(err, config.port, config.host);
    });
    if (config.metricsPort !== undefined) {
      const port = config.metricsPort;
      metricsUrl = await gateway.listenMetrics(port, config.metricsHost).catch((err: unknown) => {
        throw listenError(err, port, config.metricsHost);
      });
    }
  } catch (err) {
    await stop(gateway);
    throw err;
  }
  // Before the start line: whoever reads it may signal at once (SIGTERM's default action
  // would end the process before a handler installed after the line).
  onSignals(logger, config.shutdownGraceMs, () => stop(gateway));
  announce(
    {
      url,
      metrics: metricsUrl ? `${metricsUrl}/metrics` : url.replace(/\/graphql$/, '/metrics'),
      clusters: clusters.connections.map((c) => ({ name: c.name, server: c.server })),
    },
    `serving GraphQL on ${url}`,
  );
  if (config.source.kind === 'demo') process.stderr.write(built.banner(url));
}

/**
 * Node 22.1+ keeps the code V8 compiled for the modules on disk (in the temporary directory)
 * and reuses it in the next process, so a restart compiles almost nothing; Node 20 has no such
 * cache, and a cache that cannot be written is only not used. Called before the server's
 * modules load; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
function enableCompileCache(): void {
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
}

async function main(): Promise<void> {
  enableCompileCache();
  const config = parseConfig(process.argv.slice(2), process.env);
  if (config.command === 'help') {
    process.stdout.write(usage());
    return;
  }
  if (config.command === 'version') {
    process.stdout.write(`${version()}\n`);
    return;
  }
  const { createLogger } = await import('./logger.js');
  const logger = createLogger({ level: config.logLevel });
  const announcer = createLogger({ level: 'info' });
  const announce: Announce = (fields, message) => announcer.info(fields, message);
  if (config.command === 'simulate') await simulate(config, logger, announce);
  else await serve(config, logger, announce);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(
      `image-gateway: ${err.message}\nRun "image-gateway --help" for the options.\n`,
    );
    process.exit(2);
  }
  process.stderr.write(
    `image-gateway: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
