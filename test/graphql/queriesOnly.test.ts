import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/startStack.js';

describe('queriesOnly', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ clusters: [{ name: 'east' }], logLevel: 'debug' });
  });
  afterAll(async () => {
    await stack.close();
  });

  it.each([
    [
      'mutation { clusters { name } }',
      'This gateway is read-only and serves queries only; a mutation cannot be run.',
    ],
    [
      'subscription { imageStreamEvents { type } }',
      'A subscription runs over Server-Sent Events (POST /graphql with "Accept: text/event-stream") or WebSocket (subprotocol graphql-transport-ws), not as a plain HTTP request.',
    ],
  ])(
    'refuses %s over plain HTTP as the caller’s mistake (400, BAD_USER_INPUT), never an internal error',
    async (query, message) => {
      const before = stack.logs.length;
      const { status, body } = await stack.gql(query);
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        reason: 'GRAPHQL_VALIDATION_FAILED',
      });
      expect(body.errors?.[0]?.message).toBe(message);
      // Before: 200 with INTERNAL_SERVER_ERROR and an error-level log line with a stack, per request.
      expect(stack.logs.slice(before).some((l) => l.includes('"level":"error"'))).toBe(false);
    },
  );

  it('refuses automatic persisted queries (a query run by hash would skip the checks on its text)', async () => {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } },
      }),
    });
    const body = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'PERSISTED_QUERY_NOT_SUPPORTED',
    });
  });
});

describe('without introspection', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      clusters: [{ name: 'east' }],
      logLevel: 'silent',
      queryLimits: {
        maxDepth: 12,
        maxAliases: 30,
        maxTokens: 3000,
        maxDirectives: 20,
        maxCost: 5000,
        maxNodes: 50_000,
        introspection: false,
      },
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('names no field the caller did not, not even in a variable error', async () => {
    const { body } = await stack.gql(
      'query($r: [ImageStreamImageRef!]!) { imageStreamImages(refs: $r) { name } }',
      { r: [{ namespace: 'a', name: 'b', clust: 'x' }] },
    );
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).not.toContain('Did you mean');
    expect(body.errors?.[0]?.message).not.toContain('cluster');
  });
});
