import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatError, GatewayError } from '../src/errors.js';

describe('formatError', () => {
  it('keeps our errors with their code, cluster and upstream status', () => {
    const err = new GatewayError('NOT_FOUND', 'gone', {
      cluster: 'east',
      upstream: { status: 404, reason: 'NotFound', kind: 'images' },
    });
    const wrapped = new GraphQLError('gone', { originalError: err, path: ['a'] });
    expect(formatError(wrapped.toJSON(), wrapped)).toMatchObject({
      message: 'gone',
      extensions: { code: 'NOT_FOUND', cluster: 'east', upstream: { status: 404, kind: 'images' } },
    });
  });

  it('hides the details of anything unexpected behind INTERNAL_SERVER_ERROR', () => {
    const bug = new TypeError('Cannot read properties of undefined (secret internals)');
    const wrapped = new GraphQLError(bug.message, { originalError: bug, path: ['x', 0] });
    expect(formatError(wrapped.toJSON(), wrapped)).toEqual({
      message: 'Internal server error',
      path: ['x', 0],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});
