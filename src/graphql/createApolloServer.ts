import { readFileSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { addResolversToSchema } from '@graphql-tools/schema';
import { buildSchema, type GraphQLSchema } from 'graphql';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { GatewayContext } from '../context.js';
import { formatError, withoutSuggestions } from '../errors.js';
import type { QueryLimits } from '../limits/createQueryLimits.js';
import { createQueryLimits } from '../limits/createQueryLimits.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/createMetrics.js';
import { resolvers } from '../resolvers/index.js';
import type { Tracing } from '../tracing/createTracing.js';
import { extraErrorsPlugin } from './plugins/extraErrorsPlugin.js';
import { httpCachePlugin } from './plugins/httpCachePlugin.js';
import { loggingPlugin } from './plugins/loggingPlugin.js';
import { metricsPlugin } from './plugins/metricsPlugin.js';
import { tracingPlugin } from './plugins/tracingPlugin.js';
import { createSubgraphSchema } from './createSubgraphSchema.js';
import { queriesOnly } from './queriesOnly.js';

export interface ApolloOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracing: Tracing | undefined;
  readonly queryLimits: QueryLimits;
  /** Configured clusters: the cost of a fan-out to every cluster depends on it. */
  readonly clusterCount: number;
  /** Serve the Apollo Federation 2 subgraph schema (--federation). */
  readonly federation?: boolean | undefined;
}

const SCHEMA_FILE = new URL('../../schema.graphql', import.meta.url);

/**
 * The contract's schema with its resolvers: what Apollo's `typeDefs` and `resolvers` options
 * build (makeExecutableSchema, same SDL, introspection and resolvers, same check that every
 * resolver names a field of the schema), without merging the one document and copying the
 * schema once more to attach the resolvers: about half the time, at every start.
 */
function executableSchema(schemaText: string): GraphQLSchema {
  const schema = buildSchema(schemaText);
  return addResolversToSchema({ schema, resolvers, updateResolversInPlace: true });
}

/**
 * Apollo Server 5 with the contract's schema and resolvers, its query limits and one plugin
 * per concern. It never installs signal handlers (stopOnTerminationSignals: false): src/main.ts
 * owns the process's signals, and stops the gateway once.
 */
export async function createApolloServer(
  options: ApolloOptions,
): Promise<ApolloServer<GatewayContext>> {
  const { logger, queryLimits } = options;
  const limits = createQueryLimits(queryLimits, options.clusterCount);
  const plugins: ApolloServerPlugin<GatewayContext>[] = [
    // Cache-control hints are unused (answers depend on the caller); its per-field hook is not free.
    ApolloServerPluginCacheControlDisabled(),
    ApolloServerPluginLandingPageDisabled(),
    ApolloServerPluginUsageReportingDisabled(),
    ...limits.plugins,
    extraErrorsPlugin,
    httpCachePlugin,
    metricsPlugin(options.metrics),
    ...(options.tracing ? [tracingPlugin(options.tracing)] : []),
    loggingPlugin,
  ];
  const schemaText = readFileSync(SCHEMA_FILE, 'utf8');
  const schema = options.federation
    ? await createSubgraphSchema(schemaText, resolvers)
    : executableSchema(schemaText);
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    // Without introspection, no message may name a field or type the caller did not (graphql-js
    // suggests them in variable errors too, which GraphQL Armor's rule does not reach).
    formatError: queryLimits.introspection
      ? formatError
      : (formatted, error) => {
          const out = formatError(formatted, error);
          return { ...out, message: withoutSuggestions(out.message) };
        },
    includeStacktraceInErrorResponses: false,
    introspection: queryLimits.introspection,
    validationRules: [queriesOnly, ...limits.validationRules],
    // Automatic persisted queries would let a query be run by hash, past the checks made on its
    // text before Apollo sees it; nothing here needs them.
    persistedQueries: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    stopOnTerminationSignals: false,
    plugins,
    logger: {
      debug: (m) => logger.debug(m),
      info: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });
  await apollo.start();
  return apollo;
}
