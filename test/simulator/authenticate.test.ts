import { describe, expect, it } from 'vitest';
import { authenticate } from '../../src/simulator/authenticate.js';

const tokens = { good: { user: 'alice', namespaces: ['apps'] } };

describe('authenticate', () => {
  it('finds the grant of a known bearer token, whatever the case of the scheme', () => {
    expect(authenticate('Bearer good', tokens)).toEqual({ user: 'alice', grant: tokens.good });
    expect(authenticate('bearer good', tokens)?.user).toBe('alice');
  });

  it('treats a request without a bearer token as system:anonymous', () => {
    expect(authenticate(undefined, tokens)).toEqual({ user: 'system:anonymous' });
    expect(authenticate('Basic YWxpY2U6eA==', tokens)).toEqual({ user: 'system:anonymous' });
    expect(authenticate('Bearer ', tokens)).toEqual({ user: 'system:anonymous' });
  });

  it('refuses an unknown token, including names of inherited object properties', () => {
    for (const token of ['nope', ' good', 'constructor', '__proto__', 'toString'])
      expect(authenticate(`Bearer ${token}`, tokens)).toBeUndefined();
  });
});
