import { describe, expect, it } from 'vitest';
import { createCostModel } from '../../src/limits/createCostModel.js';
import { DEFAULT_PAGE_SIZE } from '../../src/validation.js';
import { encodeNodeId } from '../../src/resolvers/nodeId.js';
import { SEARCH_PAGES } from '../../src/resolvers/entryPoints.js';

const model = createCostModel(3);
const calls = (field: string, args: Record<string, unknown> = {}): number =>
  model.get(field)?.calls?.(args) ?? 0;
const size = (field: string, args: Record<string, unknown> = {}): number =>
  model.get(field)?.size?.(args) ?? 1;

describe('the static cost model', () => {
  it('counts 1 for each image, stream, tag or cluster status fetched, 0 for what comes with it', () => {
    for (const field of [
      'Query.imageStreamImage',
      'Query.imageStream',
      'Query.imageStreamTag',
      'Cluster.status',
      'Cluster.imageStreamImage',
      'Cluster.imageStream',
      'Cluster.imageStreamTag',
      'ImageStreamImage.stream',
      'TagEvent.imageStreamImage',
      'Image.platform',
      'Manifest.image',
      'ImageLocation.imageStreamImage',
    ])
      expect([field, calls(field)]).toEqual([field, 1]);
    for (const field of [
      'Query.clusters',
      'Query.cluster',
      'ImageStreamImage.image',
      'ImageStreamTag.image',
      'ImageStream.tags',
    ])
      expect([field, calls(field)]).toEqual([field, 0]);
  });

  it('sizes lists from the arguments and the configuration', () => {
    expect(size('Query.clusters')).toBe(3);
    expect(calls('Query.imageStreamImages', { refs: [1, 2, 3, 4] })).toBe(4);
    expect(size('Query.imageStreamImages', { refs: [1, 2, 3, 4] })).toBe(4);
    expect(size('Query.imageStreams', { first: 7 })).toBe(7);
    expect(size('Cluster.imageStreams', { first: 500 })).toBe(500);
    expect(size('Query.imageStreams', {})).toBe(DEFAULT_PAGE_SIZE);
  });

  it('counts a page the resolver refuses as the default page, never less', () => {
    for (const first of [0, -1, -1e9, 2.5, Number.NaN, '10', null])
      expect([first, size('Query.imageStreams', { first })]).toEqual([first, DEFAULT_PAGE_SIZE]);
  });

  it('scans distinct clusters x namespaces for imageLocations', () => {
    expect(calls('Query.imageLocations', {})).toBe(3);
    expect(calls('Query.imageLocations', { clusters: null, namespaces: ['a', 'b'] })).toBe(6);
    expect(calls('Query.imageLocations', { clusters: ['east', 'east'], namespaces: ['a'] })).toBe(
      1,
    );
    expect(calls('Query.imageLocations', { clusters: [] })).toBe(0);
  });

  it('counts 1 for the lists only the data sizes', () => {
    for (const field of [
      'ImageStream.tags',
      'StreamTag.history',
      'Image.manifests',
      'Query.imageLocations',
      'ImageStreamConnection.edges',
    ])
      expect([field, size(field, { clusters: ['a', 'b'], namespaces: ['x', 'y'] })]).toEqual([
        field,
        1,
      ]);
  });

  it('counts node ids by the type they name, and a refused id as the dearest type', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const cluster = encodeNodeId({ type: 'Cluster', cluster: 'east' });
    const stream = encodeNodeId({
      type: 'ImageStream',
      cluster: 'east',
      namespace: 'a',
      stream: 'b',
    });
    const image = encodeNodeId({ type: 'Image', cluster: 'east', digest });
    expect(calls('Query.node', { id: cluster })).toBe(0);
    expect(calls('Query.node', { id: stream })).toBe(1);
    // The location scan, then the image through the stream found.
    expect(calls('Query.node', { id: image })).toBe(2);
    expect(calls('Query.node', { id: 'forged' })).toBe(2);
    expect(calls('Query.node', { id: 42 })).toBe(2);
    expect(calls('Query.nodes', { ids: [cluster, stream, image, 'forged'] })).toBe(5);
    expect(size('Query.nodes', { ids: [cluster, stream, image, 'forged'] })).toBe(4);
    expect(calls('Query.nodes', { ids: 'not a list' })).toBe(0);
    expect(size('Query.nodes', { ids: 'not a list' })).toBe(0);
  });

  it('counts a stream search as the pages it may read, and namespaces as projects plus fallback', () => {
    expect(calls('Cluster.imageStreams', { namespace: 'a' })).toBe(1);
    expect(calls('Cluster.imageStreams', { search: 'x' })).toBe(SEARCH_PAGES);
    expect(calls('Cluster.imageStreams', { search: null })).toBe(1);
    expect(size('Cluster.imageStreams', { first: 7, search: 'x' })).toBe(7);
    expect(calls('Cluster.namespaces')).toBe(2);
    expect(size('Cluster.namespaces', { first: 3 })).toBe(3);
    expect(size('Cluster.namespaces', { first: -3 })).toBe(DEFAULT_PAGE_SIZE);
  });

  it('counts federation representations as node ids, the dearest type for a forged one', () => {
    const image = encodeNodeId({
      type: 'Image',
      cluster: 'east',
      digest: `sha256:${'a'.repeat(64)}`,
    });
    const cluster = encodeNodeId({ type: 'Cluster', cluster: 'east' });
    const representations = [
      { __typename: 'Image', id: image },
      { __typename: 'Cluster', id: cluster },
      { __typename: 'Image' },
      null,
      'x',
    ];
    expect(calls('Query._entities', { representations })).toBe(2 + 0 + 2 + 2 + 2);
    expect(size('Query._entities', { representations })).toBe(5);
    expect(calls('Query._entities', { representations: {} })).toBe(0);
  });
});
