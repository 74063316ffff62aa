import { describe, expect, it } from 'vitest';
import {
  boolean,
  list,
  number,
  object,
  oneOf,
  optional,
  record,
  string,
  unknown,
} from '../../../src/upstream/wire/checkShape.js';

describe('checkShape', () => {
  it('checks scalars, naming the path and the type found', () => {
    expect(string('x', 'a')).toBeUndefined();
    expect(string(1, 'a')).toBe('a is number, not a string');
    expect(number(1.5, 'n')).toBeUndefined();
    expect(number(Number.NaN, 'n')).toBe('n is number, not a number');
    expect(number(Infinity, 'n')).toBe('n is number, not a number');
    expect(number('1', 'n')).toBe('n is string, not a number');
    expect(boolean(false, 'b')).toBeUndefined();
    expect(boolean('true', 'b')).toBe('b is string, not a boolean');
    expect(string(null, 's')).toBe('s is null, not a string');
    expect(string([], 's')).toBe('s is a list, not a string');
    expect(unknown(Symbol('anything'), 'u')).toBeUndefined();
  });

  it('treats null like absent for an optional field (the API emits empty fields as null)', () => {
    const check = optional(string);
    expect(check(undefined, 'o')).toBeUndefined();
    expect(check(null, 'o')).toBeUndefined();
    expect(check('x', 'o')).toBeUndefined();
    expect(check(3, 'o')).toBe('o is number, not a string');
  });

  it('names the first bad item of a list by index', () => {
    const check = list(string);
    expect(check([], 'tags')).toBeUndefined();
    expect(check(['a', 'b'], 'tags')).toBeUndefined();
    expect(check(['a', 2, null], 'tags')).toBe('tags[1] is number, not a string');
    expect(check('a', 'tags')).toBe('tags is string, not a list');
    expect(check({ 0: 'a', length: 1 }, 'tags')).toBe('tags is object, not a list');
  });

  it('checks the named fields of an object and ignores the others', () => {
    const check = object({ name: string, size: optional(number) });
    expect(check({ name: 'n', extra: [1, 2] }, 'layer')).toBeUndefined();
    expect(check({ name: 'n', size: 'big' }, 'layer')).toBe('layer.size is string, not a number');
    expect(check({}, 'layer')).toBe('layer.name is undefined, not a string');
    expect(check([], 'layer')).toBe('layer is a list, not an object');
    expect(check(null, 'layer')).toBe('layer is null, not an object');
  });

  it('calls the top of a body "the body" and nests paths with dots', () => {
    const check = object({ metadata: object({ name: string }) });
    expect(check('<html>', '')).toBe('the body is string, not an object');
    expect(check({ metadata: { name: 1 } }, '')).toBe('metadata.name is number, not a string');
  });

  it('checks every value of a map and quotes its key, cut to 40 characters', () => {
    const check = record(string);
    expect(check({ a: 'x', 'b.c/d': 'y' }, 'labels')).toBeUndefined();
    expect(check({ 'io.k8s/display-name': 5 }, 'labels')).toBe(
      'labels["io.k8s/display-name"] is number, not a string',
    );
    const long = 'k'.repeat(100);
    expect(check({ [long]: false }, 'labels')).toBe(
      `labels["${'k'.repeat(40)}"] is boolean, not a string`,
    );
    expect(check(['x'], 'labels')).toBe('labels is a list, not an object');
  });

  it('accepts one of a set of strings', () => {
    const check = oneOf('Local', 'Source');
    expect(check('Local', 'type')).toBeUndefined();
    expect(check('local', 'type')).toBe('type is not one of Local, Source');
    expect(check(1, 'type')).toBe('type is not one of Local, Source');
  });

  it('does not follow prototype keys as fields of a map', () => {
    const check = record(string);
    expect(check(JSON.parse('{"__proto__": 1}'), 'labels')).toBe(
      'labels["__proto__"] is number, not a string',
    );
  });
});
