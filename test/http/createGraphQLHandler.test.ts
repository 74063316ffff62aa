import { ApolloServer } from '@apollo/server';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClusterRegistry,
  type ClusterRegistry,
} from '../../src/clusters/createClusterRegistry.js';
import type { GatewayContext } from '../../src/context.js';
import type { CallerIdentity } from '../../src/http/callerIdentity.js';
import {
  createGraphQLHandler,
  type GraphQLHandlerOptions,
} from '../../src/http/createGraphQLHandler.js';
import { captureLogs } from '../helpers/captureLogs.js';
import { createTestContext } from '../helpers/createTestContext.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let registry: ClusterRegistry;
let apollo: ApolloServer<GatewayContext>;
let resolved = 0;
beforeAll(async () => {
  registry = createClusterRegistry([
    { name: 'east', server: 'http://127.0.0.1:9', insecureSkipTlsVerify: false },
  ]);
  apollo = new ApolloServer<GatewayContext>({
    typeDefs: 'type Query { hello: String, requestId: String, big(size: Int!): String }',
    resolvers: {
      Query: {
        hello: () => {
          resolved += 1;
          return 'world';
        },
        requestId: (_root, _args, ctx: GatewayContext) => ctx.requestId,
        big: (_root, args: { size: number }) => 'x'.repeat(args.size),
      },
    },
  });
  await apollo.start();
});
afterAll(async () => {
  await apollo.stop();
  registry.close();
});

/** /graphql on a bare Fastify app through the handler; what createContext was given is kept. */
async function newApp(options: Partial<GraphQLHandlerOptions> = {}) {
  const identities: CallerIdentity[] = [];
  const signals: AbortSignal[] = [];
  const { lines, logger } = captureLogs();
  const handler = createGraphQLHandler({
    apollo,
    logger,
    maxTokens: 100,
    maxResponseBytes: 10_000,
    createContext: (identity, signal) => {
      identities.push(identity);
      signals.push(signal);
      return createTestContext(registry, {
        requestId: identity.requestId,
        bearerToken: identity.bearerToken,
        clusterTokens: identity.clusterTokens,
        clientSignal: signal,
      }).context;
    },
    ...options,
  });
  const app: FastifyInstance = Fastify();
  app.get('/graphql', handler);
  app.post('/graphql', handler);
  await app.ready();
  return { app, identities, signals, lines };
}

const JSON_ACCEPT = { accept: 'application/graphql-response+json' };

describe('createGraphQLHandler', () => {
  it('answers through Apollo with the caller’s identity read once, and echoes the request id', async () => {
    const { app, identities, signals } = await newApp();
    const res = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: {
        ...JSON_ACCEPT,
        authorization: 'Bearer caller-token',
        'x-cluster-authorization-east': 'Bearer east-token',
        'x-request-id': 'req-42',
      },
      payload: { query: '{ hello requestId }' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/graphql-response+json; charset=utf-8');
    expect(res.headers['x-request-id']).toBe('req-42');
    expect(res.json()).toEqual({ data: { hello: 'world', requestId: 'req-42' } });
    expect(identities).toEqual([
      {
        bearerToken: 'caller-token',
        clusterTokens: new Map([['east', 'east-token']]),
        requestId: 'req-42',
      },
    ]);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]?.aborted).toBe(false);
  });

  it('gives a request without a usable id a fresh one, in the header and the context alike', async () => {
    const { app } = await newApp();
    const res = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { ...JSON_ACCEPT, 'x-request-id': 'not an id' },
      payload: { query: '{ requestId }' },
    });
    const id = res.headers['x-request-id'];
    expect(id).toMatch(UUID);
    expect(res.json()).toEqual({ data: { requestId: id } });
  });

  it('passes a GET’s query string to Apollo as it came', async () => {
    const { app } = await newApp();
    const res = await app.inject({
      method: 'GET',
      url: '/graphql?query=%7B%20hello%20%7D',
      headers: { ...JSON_ACCEPT, 'apollo-require-preflight': 'true' },
    });
    expect([res.statusCode, res.json()]).toEqual([200, { data: { hello: 'world' } }]);
  });

  it('refuses a query over the token limit before Apollo or the context see it', async () => {
    const { app, identities } = await newApp({ maxTokens: 10 });
    resolved = 0;
    const query = `{ ${'hello '.repeat(12)}}`;
    for (const request of [
      { method: 'POST' as const, url: '/graphql', payload: { query } },
      { method: 'GET' as const, url: `/graphql?query=${encodeURIComponent(query)}` },
    ]) {
      const res = await app.inject({ ...request, headers: JSON_ACCEPT });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        errors: [
          {
            message: 'Syntax Error: Token limit of 10 exceeded.',
            extensions: { code: 'BAD_USER_INPUT', reason: 'MAX_TOKENS' },
          },
        ],
      });
      expect(res.headers['x-request-id']).toMatch(UUID);
    }
    expect(identities).toEqual([]);
    expect(resolved).toBe(0);
    // Within the limit, the same handler answers (twice: the second time from its memory).
    const small = {
      method: 'POST' as const,
      url: '/graphql',
      payload: { query: '{ hello }' },
      headers: JSON_ACCEPT,
    };
    expect((await app.inject(small)).json()).toEqual({ data: { hello: 'world' } });
    expect((await app.inject(small)).json()).toEqual({ data: { hello: 'world' } });
  });

  it('refuses a query nested past the parser’s stack every time, never remembering it as checked', async () => {
    const { app, identities } = await newApp({ maxTokens: 1_000_000 });
    const depth = 20_000;
    const deep = {
      method: 'POST' as const,
      url: '/graphql',
      payload: { query: `{ hello(x: ${'['.repeat(depth)}${']'.repeat(depth)}) }` },
      headers: JSON_ACCEPT,
    };
    for (let round = 0; round < 2; round += 1) {
      const res = await app.inject(deep);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        errors: [{ extensions: { code: 'BAD_USER_INPUT', reason: 'TOO_COMPLEX' } }],
      });
    }
    expect(identities).toEqual([]);
  });

  it('replaces a response larger than the limit with an error, and logs its size', async () => {
    const { app, lines } = await newApp({ maxResponseBytes: 200 });
    const fits = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: JSON_ACCEPT,
      payload: { query: '{ big(size: 150) }' },
    });
    expect(fits.statusCode).toBe(200);
    const res = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { ...JSON_ACCEPT, 'x-request-id': 'big-1' },
      payload: { query: '{ big(size: 500) }' },
    });
    expect([res.statusCode, res.json()]).toEqual([
      400,
      {
        errors: [
          {
            message:
              'The response would be larger than 200 bytes (--max-response-bytes): select fewer fields or fewer items per request.',
            extensions: { code: 'BAD_USER_INPUT', reason: 'RESPONSE_TOO_LARGE' },
          },
        ],
      },
    ]);
    const warnings = lines
      .map((l) => JSON.parse(l) as { level: string; msg: string; requestId: string; bytes: number })
      .filter((l) => l.level === 'warn');
    expect(warnings).toMatchObject([{ msg: 'response too large', requestId: 'big-1', bytes: 520 }]);
  });

  it('keeps Apollo’s status and headers for requests Apollo refuses', async () => {
    const { app } = await newApp();
    const res = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: JSON_ACCEPT,
      payload: { query: '{ hello' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/graphql-response+json; charset=utf-8');
    expect(res.json().errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});
