import { describe, expect, it } from 'vitest';
import {
  checkNamespace,
  checkPageSize,
  parseImageStreamImageName,
  parseImageStreamTagName,
} from '../src/validation.js';

const D = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('validation', () => {
  it('accepts DNS-1123 labels up to 63 characters only', () => {
    expect(checkNamespace('openshift-image-registry')).toBe('openshift-image-registry');
    expect(checkNamespace('a'.repeat(63))).toHaveLength(63);
    for (const bad of ['', 'A', '-a', 'a-', 'a_b', 'a.b', 'a'.repeat(64)])
      expect(() => checkNamespace(bad)).toThrow(/DNS-1123/);
  });

  it("parses <stream>@<digest> with OpenShift's stream-name rule and a full lowercase digest", () => {
    expect(parseImageStreamImageName(`ruby-20-centos7@${D}`, 'ns')).toEqual({
      stream: 'ruby-20-centos7',
      digest: D,
    });
    expect(parseImageStreamImageName(`my.app_v2@${D}`, 'ns').stream).toBe('my.app_v2');
    for (const bad of [
      `a..b@${D}`,
      `@${D}`,
      `a@b@${D}`,
      'a@sha256:abc',
      `a@${D.toUpperCase()}`,
      `a@sha512:${'0'.repeat(64)}`,
    ]) {
      expect(() => parseImageStreamImageName(bad, 'ns')).toThrow(/Argument "name"/);
    }
    expect(() => parseImageStreamImageName(`${'a'.repeat(250)}@${D}`, 'nsnsns')).toThrow(
      /at most 255/,
    );
  });

  it('parses <stream>:<tag> with the docker tag grammar', () => {
    expect(parseImageStreamTagName('python:3.8.12', 'ns')).toEqual({
      stream: 'python',
      tag: '3.8.12',
    });
    for (const bad of [
      'python',
      'python:',
      ':tag',
      'a:b:c',
      'a:.x',
      `a:${'t'.repeat(129)}`,
      `a@${D}`,
    ]) {
      expect(() => parseImageStreamTagName(bad, 'ns')).toThrow(/Argument "name"/);
    }
  });

  it('bounds page sizes', () => {
    expect(checkPageSize(undefined, 500, 50)).toBe(50);
    expect(checkPageSize(500, 500, 50)).toBe(500);
    expect(() => checkPageSize(0, 500, 50)).toThrow(
      'Argument "first" must be an integer from 1 to 500; got 0.',
    );
    expect(() => checkPageSize(501, 500, 50)).toThrow(/got 501/);
  });
});
