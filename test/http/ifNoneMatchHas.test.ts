import { describe, expect, it } from 'vitest';
import { ifNoneMatchHas, strongEtagOf } from '../../src/http/ifNoneMatchHas.js';

describe('strongEtagOf', () => {
  it('is the quoted base64url sha256 of the bytes: equal bytes, equal tags', () => {
    expect(strongEtagOf('{"data":{}}')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(strongEtagOf('a')).toBe(strongEtagOf('a'));
    expect(strongEtagOf('a')).not.toBe(strongEtagOf('b'));
  });
});

describe('ifNoneMatchHas', () => {
  const tag = strongEtagOf('x');
  it('matches the tag, weakly (W/), in a list with spaces, or *', () => {
    for (const header of [tag, `W/${tag}`, `"a", ${tag}`, ` W/"a" ,W/${tag} `, '*', '"a", *'])
      expect(ifNoneMatchHas(header, tag), header).toBe(true);
  });
  it('does not match absent, other, unquoted, doubly weak or garbage values', () => {
    for (const header of [
      undefined,
      '',
      '"a"',
      tag.slice(1, -1),
      `W/W/${tag}`,
      'W/',
      ',',
      '**',
      `${tag}x`,
    ])
      expect(ifNoneMatchHas(header, tag), String(header)).toBe(false);
  });
  it('ignores a header past 4 KiB and entries past the 64th', () => {
    expect(ifNoneMatchHas(`${'"a",'.repeat(1100)}${tag}`, tag)).toBe(false);
    expect(ifNoneMatchHas(`${'"a",'.repeat(64)}${tag}`, tag)).toBe(false);
    expect(ifNoneMatchHas(`${'"a",'.repeat(63)}${tag}`, tag)).toBe(true);
  });
});
