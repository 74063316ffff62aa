import { GraphQLScalarType, Kind } from 'graphql';

import { RFC3339 } from '../upstream/types.js';

function toInt64(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw new TypeError(`Int64 cannot represent ${JSON.stringify(value)}: an integer is expected`);
}

/** int64 sizes and generations; GraphQL `Int` is 32-bit and would reject real layer sizes. */
export const Int64 = new GraphQLScalarType<number, number>({
  name: 'Int64',
  description: 'A signed 64-bit integer, serialised as a JSON number.',
  serialize: toInt64,
  parseValue: toInt64,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw new TypeError('Int64 literals must be integers');
    return toInt64(ast.value);
  },
});

function toDateTime(value: unknown): string {
  if (typeof value === 'string' && RFC3339.test(value)) return value;
  throw new TypeError(
    `DateTime cannot represent ${JSON.stringify(value)}: an RFC 3339 timestamp is expected`,
  );
}

/** RFC 3339 timestamps, passed through as the API server wrote them. */
export const DateTime = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'An RFC 3339 timestamp.',
  serialize: toDateTime,
  parseValue: toDateTime,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new TypeError('DateTime literals must be strings');
    return toDateTime(ast.value);
  },
});
