import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServerOptions } from '../../src/http/createHttpServer.js';
import { createMetrics } from '../../src/metrics/createMetrics.js';
import { captureLogs } from '../helpers/captureLogs.js';
import { rawRequest } from '../helpers/rawHttp.js';

const LIMITS = {
  maxBodyBytes: 1024,
  headerTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  idleTimeoutMs: 5_000,
  maxConnections: 100,
  socketTimeoutMs: 30_000,
  sendTimeoutMs: 30_000,
};

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A listener with a stand-in GraphQL handler that records what reached it. */
async function newServer(overrides: Partial<HttpServerOptions> = {}) {
  const handled: string[] = [];
  const { lines, logger } = captureLogs();
  const metrics = createMetrics({ defaultMetrics: false });
  const { app, guard } = await createHttpServer({
    logger,
    metrics,
    limits: LIMITS,
    graphql: {
      handler: async (request, reply) => {
        handled.push(`${request.method} ${request.url}`);
        return reply.type('application/json').send({ data: { handled: true } });
      },
      graphiql: undefined,
    },
    serveMetrics: true,
    readiness: async () => ({ clusters: [{ name: 'east', reachable: true }] }),
    corsOrigins: [],
    ...overrides,
  });
  closers.push(() => app.close());
  return { app, guard, handled, lines };
}

const refusal = (message: string, reason: string, code = 'BAD_USER_INPUT') => ({
  errors: [{ message, extensions: { code, reason } }],
});

describe('createHttpServer: limits reach the listener', () => {
  it('hands the header, body, idle and socket timeouts to Node’s server as configured', async () => {
    const { app } = await newServer({
      limits: {
        ...LIMITS,
        headerTimeoutMs: 1_234,
        bodyTimeoutMs: 5_678,
        idleTimeoutMs: 4_321,
        socketTimeoutMs: 9_876,
      },
    });
    const server = app.server;
    expect([
      server.headersTimeout,
      server.requestTimeout,
      server.keepAliveTimeout,
      server.timeout,
    ]).toEqual([1_234, 5_678, 4_321, 9_876]);
  });
});

describe('createHttpServer: routes', () => {
  it('answers /healthz, and marks every answer nosniff', async () => {
    const { app } = await newServer();
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers an unknown route with a 404 in the GraphQL error shape, the path cut and the query left out', async () => {
    const { app } = await newServer();
    const res = await app.inject({ method: 'GET', url: '/nope?token=sha256~secret' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual(
      refusal('No route for "/nope"; GraphQL is served on /graphql.', 'NOT_FOUND'),
    );
    const long = await app.inject({ method: 'GET', url: `/${'a'.repeat(150)}` });
    expect(long.json().errors[0].message).toBe(
      `No route for "/${'a'.repeat(79)}"; GraphQL is served on /graphql.`,
    );
  });

  it('hands POST and JSON GET /graphql to the GraphQL handler', async () => {
    const { app, handled } = await newServer();
    const post = await app.inject({
      method: 'POST',
      url: '/graphql',
      payload: { query: '{ clusters { name } }' },
    });
    expect(post.json()).toEqual({ data: { handled: true } });
    await app.inject({
      method: 'GET',
      url: '/graphql?query=%7Bclusters%7Bname%7D%7D',
      headers: { accept: 'application/graphql-response+json, text/html' },
    });
    await app.inject({ method: 'GET', url: '/graphql?query=x' });
    expect(handled).toEqual([
      'POST /graphql',
      'GET /graphql?query=%7Bclusters%7Bname%7D%7D',
      'GET /graphql?query=x',
    ]);
  });

  it('serves a browser the GraphiQL page of the package, never the handler', async () => {
    const { app, handled } = await newServer({
      graphql: {
        handler: async (_request, reply) => reply.send({}),
        graphiql: { js: Buffer.from('/* js */'), css: Buffer.from('/* css */') },
      },
    });
    const page = await app.inject({
      method: 'GET',
      url: '/graphql',
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    // Its own files and origin only, never framed.
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.body).toContain('<script src="/graphiql/graphiql.js"></script>');
    expect(handled).toEqual([]);
    const js = await app.inject({ method: 'GET', url: '/graphiql/graphiql.js' });
    expect([
      js.statusCode,
      js.headers['content-type'],
      js.headers['cache-control'],
      js.body,
    ]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=3600', '/* js */']);
    const css = await app.inject({ method: 'GET', url: '/graphiql/graphiql.css' });
    expect([css.headers['content-type'], css.body]).toEqual([
      'text/css; charset=utf-8',
      '/* css */',
    ]);
  });

  it('says so when GraphiQL was not built', async () => {
    const { app } = await newServer();
    const page = await app.inject({
      method: 'GET',
      url: '/graphql',
      headers: { accept: 'text/html' },
    });
    expect(page.body).toContain('GraphiQL is not built into this package');
    const js = await app.inject({ method: 'GET', url: '/graphiql/graphiql.js' });
    expect(js.statusCode).toBe(404);
    expect(js.json()).toEqual(refusal('GraphiQL is not built into this package.', 'NOT_FOUND'));
  });

  it('serves no GraphQL on a listener without it (the metrics port)', async () => {
    const { app } = await newServer({ graphql: undefined });
    expect((await app.inject({ method: 'POST', url: '/graphql', payload: {} })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });
});

describe('createHttpServer: refusals', () => {
  const post = (payload: string, contentType = 'application/json') => ({
    method: 'POST' as const,
    url: '/graphql',
    payload,
    headers: { 'content-type': contentType },
  });

  it('refuses bodies it cannot read before the handler sees them', async () => {
    const { app, handled } = await newServer();
    const cases = [
      [post('{"query":'), 400, refusal('The request body is not valid JSON.', 'INVALID_JSON')],
      [post(''), 400, refusal('The request body is not valid JSON.', 'INVALID_JSON')],
      [
        post('{"__proto__":{"polluted":true},"query":"{a}"}'),
        400,
        refusal('The request body is not valid JSON.', 'INVALID_JSON'),
      ],
      [
        post('query=%7Ba%7D', 'application/x-www-form-urlencoded'),
        415,
        refusal(
          'The request body must be application/json (GraphQL over HTTP).',
          'UNSUPPORTED_MEDIA_TYPE',
        ),
      ],
      [
        post(JSON.stringify({ query: 'x'.repeat(2000) })),
        413,
        refusal('The request body is larger than 1024 bytes.', 'PAYLOAD_TOO_LARGE'),
      ],
    ] as const;
    for (const [request, status, body] of cases) {
      const res = await app.inject(request);
      expect([res.statusCode, res.json()]).toEqual([status, body]);
    }
    expect(handled).toEqual([]);
  });

  it('answers a malformed URL in the error shape', async () => {
    const { app } = await newServer();
    const res = await app.inject({ method: 'GET', url: '/graphql/%E0%A4%A' });
    expect([res.statusCode, res.json()]).toEqual([
      400,
      refusal('The request target is not a valid URL.', 'BAD_URL'),
    ]);
  });

  it('answers a failing handler with a 500 that says nothing, and logs why', async () => {
    const { app, lines } = await newServer({
      graphql: {
        handler: async () => {
          throw new Error('database on fire');
        },
        graphiql: undefined,
      },
    });
    const res = await app.inject({ method: 'POST', url: '/graphql', payload: {} });
    expect([res.statusCode, res.json()]).toEqual([
      500,
      refusal('Internal server error', 'INTERNAL', 'INTERNAL_SERVER_ERROR'),
    ]);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; err?: string });
    expect(logged.filter((l) => l.msg === 'request failed').map((l) => l.err)).toEqual([
      'database on fire',
    ]);
  });

  it('answers bytes that are not HTTP on a real socket, and closes the connection', async () => {
    const { app } = await newServer();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    expect(await rawRequest(url, 'NOT HTTP AT ALL\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(
      await rawRequest(
        url,
        `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`,
      ),
    ).toBe('HTTP/1.1 431 Request Header Fields Too Large');
  });
});

describe('createHttpServer: CORS', () => {
  it('allows the configured origins only', async () => {
    const { app } = await newServer({ corsOrigins: ['https://ui.example'] });
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/graphql',
      headers: {
        origin: 'https://ui.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://ui.example');
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(preflight.headers['access-control-max-age']).toBe('600');
    const get = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://ui.example' },
    });
    expect(get.headers['access-control-allow-origin']).toBe('https://ui.example');
    expect(get.headers['access-control-expose-headers']).toBe('x-request-id, etag');
    expect(get.headers['access-control-allow-credentials']).toBeUndefined();
    const other = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const { app } = await newServer();
    const get = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://ui.example' },
    });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/graphql',
      headers: { origin: 'https://ui.example', 'access-control-request-method': 'POST' },
    });
    // No preflight route: OPTIONS is not among /graphql's methods.
    expect(preflight.statusCode).toBe(405);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a method a path is not served with by 405 and Allow, an unknown path by 404', async () => {
    const { app } = await newServer();
    const put = await app.inject({ method: 'PUT', url: '/graphql?x=1' });
    expect(put.statusCode).toBe(405);
    expect(put.headers['allow']).toBe('GET, POST');
    const head = await app.inject({ method: 'HEAD', url: '/graphql?query=%7B__typename%7D' });
    expect(head.statusCode).toBe(405);
    expect(head.headers['allow']).toBe('GET, POST');
    expect(put.json()).toMatchObject({
      errors: [{ extensions: { code: 'BAD_USER_INPUT', reason: 'METHOD_NOT_ALLOWED' } }],
    });
    const post = await app.inject({ method: 'POST', url: '/healthz' });
    expect(post.statusCode).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
    expect((await app.inject({ method: 'DELETE', url: '/graphqlx' })).statusCode).toBe(404);
  });
});

describe('createHttpServer: /metrics and /readyz', () => {
  it('serves them only when asked', async () => {
    const { app } = await newServer({ serveMetrics: false });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(404);
  });

  it('reports readiness as the gateway computes it', async () => {
    const { app } = await newServer();
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect([res.statusCode, res.json()]).toEqual([
      200,
      { clusters: [{ name: 'east', reachable: true }] },
    ]);
  });

  it('counts requests by known route, method and status, everything else as other', async () => {
    const { app } = await newServer();
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/no/such/route' });
    await app.inject({ method: 'PUT', url: '/graphql' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const counters = res.body
      .split('\n')
      .filter((l) => l.startsWith('image_gateway_http_requests_total{'));
    expect(counters).toEqual([
      'image_gateway_http_requests_total{route="/healthz",method="GET",status="200"} 2',
      'image_gateway_http_requests_total{route="other",method="GET",status="404"} 1',
      'image_gateway_http_requests_total{route="other",method="OTHER",status="405"} 1',
    ]);
  });
});
