import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  errorFromAnswer,
  errorFromTransport,
  malformedBody,
} from '../../src/upstream/toGatewayError.js';
import { redactSecrets } from '../../src/upstream/redactSecrets.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/openshift/${name}`, import.meta.url), 'utf8');

const notFound = (kind: string, name: string): string =>
  JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${kind}.image.openshift.io "${name}" not found`,
    reason: 'NotFound',
    details: { name, group: 'image.openshift.io', kind },
    code: 404,
  });

describe('errorFromAnswer', () => {
  it('tells apart the three 404s of imagestreamimages by details.kind', () => {
    for (const kind of ['imagestreams', 'imagestreamimage', 'images']) {
      const err = errorFromAnswer('east', { statusCode: 404, body: notFound(kind, 'x') });
      expect(err.extensions).toEqual({
        code: 'NOT_FOUND',
        cluster: 'east',
        upstream: { status: 404, reason: 'NotFound', kind },
      });
      expect(err.message).toBe(`cluster "east": ${kind}.image.openshift.io "x" not found`);
    }
  });

  it('maps the real Status fixtures', () => {
    const forbidden = errorFromAnswer('west', {
      statusCode: 403,
      body: fixture('status-forbidden-403.json'),
    });
    expect(forbidden.extensions['code']).toBe('FORBIDDEN');
    expect(forbidden.message).toContain('Unable to determine kind and namespace');
    const missing = errorFromAnswer('west', {
      statusCode: 404,
      body: fixture('status-notfound-404-k8s-api-conventions.json'),
    });
    expect(missing.extensions['upstream']).toEqual({
      status: 404,
      reason: 'NotFound',
      kind: 'pods',
    });
  });

  it('reads a 429 with a plain-text body, describing it rather than quoting it', () => {
    const err = errorFromAnswer('east', {
      statusCode: 429,
      body: 'Too many requests, please try again later.\n',
    });
    expect(err.extensions).toEqual({
      code: 'RATE_LIMITED',
      cluster: 'east',
      upstream: { status: 429, reason: 'Too Many Requests' },
    });
    expect(err.message).toBe('cluster "east": the API server is rate limiting requests (HTTP 429)');
  });

  it('never quotes an HTML page from a proxy, only its status', () => {
    const err = errorFromAnswer(
      'east',
      {
        statusCode: 503,
        body: '<html><body><h1>Application is not available</h1>sha256~leakedleakedleaked</body></html>',
      },
      [],
    );
    expect(err.message).toBe(
      'cluster "east": HTTP 503 Service Unavailable (the body was not a Kubernetes Status and is not shown)',
    );
    expect(err.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('removes the tokens it sent, by value, from a Status message that echoes them, and cuts it', () => {
    const token = 'gateway-own-token-1234567890';
    const err = errorFromAnswer(
      'east',
      {
        statusCode: 500,
        body: JSON.stringify({
          kind: 'Status',
          code: 500,
          reason: 'InternalError',
          message: `request with "${token}" failed; Authorization: Bearer ${token} ${'x'.repeat(2000)}`,
        }),
      },
      [token, undefined],
    );
    expect(err.message).not.toContain(token);
    expect(err.message).toContain('[redacted]');
    expect(err.message.length).toBeLessThan(400);
  });

  it('never relays what a proxy may echo a token in: an odd Status reason or details.kind (red team)', () => {
    const token = 'SECRETTOKEN-abcdefghijklmnop';
    const err = errorFromAnswer(
      'east',
      {
        statusCode: 404,
        body: JSON.stringify({
          kind: 'Status',
          code: 404,
          reason: `Bearer ${token}`,
          message: 'not found',
          details: { kind: `images\u001b[0m\n${token}` },
        }),
      },
      [],
    );
    expect(err.extensions['upstream']).toEqual({ status: 404, reason: 'Not Found' });
    expect(JSON.stringify(err.extensions)).not.toContain('SECRETTOKEN');
  });

  it('maps every status to the fixed list', () => {
    const code = (statusCode: number): unknown =>
      errorFromAnswer('c', { statusCode, body: '' }).extensions['code'];
    expect([400, 401, 403, 404, 408, 429, 500, 502, 503, 504, 410].map(code)).toEqual([
      'BAD_USER_INPUT',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'NOT_FOUND',
      'UPSTREAM_TIMEOUT',
      'RATE_LIMITED',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_TIMEOUT',
      'INTERNAL_SERVER_ERROR',
    ]);
  });
});

describe('transport errors', () => {
  it('makes timeouts UPSTREAM_TIMEOUT and the rest UPSTREAM_UNAVAILABLE', () => {
    expect(
      errorFromTransport('e', { name: 'TimeoutError', code: 'ETIMEDOUT' }, false).extensions[
        'code'
      ],
    ).toBe('UPSTREAM_TIMEOUT');
    expect(
      errorFromTransport('e', { name: 'RequestError', code: 'ECONNRESET' }, true).extensions[
        'code'
      ],
    ).toBe('UPSTREAM_TIMEOUT');
    const refused = errorFromTransport(
      'e',
      { name: 'RequestError', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' },
      false,
    );
    expect(refused.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', cluster: 'e' });
    expect(malformedBody('e', 200, new SyntaxError('x')).extensions['code']).toBe(
      'UPSTREAM_UNAVAILABLE',
    );
  });

  it('never lets a bearer token through into a message', () => {
    const err = errorFromTransport(
      'e',
      { code: 'EPROTO', message: 'failed with header Authorization: Bearer sha256~SECRETSECRET' },
      false,
    );
    expect(err.message).not.toContain('SECRETSECRET');
    expect(redactSecrets('bearer abc.def, next')).toBe('Bearer [redacted], next');
  });

  it('never relays control characters from an upstream message', () => {
    const err = errorFromAnswer('east', {
      statusCode: 403,
      body: JSON.stringify({ kind: 'Status', code: 403, message: 'a\u0000b\u001b[31mc\nd' }),
    });
    expect(err.message).toBe('cluster "east": a b [31mc d');
  });
});
