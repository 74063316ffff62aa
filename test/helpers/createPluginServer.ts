import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { createClusterRegistry } from '../../src/clusters/createClusterRegistry.js';
import type { GatewayContext } from '../../src/context.js';
import { GatewayError } from '../../src/errors.js';
import { createTestContext } from './createTestContext.js';

/**
 * A tiny Apollo Server with one plugin under test and resolvers that succeed, fail with a
 * TypeError (a bug), fail with a GatewayError (an answer), or record per-cluster errors next to
 * their data. Each operation gets a real context; its log lines are returned with the answer.
 */
export interface PluginServer {
  run(
    query: string,
    options?: { operationName?: string; bearerToken?: string },
  ): Promise<{
    body: {
      data?: unknown;
      errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
    };
    context: GatewayContext;
    lines: string[];
  }>;
  stop(): Promise<void>;
}

const TYPE_DEFS = `type Query {
  hello: String
  bug: String
  notFound: String
  partial: String
}`;

export async function createPluginServer(
  plugin: ApolloServerPlugin<GatewayContext>,
): Promise<PluginServer> {
  const registry = createClusterRegistry([
    { name: 'east', server: 'http://127.0.0.1:9', insecureSkipTlsVerify: false },
  ]);
  const apollo = new ApolloServer<GatewayContext>({
    typeDefs: TYPE_DEFS,
    resolvers: {
      Query: {
        hello: () => 'world',
        bug: () => {
          throw new TypeError(
            'cannot read properties of undefined (token sha256~leakedtokenvalue)',
          );
        },
        notFound: () => {
          throw new GatewayError('NOT_FOUND', 'no such image', { cluster: 'east' });
        },
        partial: (_root, _args, ctx: GatewayContext) => {
          ctx.extraErrors.push(
            new GatewayError('UPSTREAM_TIMEOUT', 'cluster "east": no answer within 10 ms', {
              cluster: 'east',
            }),
            new GatewayError('INTERNAL_SERVER_ERROR', 'cluster "west": the operation failed', {
              cluster: 'west',
              cause: new RangeError('deep cause'),
            }),
          );
          return 'partial data';
        },
      },
    },
    plugins: [plugin],
  });
  await apollo.start();
  return {
    async run(query, options = {}) {
      const { context, lines } = createTestContext(registry, {
        auth: 'passthrough',
        bearerToken: options.bearerToken,
      });
      const response = await apollo.executeOperation(
        {
          query,
          ...(options.operationName === undefined ? {} : { operationName: options.operationName }),
        },
        { contextValue: context },
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return { body: response.body.singleResult, context, lines };
    },
    async stop() {
      await apollo.stop();
      registry.close();
    },
  };
}
