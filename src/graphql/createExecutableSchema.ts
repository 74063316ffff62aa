import { readFileSync } from 'node:fs';
import { addResolversToSchema } from '@graphql-tools/schema';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { resolvers } from '../resolvers/index.js';

const SCHEMA_FILE = new URL('../../schema.graphql', import.meta.url);

/** The contract, schema.graphql, as shipped with the package. */
export function readSchemaText(): string {
  return readFileSync(SCHEMA_FILE, 'utf8');
}

/**
 * The contract's schema with its resolvers: what Apollo Server runs queries with and the
 * streaming transports run subscriptions with (one schema, so both answer alike). What Apollo's
 * `typeDefs` and `resolvers` options build (makeExecutableSchema: same SDL, introspection and
 * resolvers, same check that every resolver names a field of the schema), without merging the
 * one document and copying the schema once more to attach the resolvers: about half the time,
 * at every start.
 */
export function createExecutableSchema(schemaText = readSchemaText()): GraphQLSchema {
  // The SDL checks (unique and known names, directive use) are a fifth of the start-up's schema
  // work and hold for the shipped contract: the tests build it with them
  // (test/graphql/createExecutableSchema.test.ts). Apollo still validates the schema at start.
  const schema = buildSchema(schemaText, { assumeValidSDL: true });
  return addResolversToSchema({ schema, resolvers, updateResolversInPlace: true });
}
