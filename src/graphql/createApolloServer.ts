import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
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
import { createExecutableSchema, readSchemaText } from './createExecutableSchema.js';
import type { GraphQLSchema } from 'graphql';
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
  /** The executable schema (createExecutableSchema), when the caller has built it already. */
  readonly schema?: GraphQLSchema | undefined;
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
  const schema = options.federation
    ? await createSubgraphSchema(readSchemaText(), resolvers)
    : (options.schema ?? createExecutableSchema());
  // Apollo installs its inline-trace plugin by default, and it acts for subgraphs only (a
  // schema with `_Service`); loading it loads Apollo's protobuf code at every start (issue 16).
  if (!schema.getType('_Service')) plugins.unshift(ApolloServerPluginInlineTraceDisabled());
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
