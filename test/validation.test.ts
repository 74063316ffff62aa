import { describe, expect, it } from 'vitest';
import {
  checkLabelSelector,
  checkNamespace,
  checkSearch,
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

describe('checkSearch and checkLabelSelector', () => {
  it('lowercases a search and bounds it', () => {
    expect(checkSearch('RuBy')).toBe('ruby');
    expect(checkSearch('é東🙂')).toBe('é東🙂');
    expect(checkSearch('x'.repeat(253))).toHaveLength(253);
    for (const bad of ['', 'x'.repeat(254), 'a\u0000', 'a\u007f', 'a\nb']) {
      expect(() => checkSearch(bad)).toThrow(/^Argument "search" must be 1 to 253 characters/);
    }
  });

  it('takes the label selectors the API server parses', () => {
    for (const ok of [
      'app',
      '!app',
      'app=ruby',
      'app==ruby',
      'app!=ruby',
      'app=',
      'app.kubernetes.io/name=web',
      'tier in (web, api)',
      'tier notin (web)',
      'tier in ()',
      'tier in (web, ,api)',
      'tier in (  web  )',
      ' app = ruby , !legacy ',
    ]) {
      expect(checkLabelSelector(ok)).toBe(ok);
    }
  });

  it('refuses what the API server would refuse, and more than 1024 characters', () => {
    for (const bad of [
      '',
      ',',
      'app=ruby,',
      '-app',
      'App/x=y',
      'app=ruby sample',
      'app=-ruby',
      'tier in web',
      'tier in (web',
      'tier in ((web))',
      'app=ruby\t',
      'app>1',
      `app=${'v'.repeat(64)}`,
      `${'k'.repeat(1020)}=v`,
      Array.from({ length: 600 }, () => 'a').join(','),
      'tier in (web api)',
      'tier in (-web)',
      'in in (a)b',
      // Once exponential (36 s for 17 repeats, about 3.4x per repeat): 300 repeats would never
      // end, so this test could only pass with a linear check.
      `k in (${',  '.repeat(300)}!)`,
      `k in (${' a ,'.repeat(250)}!)`,
      `k notin (${' '.repeat(1000)}x!)`,
    ]) {
      expect(() => checkLabelSelector(bad), bad).toThrow(
        /^Argument "labelSelector" must be a label selector of at most 1024 characters/,
      );
    }
  });
});
