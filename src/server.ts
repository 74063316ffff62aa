import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanStatusCode } from '@opentelemetry/api';
import { LRUCache } from 'lru-cache';
import {
  ApolloServer,
  HeaderMap,
  type ApolloServerPlugin,
  type HTTPGraphQLRequest,
} from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { ContentCache } from './cache/createContentCache.js';
import { createMetrics, type Metrics } from './metrics/createMetrics.js';
import type { Tracing } from './tracing/createTracing.js';
import { createClusterProbe } from './clusters/createClusterProbe.js';
import type { ClusterRegistry } from './clusters/createClusterRegistry.js';
import type { FanOutOptions } from './clusters/fanOut.js';
import {
  createContext,
  DEFAULT_LIMITS,
  type AuthMode,
  type GatewayContext,
  type Limits,
} from './context.js';
import { formatError, GatewayError } from './errors.js';
import type { Logger } from './logger.js';
import { resolvers } from './resolvers/index.js';
import { loadGraphiQLAssets, renderGraphiQLPage } from './graphiqlPage.js';
import {
  checkTokenLimit,
  createQueryLimits,
  DEFAULT_QUERY_LIMITS,
  type QueryLimits,
} from './limits/createQueryLimits.js';

export interface GatewayOptions {
  readonly registry: ClusterRegistry;
  readonly logger: Logger;
  readonly auth?: AuthMode;
  /** Time budget of one GraphQL request, ms (default 30 s). */
  readonly deadlineMs?: number;
  readonly limits?: Limits;
  /** Largest request body, bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Depth, aliases, tokens, directives, cost and introspection (defaults: DEFAULT_QUERY_LIMITS). */
  readonly queryLimits?: QueryLimits;
  /** Per-cluster deadline and concurrency of fan-outs (imageLocations). */
  readonly fanOut?: FanOutOptions;
  /** Image content shared across requests (closed with the gateway). */
  readonly cache?: ContentCache;
  /** Cached signatures and annotations older than this are read again, ms (default 60 s). */
  readonly cacheMutableTtlMs?: number;
  /** Prometheus metrics served on /metrics (the registry and cache report into the same object). */
  readonly metrics?: Metrics;
  /** OpenTelemetry tracing (shut down with the gateway); off when absent. */
  readonly tracing?: Tracing;
}

export interface Gateway {
  readonly server: http.Server;
  /** Listens and returns the GraphQL URL with the real port. */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

const SCHEMA_FILE = new URL('../schema.graphql', import.meta.url);

/** Appends the per-cluster errors that resolvers recorded next to partial data. */
const extraErrorsPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (contextValue.extraErrors.length === 0 || response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        const extra = contextValue.extraErrors.map((err) => formatError(err.toJSON(), err));
        result.errors = [...(result.errors ?? []), ...extra];
      },
    };
  },
};

function metricsPlugin(metrics: Metrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ response, operationName }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const outcome = (body?.errors?.length ?? 0) > 0 ? 'error' : 'ok';
          metrics.operation(
            operationName ?? undefined,
            outcome,
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}

/** A span per GraphQL operation; the context hands it to upstream calls as their parent. */
function tracingPlugin(tracing: Tracing): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const span = tracing.tracer.startSpan('graphql.operation', {
        attributes: { 'gateway.request_id': contextValue.requestId },
      });
      contextValue.trace.span = span;
      return {
        async didResolveOperation({ operationName, operation }) {
          const type = operation?.operation ?? 'query';
          span.updateName(`${type} ${operationName ?? 'anonymous'}`);
          span.setAttribute('graphql.operation.type', type);
          if (operationName) span.setAttribute('graphql.operation.name', operationName);
        },
        async willSendResponse({ response }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const errors = body?.errors?.length ?? 0;
          span.setAttribute('graphql.errors', errors);
          if (errors > 0) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
  };
}

/** One log line per operation, with its duration and error codes; never headers or tokens. */
const loggingPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart({ contextValue }) {
    const started = performance.now();
    return {
      async willSendResponse({ response, operationName }) {
        const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
        const codes = (body?.errors ?? []).map((e) => e.extensions?.['code']);
        contextValue.logger.info(
          {
            requestId: contextValue.requestId,
            operationName: operationName ?? null,
            ms: Math.round(performance.now() - started),
            errors: codes,
          },
          'graphql request',
        );
      },
    };
  },
};

function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

const CLUSTER_AUTHORIZATION = 'x-cluster-authorization-';
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** `X-Cluster-Authorization-<cluster>: Bearer <token>` headers, by cluster name. */
function clusterTokensOf(headers: http.IncomingHttpHeaders): Map<string, string> | undefined {
  let out: Map<string, string> | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(CLUSTER_AUTHORIZATION) || typeof value !== 'string') continue;
    const token = bearerOf(value);
    if (token) (out ??= new Map()).set(name.slice(CLUSTER_AUTHORIZATION.length), token);
  }
  return out;
}

class BodyTooLarge extends Error {}

async function readBody(req: http.IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function errorBody(message: string, reason: string): unknown {
  return { errors: [{ message, extensions: { code: 'BAD_USER_INPUT', reason } }] };
}

/** Whether a GET is a browser asking for a page rather than a client asking for JSON. */
function wantsHtml(req: http.IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return (
    accept.includes('text/html') &&
    !/application\/(graphql-response\+)?json/.test(accept.split(',')[0] ?? '')
  );
}

/**
 * Builds the HTTP server: GraphQL over HTTP on /graphql (Apollo Server 5 through its
 * executeHTTPGraphQLRequest integration API), GraphiQL, /healthz, /readyz and /metrics.
 * Nothing listens until listen() is called.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { registry, logger } = options;
  const auth = options.auth ?? 'serviceaccount';
  const deadlineMs = options.deadlineMs ?? 30_000;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: false });
  const graphiql = loadGraphiQLAssets();
  const limitsConfig = options.queryLimits ?? DEFAULT_QUERY_LIMITS;
  // Documents already counted: repeated queries skip the extra lexing pass, as Apollo's own
  // document store lets them skip parsing and validation.
  const withinTokenLimit = new LRUCache<string, true>({
    maxSize: 8 * 1024 * 1024,
    sizeCalculation: (_v, key) => Math.max(1, key.length),
  });
  const queryLimits = createQueryLimits(limitsConfig, registry.clients.length);
  const probe = createClusterProbe(registry, { authenticated: auth === 'serviceaccount' });
  const apollo = new ApolloServer<GatewayContext>({
    typeDefs: readFileSync(SCHEMA_FILE, 'utf8'),
    resolvers: resolvers as never,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: limitsConfig.introspection,
    validationRules: queryLimits.validationRules,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    plugins: [
      // Cache-control hints are unused (answers depend on the caller); its per-field hook is not free.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ...queryLimits.plugins,
      extraErrorsPlugin,
      metricsPlugin(metrics),
      ...(options.tracing ? [tracingPlugin(options.tracing)] : []),
      loggingPlugin,
    ],
    logger: {
      debug: (m) => logger.debug(m),
      info: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });
  await apollo.start();

  const handleGraphQL = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> => {
    if (req.method === 'GET' && wantsHtml(req)) {
      const page = renderGraphiQLPage(graphiql);
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(page),
      });
      res.end(page);
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req, maxBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          sendJson(
            res,
            413,
            errorBody(
              `The request body is larger than ${maxBodyBytes} bytes.`,
              'PAYLOAD_TOO_LARGE',
            ),
          );
          return;
        }
        throw err;
      }
      const type = headers.get('content-type') ?? '';
      if (type.includes('json')) {
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          sendJson(res, 400, errorBody('The request body is not valid JSON.', 'INVALID_JSON'));
          return;
        }
      } else {
        body = text;
      }
    }
    const query =
      req.method === 'POST'
        ? (body as { query?: unknown } | undefined)?.query
        : url.searchParams.get('query');
    if (typeof query === 'string' && !withinTokenLimit.has(query)) {
      const refused = checkTokenLimit(query, limitsConfig.maxTokens);
      if (!refused) withinTokenLimit.set(query, true);
      if (refused) {
        sendJson(res, 400, errorBody(refused.message, 'MAX_TOKENS'));
        return;
      }
    }
    // A caller's X-Request-Id is kept only when it looks like an id: it is logged and forwarded.
    const offered = req.headers['x-request-id'];
    const requestId =
      typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: req.method ?? 'GET',
      headers,
      search: url.search,
      body,
    };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () =>
        createContext({
          requestId,
          logger,
          registry,
          auth,
          bearerToken: bearerOf(req.headers.authorization),
          clusterTokens: clusterTokensOf(req.headers),
          deadlineMs,
          limits,
          probe,
          fanOut: options.fanOut,
          cache: options.cache,
          cacheMutableTtlMs: options.cacheMutableTtlMs,
          loaderObserver: metrics,
          tracing: options.tracing,
        }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.setHeader('x-request-id', requestId);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const KNOWN_ROUTES = new Set([
    '/graphql',
    '/healthz',
    '/readyz',
    '/metrics',
    '/graphiql/graphiql.js',
    '/graphiql/graphiql.css',
  ]);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const started = performance.now();
    res.once('finish', () => {
      const route = KNOWN_ROUTES.has(url.pathname) ? url.pathname : 'other';
      metrics.httpRequest(
        route,
        req.method ?? 'GET',
        res.statusCode,
        (performance.now() - started) / 1000,
      );
    });
    const route = async (): Promise<void> => {
      switch (url.pathname) {
        case '/graphiql/graphiql.js':
        case '/graphiql/graphiql.css': {
          const asset = url.pathname.endsWith('.js') ? graphiql?.js : graphiql?.css;
          if (!asset)
            return sendJson(res, 404, { error: 'GraphiQL is not built into this package' });
          res.writeHead(200, {
            'content-type': url.pathname.endsWith('.js')
              ? 'text/javascript; charset=utf-8'
              : 'text/css; charset=utf-8',
            'content-length': asset.length,
            'cache-control': 'public, max-age=3600',
          });
          res.end(asset);
          return;
        }
        case '/metrics': {
          const text = await metrics.registry.metrics();
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
          return;
        }
        case '/graphql':
          return handleGraphQL(req, res, url);
        case '/healthz':
          return sendJson(res, 200, { status: 'ok' });
        case '/readyz': {
          // Ready once configured; an unreachable cluster is reported, never fatal.
          const statuses = await Promise.all(
            registry.clients.map((c) => probe.status(c.cluster.name)),
          );
          return sendJson(res, 200, {
            status: 'ready',
            clusters: statuses.map((s) => ({
              name: s.cluster,
              reachable: s.reachable,
              lastErrorCode: s.lastErrorCode,
              checkedAt: s.checkedAt,
            })),
          });
        }
        default:
          return sendJson(res, 404, {
            error: `no route for ${url.pathname}; GraphQL is served on /graphql`,
          });
      }
    };
    route().catch((err: unknown) => {
      logger.error(
        { err: err instanceof GatewayError ? err.message : String(err) },
        'request failed',
      );
      if (!res.headersSent)
        sendJson(res, 500, {
          errors: [
            { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
          ],
        });
      else res.destroy();
    });
  });

  return {
    server,
    listen: (port, host) =>
      new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}/graphql`);
        });
      }),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
      registry.close();
      await options.cache?.close();
      await options.tracing?.shutdown();
    },
  };
}
