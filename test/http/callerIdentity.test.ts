import { describe, expect, it } from 'vitest';
import { bearerOf, callerIdentityOf } from '../../src/http/callerIdentity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('bearerOf', () => {
  it('reads an RFC 6750 bearer token, the scheme in any case', () => {
    expect(bearerOf('Bearer sha256~abc_DEF-123')).toBe('sha256~abc_DEF-123');
    expect(bearerOf('bearer abc')).toBe('abc');
    expect(bearerOf('BEARER  abc  ')).toBe('abc');
    expect(bearerOf('Bearer eyJhbGciOi.eyJzdWIiOi.sig+/==')).toBe('eyJhbGciOi.eyJzdWIiOi.sig+/==');
  });

  it('forwards nothing that is not one bearer token', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      'Bearer two tokens',
      'Bearer a,Bearer b',
      'Bearer "quoted"',
      'Bearer tok\r\nX-Injected: 1',
      'Bearer =leading-padding',
      'Bearer tök',
    ])
      expect(bearerOf(header)).toBeUndefined();
  });

  it('refuses a header longer than 16 KiB without reading it', () => {
    const prefix = 'Bearer ';
    expect(bearerOf(prefix + 'a'.repeat(16_384 - prefix.length))).toHaveLength(
      16_384 - prefix.length,
    );
    expect(bearerOf(prefix + 'a'.repeat(16_385 - prefix.length))).toBeUndefined();
  });
});

describe('callerIdentityOf', () => {
  it('reads the general token and one token per cluster header suffix', () => {
    const identity = callerIdentityOf({
      authorization: 'Bearer general',
      'x-cluster-authorization-east': 'Bearer east-token',
      'x-cluster-authorization-default-api-crc-6443': 'Bearer crc-token',
      'x-cluster-authorization-west': 'Basic not-a-bearer',
      'x-other': 'Bearer ignored',
      'x-request-id': 'req-1',
    });
    expect(identity.bearerToken).toBe('general');
    expect(identity.clusterTokens).toEqual(
      new Map([
        ['east', 'east-token'],
        ['default-api-crc-6443', 'crc-token'],
      ]),
    );
    expect(identity.requestId).toBe('req-1');
  });

  it('has no cluster tokens, not an empty map, when none was sent', () => {
    const identity = callerIdentityOf({ authorization: 'Bearer general' });
    expect(identity.clusterTokens).toBeUndefined();
    expect(callerIdentityOf({}).bearerToken).toBeUndefined();
  });

  it('ignores a cluster header sent as a list', () => {
    const identity = callerIdentityOf({
      'x-cluster-authorization-east': ['Bearer one', 'Bearer two'],
    });
    expect(identity.clusterTokens).toBeUndefined();
  });

  it('keeps a request id that looks like one, and makes a fresh UUID for anything else', () => {
    expect(callerIdentityOf({ 'x-request-id': 'A.b_c-9' }).requestId).toBe('A.b_c-9');
    expect(callerIdentityOf({ 'x-request-id': 'x'.repeat(64) }).requestId).toBe('x'.repeat(64));
    const made = [
      callerIdentityOf({}).requestId,
      callerIdentityOf({ 'x-request-id': '' }).requestId,
      callerIdentityOf({ 'x-request-id': 'x'.repeat(65) }).requestId,
      callerIdentityOf({ 'x-request-id': 'id with spaces' }).requestId,
      callerIdentityOf({ 'x-request-id': 'id\nX-Injected: 1' }).requestId,
      callerIdentityOf({ 'x-request-id': '<script>' }).requestId,
    ];
    for (const id of made) expect(id).toMatch(UUID);
    expect(new Set(made).size).toBe(made.length);
  });
});
