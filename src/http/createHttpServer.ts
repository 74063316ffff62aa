import http from 'node:http';
import type { Socket } from 'node:net';
import cors from '@fastify/cors';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { GraphiQLAssets } from '../graphiqlPage.js';
import { renderGraphiQLPage } from '../graphiqlPage.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/createMetrics.js';
import { createConnectionGuard, type ConnectionGuard } from './createConnectionGuard.js';
import { wantsEventStream } from './createSseHandler.js';
import { refuse, refusalBody, refuseOnSocket } from './refusal.js';

/** Timeouts and caps of one listener, each a documented flag (src/config/options.ts). */
export interface ConnectionLimits {
  readonly maxBodyBytes: number;
  readonly headerTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  /** A socket with no traffic either way for this long is closed. */
  readonly socketTimeoutMs: number;
  /** A response not fully handed to the network by then (a client that stops reading) is cut off. */
  readonly sendTimeoutMs: number;
}

export interface HttpServerOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly limits: ConnectionLimits;
  /** GraphQL on /graphql (and GraphiQL for browsers); absent on the metrics listener. */
  readonly graphql?:
    | {
        readonly handler: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
        readonly graphiql: GraphiQLAssets | undefined;
        /** Subscriptions over Server-Sent Events (POST with Accept: text/event-stream). */
        readonly eventStream?:
          ((request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) | undefined;
      }
    | undefined;
  /** Serve /metrics and /readyz here (not on the public port when a metrics port is set). */
  readonly serveMetrics: boolean;
  readonly readiness: () => Promise<unknown>;
  /** Browser origins allowed to call (CORS); none by default. */
  readonly corsOrigins: readonly string[];
}

export interface HttpServer {
  readonly app: FastifyInstance;
  readonly guard: ConnectionGuard;
}

const KNOWN_ROUTES = new Set([
  '/graphql',
  '/healthz',
  '/readyz',
  '/metrics',
  '/graphiql/graphiql.js',
  '/graphiql/graphiql.css',
]);

/** Whether a GET is a browser asking for a page rather than a client asking for JSON. */
function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return (
    accept.includes('text/html') &&
    !/application\/(graphql-response\+)?json/.test(accept.split(',')[0] ?? '')
  );
}

/** Answers for connections whose request never parsed (Node's `clientError`). */
function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text, reason] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'REQUEST_TIMEOUT']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE']
        : [400, 'Bad Request', 'MALFORMED_REQUEST'];
  refuseOnSocket(socket, status, text, `${text}: the request could not be read as HTTP.`, reason);
}

/** Fastify's own errors (body parsing, limits) in the gateway's error shape. */
function errorHandler(logger: Logger, maxBodyBytes: number) {
  return (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return refuse(
          reply,
          413,
          `The request body is larger than ${maxBodyBytes} bytes.`,
          'PAYLOAD_TOO_LARGE',
        );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return refuse(
          reply,
          415,
          'The request body must be application/json (GraphQL over HTTP).',
          'UNSUPPORTED_MEDIA_TYPE',
        );
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return refuse(reply, 400, 'The request body is not valid JSON.', 'INVALID_JSON');
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // JSON syntax errors and prototype-poisoning attempts from the JSON parser land here.
      const reason =
        error instanceof SyntaxError || status === 400 ? 'INVALID_JSON' : 'BAD_REQUEST';
      return refuse(
        reply,
        status,
        reason === 'INVALID_JSON' ? 'The request body is not valid JSON.' : 'Bad request.',
        reason,
      );
    }
    logger.error({ err: error.message, code: error.code }, 'request failed');
    return refuse(reply, 500, 'Internal server error', 'INTERNAL', 'INTERNAL_SERVER_ERROR');
  };
}

/**
 * One HTTP listener on Fastify: GraphQL over HTTP on /graphql with GraphiQL for browsers, the
 * GraphiQL assets, /healthz, /readyz and (unless served on a separate port) /metrics. Node's own
 * parser answers malformed request lines; Fastify answers malformed URLs and bodies; this file
 * gives every such answer the gateway's error shape. Header, body, idle and socket timeouts and
 * the connection guard bound what a slow or hostile client can hold.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { limits, metrics, logger } = options;
  let guard: ConnectionGuard | undefined;
  const app = Fastify({
    serverFactory: (handler) => {
      const server = http.createServer(
        {
          headersTimeout: limits.headerTimeoutMs,
          requestTimeout: limits.bodyTimeoutMs,
          keepAliveTimeout: limits.idleTimeoutMs,
          // How often Node checks the two timeouts above (default 30 s, far too coarse).
          // Node takes integers only: --header-timeout-ms 1001 once stopped start-up with a RangeError.
          connectionsCheckingInterval: Math.max(
            50,
            Math.min(1_000, Math.floor(limits.headerTimeoutMs / 4)),
          ),
          maxHeaderSize: 32 * 1024,
          // Node would answer a missing Host with an empty 400 of its own; the routes answer it.
          requireHostHeader: false,
        },
        handler,
      );
      // `Expect: 100-continue` is answered by Node; any other expectation is refused here, in
      // the gateway's error shape (Node's own 417 has no body).
      server.on('checkExpectation', (_request, response) => {
        const body = refusalBody('Only "Expect: 100-continue" is supported.', 'EXPECTATION_FAILED');
        response.writeHead(417, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          connection: 'close',
        });
        response.end(body);
      });
      // CONNECT asks for a tunnel this server never opens: answered, not dropped (Node closes
      // the socket without a word when nobody listens for it).
      server.on('connect', (_request, socket: Socket) => {
        refuseOnSocket(
          socket,
          405,
          'Method Not Allowed',
          'CONNECT is not supported: this is not a proxy.',
          'METHOD_NOT_ALLOWED',
          { Allow: 'GET, POST' },
        );
      });
      server.setTimeout(limits.socketTimeoutMs, (socket) => socket.destroy());
      guard = createConnectionGuard(server, limits.maxConnections);
      return server;
    },
    bodyLimit: limits.maxBodyBytes,
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    clientErrorHandler,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: false },
    // No route declares a JSON schema (bodies are checked by the handlers), so Fastify's
    // default compilers (Ajv and fast-json-stringify, about a quarter of the start-up's module
    // code) are never loaded; a route given a schema fails at start with this message.
    schemaController: {
      compilersFactory: {
        buildValidator: () => () => {
          throw new Error('route schemas are not used: createHttpServer has no validator');
        },
        buildSerializer: () => () => {
          throw new Error('route schemas are not used: createHttpServer has no serializer');
        },
      },
    },
    frameworkErrors: (_error, _request, reply) => {
      void refuse(reply, 400, 'The request target is not a valid URL.', 'BAD_URL');
    },
  });
  if (!guard) throw new Error('Fastify did not call serverFactory');
  const connections = guard;

  app.setErrorHandler(errorHandler(logger, limits.maxBodyBytes));
  // The methods each path is served with, from the routes as they are added: a path served with
  // other methods answers 405 with Allow (RFC 9110 §15.5.6), not a misleading 404.
  const methodsOf = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = methodsOf.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    methodsOf.set(route.url, methods);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    const methods = methodsOf.get(path);
    if (methods)
      return refuse(
        reply.header('allow', [...methods].sort().join(', ')),
        405,
        `${request.method} is not served on ${path}; use ${[...methods].sort().join(' or ')}.`,
        'METHOD_NOT_ALLOWED',
      );
    return refuse(
      reply,
      404,
      `No route for ${JSON.stringify(path.slice(0, 80))}; GraphQL is served on /graphql.`,
      'NOT_FOUND',
      'BAD_USER_INPUT',
    );
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
    (request as { started?: number }).started = performance.now();
    // A compressed body would be read as if it were not: refused rather than misread.
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')
      return refuse(
        reply,
        415,
        'Request bodies are not decompressed: send them without Content-Encoding.',
        'UNSUPPORTED_CONTENT_ENCODING',
      );
    // Node's parser accepts any transfer coding that ends in chunked and hands over the bytes
    // still coded: only chunked alone is read. A 400, not RFC 9112's suggested 501: what any
    // client can send must not look like a server fault to 5xx alerts.
    const transfer = request.headers['transfer-encoding'];
    if (transfer !== undefined && transfer.trim().toLowerCase() !== 'chunked')
      return refuse(
        reply,
        400,
        'Only "Transfer-Encoding: chunked" is supported: send the body without other transfer codings.',
        'UNSUPPORTED_TRANSFER_ENCODING',
      );
    return undefined;
  });
  app.addHook('preHandler', async (request) => {
    connections.busy(request.raw.socket);
  });
  // A client that stops reading holds its socket and the answer's memory: past the send
  // timeout the connection is closed (the guard counts such a connection as busy, so only this
  // ends it).
  app.addHook('onSend', async (_request, reply) => {
    const res = reply.raw;
    const timer = setTimeout(() => res.socket?.destroy(), limits.sendTimeoutMs);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
  });
  app.addHook('onResponse', async (request, reply) => {
    connections.idle(request.raw.socket);
    const route = request.routeOptions.url;
    const started = (request as { started?: number }).started ?? performance.now();
    metrics.httpRequest(
      route !== undefined && KNOWN_ROUTES.has(route) ? route : 'other',
      KNOWN_METHODS.has(request.method) ? request.method : 'OTHER',
      reply.statusCode,
      (performance.now() - started) / 1000,
    );
  });

  if (options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...options.corsOrigins],
      methods: ['GET', 'POST'],
      // ETag: a page's script may read it to send If-None-Match (HTTP caching).
      exposedHeaders: ['x-request-id', 'etag'],
      credentials: false,
      maxAge: 600,
    });
  }

  app.get('/healthz', async (_request, reply) => reply.send({ status: 'ok' }));
  if (options.serveMetrics) {
    // Readiness names the clusters and their state: operational detail, kept with /metrics.
    app.get('/readyz', async (_request, reply) => reply.send(await options.readiness()));
    app.get('/metrics', async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  }
  const graphql = options.graphql;
  if (graphql) {
    const assets = graphql.graphiql;
    // The page never changes: built once, not per browser request.
    const page = renderGraphiQLPage(assets);
    const asset = (file: 'js' | 'css') => async (_request: FastifyRequest, reply: FastifyReply) => {
      if (!assets)
        return refuse(reply, 404, 'GraphiQL is not built into this package.', 'NOT_FOUND');
      return reply
        .type(file === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(assets[file]);
    };
    app.get('/graphiql/graphiql.js', asset('js'));
    app.get('/graphiql/graphiql.css', asset('css'));
    // No HEAD: Apollo answers GraphQL over GET and POST only, so HEAD is a 405 with the same
    // Allow as every other method.
    app.get('/graphql', { exposeHeadRoute: false }, async (request, reply) => {
      if (wantsHtml(request))
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', GRAPHIQL_CSP)
          .header('x-frame-options', 'DENY')
          .send(page);
      if (wantsEventStream(request))
        return refuse(
          reply,
          400,
          'Subscriptions over Server-Sent Events are sent with POST (graphql-sse), not GET.',
          'EVENT_STREAM_NEEDS_POST',
        );
      return graphql.handler(request, reply);
    });
    const eventStream = graphql.eventStream;
    app.post('/graphql', async (request, reply) => {
      if (!wantsEventStream(request)) return graphql.handler(request, reply);
      if (!eventStream)
        return refuse(
          reply,
          400,
          'Subscriptions are turned off on this gateway (--max-subscriptions 0).',
          'SUBSCRIPTIONS_OFF',
        );
      return eventStream(request, reply);
    });
  }
  await app.ready();
  return { app, guard: connections };
}

const KNOWN_METHODS = new Set(['GET', 'POST', 'HEAD', 'OPTIONS']);

/**
 * The GraphiQL page loads its own two files and talks to this origin only; nothing may frame
 * it (a page that holds a bearer token in its headers editor). GraphiQL's editor sets inline
 * styles.
 */
const GRAPHIQL_CSP = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
