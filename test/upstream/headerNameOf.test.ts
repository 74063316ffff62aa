import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerNameOf } from '../../src/upstream/headerNameOf.js';

describe('headerNameOf', () => {
  it('keeps a name that is an HTTP token, in lowercase', () => {
    expect(headerNameOf('east')).toBe('east');
    expect(headerNameOf('EAST')).toBe('east');
    expect(headerNameOf('Prod_East.v2')).toBe('prod_east.v2');
    expect(headerNameOf('a--b')).toBe('a--b');
  });

  it('turns every run of other characters into one "-", trimmed', () => {
    expect(headerNameOf('default/api-crc-testing:6443/kubeadmin')).toBe(
      'default-api-crc-testing-6443-kubeadmin',
    );
    expect(headerNameOf(' Prod East (EU) ')).toBe('prod-east-eu');
    expect(headerNameOf('a.b/c')).toBe('a-b-c');
    expect(headerNameOf('Éclair')).toBe('clair');
    expect(headerNameOf('//')).toBe('');
  });

  it('always gives a lowercase token or nothing, and is its own alias', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (name) => {
        const alias = headerNameOf(name);
        expect(alias).toMatch(/^[!#$%&'*+\-.^_`|~0-9a-z]*$/);
        expect(headerNameOf(alias)).toBe(alias);
      }),
    );
  });
});
