import DataLoader from 'dataloader';
import { describe, expect, it } from 'vitest';
import {
  imageCacheKey,
  imageKey,
  imageStreamImageName,
  imageStreamTagName,
  locationCacheKey,
  streamCacheKey,
  streamKey,
  streamPageCacheKey,
  tagCacheKey,
  tagKey,
  type StreamKey,
} from '../../src/loaders/keys.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('loader keys', () => {
  it('builds each key from its parts and nothing else', () => {
    const stream = streamKey('east', 'openshift', 'python');
    expect(stream).toEqual({ cluster: 'east', namespace: 'openshift', stream: 'python' });
    const image = imageKey(stream, DIGEST);
    expect(image).toEqual({
      cluster: 'east',
      namespace: 'openshift',
      stream: 'python',
      digest: DIGEST,
    });
    // A key built from a richer key keeps only the stream's coordinates.
    expect(tagKey(image, '3.8')).toEqual({
      cluster: 'east',
      namespace: 'openshift',
      stream: 'python',
      tag: '3.8',
    });
    expect(imageKey(tagKey(stream, '3.8'), DIGEST)).toEqual(image);
  });

  it('names objects as the API does: <stream>@<digest> and <stream>:<tag>', () => {
    const stream = streamKey('east', 'openshift', 'python');
    expect(imageStreamImageName(imageKey(stream, DIGEST))).toBe(`python@${DIGEST}`);
    expect(imageStreamTagName(tagKey(stream, '3.8'))).toBe('python:3.8');
  });

  it('gives each key one string form, with NUL between the parts', () => {
    const stream = streamKey('east', 'openshift', 'python');
    expect(streamCacheKey(stream)).toBe('east\0openshift\0python');
    expect(imageCacheKey(imageKey(stream, DIGEST))).toBe(`east\0openshift\0python\0${DIGEST}`);
    expect(tagCacheKey(tagKey(stream, '3.8'))).toBe('east\0openshift\0python\x003.8');
    expect(
      streamPageCacheKey({ cluster: 'east', namespace: 'apps', limit: 50, continueToken: '' }),
    ).toBe('east\0apps\x0050\0\0');
    expect(
      streamPageCacheKey({
        cluster: 'east',
        namespace: '',
        limit: 50,
        continueToken: '',
        labelSelector: 'app=ruby',
      }),
    ).toBe('east\0\x0050\0\0app=ruby');
  });

  it('keeps keys apart that a printable separator would merge', () => {
    // With `/` as separator both of these would be "a/b/c/d".
    const one: StreamKey = { cluster: 'a/b', namespace: 'c', stream: 'd' };
    const two: StreamKey = { cluster: 'a', namespace: 'b/c', stream: 'd' };
    expect(streamCacheKey(one)).not.toBe(streamCacheKey(two));
    // The same digest through two streams is two keys: the API authorizes each stream on its own.
    expect(imageCacheKey(imageKey(streamKey('east', 'ns', 'a'), DIGEST))).not.toBe(
      imageCacheKey(imageKey(streamKey('east', 'ns', 'b'), DIGEST)),
    );
  });

  it('tells pages apart by limit and continue token', () => {
    const page = { cluster: 'east', namespace: 'apps', limit: 50, continueToken: '' };
    const keys = new Set([
      streamPageCacheKey(page),
      streamPageCacheKey({ ...page, limit: 51 }),
      streamPageCacheKey({ ...page, continueToken: 'eyJ2IjoxfQ==' }),
      streamPageCacheKey({ ...page, namespace: 'bench' }),
      streamPageCacheKey({ ...page, labelSelector: 'app=ruby' }),
      streamPageCacheKey({ ...page, namespace: '' }),
    ]);
    expect(keys.size).toBe(6);
  });

  it('tells a cluster-wide location search from a search of no namespaces or of some', () => {
    const base = { cluster: 'east', digest: DIGEST };
    expect(locationCacheKey({ ...base, namespaces: undefined })).toBe(`east\0${DIGEST}\0*`);
    expect(locationCacheKey({ ...base, namespaces: [] })).toBe(`east\0${DIGEST}\0`);
    expect(locationCacheKey({ ...base, namespaces: ['apps', 'bench'] })).toBe(
      `east\0${DIGEST}\0apps,bench`,
    );
  });

  it('lets DataLoader merge keys built separately into one load', async () => {
    const batches: string[][] = [];
    const loader = new DataLoader(
      async (keys: readonly StreamKey[]) => {
        batches.push(keys.map((k) => `${k.namespace}/${k.stream}`));
        return keys.map((k) => k.stream);
      },
      { cacheKeyFn: streamCacheKey },
    );
    const values = await Promise.all([
      loader.load(streamKey('east', 'openshift', 'python')),
      loader.load(streamKey('east', 'openshift', 'python')),
      loader.load(streamKey('east', 'openshift', 'wildfly')),
    ]);
    expect(values).toEqual(['python', 'python', 'wildfly']);
    expect(batches).toEqual([['openshift/python', 'openshift/wildfly']]);
  });
});
