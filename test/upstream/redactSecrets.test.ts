import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/upstream/redactSecrets.js';

describe('redactSecrets', () => {
  it('removes every occurrence of a secret it knows by value', () => {
    expect(
      redactSecrets('token plainsecret1 was rejected; plainsecret1 again', ['plainsecret1']),
    ).toBe('token [redacted] was rejected; [redacted] again');
  });

  it('removes several known secrets and skips absent ones', () => {
    expect(
      redactSecrets('a=first-secret b=second-secret', [undefined, 'first-secret', 'second-secret']),
    ).toBe('a=[redacted] b=[redacted]');
  });

  it('does not search for secrets too short to tell from ordinary words', () => {
    expect(redactSecrets('the cluster is up', ['up', 'cluster'])).toBe('the cluster is up');
    expect(redactSecrets('a 12345678 b', ['12345678'])).toBe('a [redacted] b');
  });

  it('removes anything shaped like a bearer header, whatever the case', () => {
    expect(redactSecrets('request from "Bearer abc.def" failed')).toBe(
      'request from "Bearer [redacted]" failed',
    );
    expect(redactSecrets('authorization: bearer xyz, next')).toBe(
      'authorization: Bearer [redacted], next',
    );
  });

  it('removes OpenShift sha256~ tokens and JWTs found anywhere', () => {
    expect(redactSecrets('token sha256~AbCdEfGh_1234-xyz rejected')).toBe(
      'token [redacted] rejected',
    );
    const jwt =
      'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJl';
    expect(redactSecrets(`service account ${jwt} expired`)).toBe(
      'service account [redacted] expired',
    );
  });

  it('keeps text without credentials exactly as it is', () => {
    const text = 'imagestreams.image.openshift.io "python" not found (sha256:abc, sha256~short)';
    expect(redactSecrets(text, ['not-in-the-text'])).toBe(text);
  });

  it('removes a known secret even when it is not shaped like a token', () => {
    expect(redactSecrets('password=correct horse battery', ['correct horse battery'])).toBe(
      'password=[redacted]',
    );
  });

  it('removes a known secret URL-encoded, in base64, and cut short', () => {
    const secret = 'GATEWAY-SECRET-0123456789abcdef';
    const b64 = Buffer.from(secret).toString('base64');
    const echoes = [
      `url ${encodeURIComponent(secret)} rejected`,
      `basic ${b64} rejected`,
      `basic ${b64.replace(/=+$/, '')} rejected`,
      `cut ${secret.slice(0, -1)} rejected`,
      `cut ${secret.slice(0, 20)}`,
    ];
    for (const echo of echoes) {
      const out = redactSecrets(echo, [secret]);
      expect(out).toContain('[redacted]');
      expect(out).not.toContain('0123456789');
      expect(out).not.toContain(b64.slice(0, 16));
    }
  });

  it('removes a known secret in hex, cut at its start, and base64-encoded inside a longer text at any offset', () => {
    const secret = 'GATEWAY-SECRET-0123456789abcdef';
    const hex = Buffer.from(secret).toString('hex');
    expect(redactSecrets(`hex ${hex} rejected`, [secret])).toBe('hex [redacted] rejected');
    expect(redactSecrets(`HEX ${hex.toUpperCase()}`, [secret])).toBe('HEX [redacted]');
    expect(redactSecrets(`cut …${secret.slice(5)} rejected`, [secret])).toBe(
      'cut [redacted] rejected',
    );
    for (const before of ['', 'B', 'Be', 'Bearer ', 'Authorization: Bearer ']) {
      for (const encoding of ['base64', 'base64url'] as const) {
        const encoded = Buffer.from(`${before}${secret}!`).toString(encoding);
        const out = redactSecrets(`header ${encoded} echoed`, [secret]);
        // Decoding whatever is left must not give back any 12 characters of the secret.
        const left = Buffer.from(out.replace(/^header |echoed$/g, ''), encoding).toString('latin1');
        for (let i = 0; i + 12 <= secret.length; i += 1)
          expect(left, `${before}|${encoding}`).not.toContain(secret.slice(i, i + 12));
      }
    }
  });

  it('redacts a long echo in one pass: 200,000 characters with a token at the end and none', () => {
    const secret = 'GATEWAY-SECRET-0123456789abcdef';
    // Once quadratic (7 s for 120,000 characters): at this size the test could not finish.
    const long = 'x'.repeat(200_000);
    expect(redactSecrets(long, [secret])).toBe('x'.repeat(64 * 1024));
    const echoed = `${'y'.repeat(30_000)} ${secret.slice(4)} tail`;
    expect(redactSecrets(echoed, [secret])).toBe(`${'y'.repeat(30_000)} [redacted] tail`);
  });
});
