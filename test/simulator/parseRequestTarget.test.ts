import { describe, expect, it } from 'vitest';
import { parseRequestTarget } from '../../src/simulator/parseRequestTarget.js';

describe('parseRequestTarget', () => {
  it('decodes origin-form paths into segments, dropping empty ones, and keeps the query', () => {
    const target = parseRequestTarget(
      '/apis//image.openshift.io/v1/namespaces/a/imagestreamimages/s%40sha256%3Aab?limit=2',
    );
    expect(target).toEqual({
      segments: [
        'apis',
        'image.openshift.io',
        'v1',
        'namespaces',
        'a',
        'imagestreamimages',
        's@sha256:ab',
      ],
      query: new URLSearchParams('limit=2'),
    });
  });

  it('reads a path starting with // as a path, not as a host', () => {
    expect(parseRequestTarget('//apis/image.openshift.io/v1')).toMatchObject({
      segments: ['apis', 'image.openshift.io', 'v1'],
    });
  });

  it('reads absolute-form targets as URLs', () => {
    expect(parseRequestTarget('http://example.com:8443/version?x=1')).toMatchObject({
      segments: ['version'],
    });
  });

  it('reports, never throws, for targets new URL() rejects and for bad percent escapes', () => {
    for (const target of ['http://[::1', 'http://h:99999/x', '*', 'http://']) {
      expect(parseRequestTarget(target)).toEqual({
        error: 'the request target is not a valid URL',
      });
    }
    for (const target of ['/%', '/apis/%zz', '/a/%E0%A4%A', '/%C0%AF', 'http://h/%ff']) {
      expect(parseRequestTarget(target)).toEqual({
        error: 'the request path has an invalid percent-encoding',
      });
    }
  });
});
