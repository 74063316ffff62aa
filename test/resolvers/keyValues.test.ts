import { describe, expect, it } from 'vitest';
import { keyValues, sortedKeys } from '../../src/resolvers/keyValues.js';
import { readFixture } from '../../src/simulator/readFixture.js';
import type { Image } from '../../src/upstream/types.js';

describe('keyValues', () => {
  it('lists a map sorted by key, keys exactly as stored', () => {
    expect(
      keyValues({ 'io.k8s.display-name': 'Python', Build: 'x', 'a=b': '', 'A b': 'c' }),
    ).toEqual([
      { key: 'A b', value: 'c' },
      { key: 'Build', value: 'x' },
      { key: 'a=b', value: '' },
      { key: 'io.k8s.display-name', value: 'Python' },
    ]);
  });

  it('lists nothing for an absent or null map (the API sends annotations: null)', () => {
    expect(keyValues(undefined)).toEqual([]);
    expect(keyValues(null)).toEqual([]);
    expect(keyValues({})).toEqual([]);
  });

  it('reads the labels of a real image', () => {
    const image = (
      readFixture('imagestreammapping-origin-ruby-sample-docs.json') as { image: Image }
    ).image;
    const labels = keyValues(image.dockerImageMetadata?.Config?.Labels);
    expect(labels.map((l) => l.key)).toEqual(
      Object.keys(image.dockerImageMetadata?.Config?.Labels ?? {}).sort(),
    );
    expect(labels.find((l) => l.key === 'build-date')).toEqual({
      key: 'build-date',
      value: '2015-12-23',
    });
  });

  it('keeps a prototype-looking key as an ordinary key', () => {
    expect(keyValues(JSON.parse('{"__proto__":"x","constructor":"y"}'))).toEqual([
      { key: '__proto__', value: 'x' },
      { key: 'constructor', value: 'y' },
    ]);
  });
});

describe('sortedKeys', () => {
  it('lists the keys of a set-like map, sorted', () => {
    expect(sortedKeys({ '8443/tcp': {}, '8080/tcp': {}, '53/udp': {} })).toEqual([
      '53/udp',
      '8080/tcp',
      '8443/tcp',
    ]);
    expect(sortedKeys(null)).toEqual([]);
    expect(sortedKeys(undefined)).toEqual([]);
  });
});
