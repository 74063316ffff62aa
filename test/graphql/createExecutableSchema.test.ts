import { addResolversToSchema } from '@graphql-tools/schema';
import { buildSchema, printSchema, validateSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  createExecutableSchema,
  readSchemaText,
} from '../../src/graphql/createExecutableSchema.js';
import { resolvers } from '../../src/resolvers/index.js';

describe('createExecutableSchema', () => {
  it('builds schema.graphql as graphql-js does with its SDL checks, which start-up skips', () => {
    // buildSchema without assumeValidSDL throws on any SDL error (unknown or duplicate names...).
    const checked = addResolversToSchema({ schema: buildSchema(readSchemaText()), resolvers });
    const schema = createExecutableSchema();
    expect(validateSchema(schema)).toEqual([]);
    expect(printSchema(schema)).toBe(printSchema(checked));
  });
});
