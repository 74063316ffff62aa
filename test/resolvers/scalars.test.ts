import { Kind, type ValueNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateTime, Int64 } from '../../src/resolvers/scalars.js';

const int = (value: string): ValueNode => ({ kind: Kind.INT, value });
const str = (value: string): ValueNode => ({ kind: Kind.STRING, value });

describe('Int64', () => {
  it('serialises sizes beyond 32 bits as JSON numbers', () => {
    expect(Int64.serialize(5_368_709_120)).toBe(5_368_709_120);
    expect(Int64.serialize(0)).toBe(0);
    expect(Int64.serialize(-1)).toBe(-1);
    expect(Int64.serialize('5368709120')).toBe(5_368_709_120);
    expect(Int64.serialize(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses anything that is not an integer, naming it', () => {
    expect(() => Int64.serialize(1.5)).toThrow(
      'Int64 cannot represent 1.5: an integer is expected',
    );
    expect(() => Int64.serialize('1.5')).toThrow('Int64 cannot represent "1.5"');
    expect(() => Int64.serialize(Number.NaN)).toThrow('Int64 cannot represent null');
    expect(() => Int64.serialize(true)).toThrow('Int64 cannot represent true');
    expect(() => Int64.serialize(null)).toThrow('Int64 cannot represent null');
    expect(() => Int64.parseValue('12abc')).toThrow('Int64 cannot represent "12abc"');
  });

  it('parses integer literals only', () => {
    expect(Int64.parseLiteral(int('4294967296'))).toBe(4_294_967_296);
    expect(() => Int64.parseLiteral(str('12'))).toThrow('Int64 literals must be integers');
  });
});

describe('DateTime', () => {
  it('passes RFC 3339 timestamps through exactly as written', () => {
    for (const value of [
      '2024-03-01T10:00:00Z',
      '2024-03-01T10:00:00.123456Z',
      '2024-03-01T10:00:00+02:00',
      '2024-03-01t10:00:00z',
      '2024-03-01 10:00:00Z',
    ])
      expect(DateTime.serialize(value)).toBe(value);
    expect(DateTime.parseValue('2015-11-05T20:28:54Z')).toBe('2015-11-05T20:28:54Z');
  });

  it('refuses what is not a timestamp with a zone', () => {
    for (const value of ['2024-03-01', '2024-03-01T10:00:00', 'yesterday', '', 1_709_287_200]) {
      expect(() => DateTime.serialize(value)).toThrow(
        `DateTime cannot represent ${JSON.stringify(value)}: an RFC 3339 timestamp is expected`,
      );
    }
  });

  it('parses string literals only', () => {
    expect(DateTime.parseLiteral(str('2024-03-01T10:00:00Z'))).toBe('2024-03-01T10:00:00Z');
    expect(() => DateTime.parseLiteral(int('1709287200'))).toThrow(
      'DateTime literals must be strings',
    );
  });
});
