import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from '../resolvers/index.js';

const SCHEMA_FILE = new URL('../../schema.graphql', import.meta.url);

/** The contract, schema.graphql, as shipped with the package. */
export function readSchemaText(): string {
  return readFileSync(SCHEMA_FILE, 'utf8');
}

/**
 * The contract's schema with its resolvers: what Apollo Server runs queries with and the
 * streaming transports run subscriptions with (one schema, so both answer alike).
 */
export function createExecutableSchema(schemaText = readSchemaText()): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: schemaText, resolvers });
}
