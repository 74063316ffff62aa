import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import type { Resolver } from '../../src/generated/graphql.js';
import { Image, Layer, Manifest } from '../../src/resolvers/image.js';
import type { ImageModel, ManifestModel } from '../../src/resolvers/models.js';
import { readFixture } from '../../src/simulator/readFixture.js';
import { signaturesFor } from '../../src/simulator/signaturesFor.js';
import type { Image as WireImage } from '../../src/upstream/types.js';
import { callResolver } from '../helpers/callResolver.js';
import { createTestContext } from '../helpers/createTestContext.js';
import {
  startSimulatedClusters,
  tagHistory,
  type SimulatedClusters,
} from '../helpers/startSimulatedClusters.js';

const PYTHON = readFixture('image-python-3.8.12-schema2.json') as WireImage;
const MINIMAL = readFixture('image-minimal-empty-metadata.json') as WireImage;
const coordinates = { cluster: 'east', namespace: 'openshift', stream: 'python' };

let clusters: SimulatedClusters;
let list: WireImage;
beforeAll(async () => {
  clusters = await startSimulatedClusters([{ name: 'east' }]);
  const digest =
    tagHistory(clusters.sim('east'), 'openshift', 'hello-multiarch', 'latest')[0] ?? '';
  const image = clusters.sim('east').data.images.get(digest);
  if (!image) throw new Error('the seed has no manifest list');
  list = image;
});
afterAll(async () => {
  await clusters.close();
});

const context = (ttlMs = 60_000) =>
  createTestContext(clusters.registry, { cacheMutableTtlMs: ttlMs }).context;
const model = (wire: WireImage, extra: Partial<ImageModel> = {}): ImageModel => ({
  ...coordinates,
  wire,
  ...extra,
});
/** A field without arguments of an image, resolved with a fresh context. */
const field = <R>(
  resolver: Resolver<R, ImageModel, GatewayContext, object> | undefined,
  parent: ImageModel,
) => callResolver(resolver, parent, {}, context());

describe('Image', () => {
  it('projects a real schema2 image', async () => {
    const python = model(PYTHON);
    expect(await field(Image.name, python)).toBe(PYTHON.metadata.name);
    expect(await field(Image.created, python)).toBe('2021-12-07T07:55:30Z');
    expect(await field(Image.dockerImageReference, python)).toBe(PYTHON.dockerImageReference);
    expect(await field(Image.manifestMediaType, python)).toBe(
      'application/vnd.docker.distribution.manifest.v2+json',
    );
    expect(await field(Image.isManifestList, python)).toBe(false);
    expect(await field(Image.layers, python)).toEqual(PYTHON.dockerImageLayers);
    expect(await field(Image.totalLayerSize, python)).toBe(347_478_492);
    expect(await field(Image.manifests, python)).toEqual([]);
    expect(await field(Image.dockerImageMetadata, python)).toBe(PYTHON.dockerImageMetadata);
    expect(await field(Image.annotations, python)).toEqual([
      { key: 'image.openshift.io/dockerLayersOrder', value: 'ascending' },
    ]);
    expect(await field(Image.signatures, python)).toEqual([]);
  });

  it('projects the empty fields of a minimal image as null or empty', async () => {
    const minimal = model(MINIMAL);
    expect(await field(Image.layers, minimal)).toEqual([]);
    expect(await field(Image.totalLayerSize, minimal)).toBeNull();
    expect(await field(Image.manifestMediaType, minimal)).toBeNull();
    expect(await field(Image.annotations, minimal)).toEqual([]);
    expect(await field(Image.name, model({ metadata: {} }))).toBe('');
    expect(await field(Image.created, model({ metadata: {} }))).toBeNull();
    expect(await field(Image.dockerImageMetadata, model({ metadata: {} }))).toBeNull();
  });

  it('counts a layer without a size as 0 in the total', async () => {
    const image = model({
      metadata: { name: 'sha256:x' },
      dockerImageLayers: [{ name: 'a', size: 10 }, { name: 'b' }, { name: 'c', size: 5 }],
    });
    expect(await field(Image.totalLayerSize, image)).toBe(15);
  });

  it('tells a manifest list by its children or by its media type', async () => {
    const parent = model(list);
    expect(await field(Image.isManifestList, parent)).toBe(true);
    expect(await field(Image.layers, parent)).toEqual([]);
    const manifests = await Promise.all(await field(Image.manifests, parent));
    expect(manifests.map((m) => [m.parent, m.wire.architecture])).toEqual([
      [parent, 'amd64'],
      [parent, 'arm64'],
    ]);
    for (const mediaType of [
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.index.v1+json',
    ])
      expect(
        await field(
          Image.isManifestList,
          model({ metadata: {}, dockerImageManifestMediaType: mediaType }),
        ),
      ).toBe(true);
  });

  it('reads signatures and annotations again once the cached copy is older than its TTL', async () => {
    const sim = clusters.sim('east');
    const digest = PYTHON.metadata.name ?? '';
    const stale = model(
      { ...PYTHON, signatures: [], metadata: { name: digest } },
      {
        cachedAt: Date.now() - 10 * 60_000,
      },
    );
    sim.resetCounts();
    const signatures = await Promise.all(
      await callResolver(Image.signatures, stale, {}, context(60_000)),
    );
    expect(signatures.map((s) => s.metadata?.name)).toEqual(
      signaturesFor(digest).map((s) => s.metadata?.name),
    );
    expect(await callResolver(Image.annotations, stale, {}, context(60_000))).toEqual([
      { key: 'image.openshift.io/dockerLayersOrder', value: 'ascending' },
    ]);
    expect(sim.requests.map((r) => r.path)).toEqual([
      `/apis/image.openshift.io/v1/namespaces/openshift/imagestreamimages/python@${digest}`,
      `/apis/image.openshift.io/v1/namespaces/openshift/imagestreamimages/python@${digest}`,
    ]);
  });

  it('keeps the cached copy within its TTL, and an image that was never cached', async () => {
    const sim = clusters.sim('east');
    sim.resetCounts();
    const recent = model({ ...PYTHON, signatures: [] }, { cachedAt: Date.now() });
    expect(await callResolver(Image.signatures, recent, {}, context(60_000))).toEqual([]);
    expect(await callResolver(Image.signatures, model(PYTHON), {}, context(0))).toEqual([]);
    expect(sim.count()).toBe(0);
  });

  it('picks a platform of a manifest list through the list’s stream', async () => {
    const parent = { ...model(list), stream: 'hello-multiarch' };
    const arm64 = list.dockerImageManifests?.find((m) => m.architecture === 'arm64')?.digest;
    const ctx = context();
    const child = await callResolver(Image.platform, parent, { architecture: 'arm64' }, ctx);
    expect(child).toMatchObject({
      cluster: 'east',
      namespace: 'openshift',
      stream: 'hello-multiarch',
      wire: { metadata: { name: arm64 } },
    });
    expect(
      await callResolver(Image.platform, parent, { architecture: 'arm64', variant: 'v8' }, ctx),
    ).toMatchObject({ wire: { metadata: { name: arm64 } } });
    for (const args of [
      { architecture: 'arm64', variant: 'v7' },
      { architecture: 's390x' },
      { architecture: 'amd64', os: 'windows' },
    ])
      expect(await callResolver(Image.platform, parent, args, ctx)).toBeNull();
  });

  it('answers a single-platform image for its own linux architecture only', async () => {
    const python = model(PYTHON);
    const ctx = context();
    expect(await callResolver(Image.platform, python, { architecture: 'amd64' }, ctx)).toBe(python);
    expect(
      await callResolver(Image.platform, python, { architecture: 'amd64', os: 'linux' }, ctx),
    ).toBe(python);
    for (const args of [
      { architecture: 'arm64' },
      { architecture: 'amd64', os: 'windows' },
      { architecture: 'amd64', variant: 'v2' },
    ])
      expect(await callResolver(Image.platform, python, args, ctx)).toBeNull();
  });
});

describe('Layer', () => {
  it('projects a layer; a missing size or empty media type is null', async () => {
    const ctx = context();
    const layer = PYTHON.dockerImageLayers?.[0] ?? { name: '' };
    expect(await callResolver(Layer.name, layer, {}, ctx)).toBe(layer.name);
    expect(await callResolver(Layer.size, layer, {}, ctx)).toBe(layer.size);
    expect(await callResolver(Layer.mediaType, layer, {}, ctx)).toBe(
      'application/vnd.docker.image.rootfs.diff.tar.gzip',
    );
    expect(await callResolver(Layer.size, { name: 'x' }, {}, ctx)).toBeNull();
    expect(await callResolver(Layer.mediaType, { name: 'x', mediaType: '' }, {}, ctx)).toBeNull();
  });
});

describe('Manifest', () => {
  it('projects a child manifest and resolves its image through the parent’s stream', async () => {
    const parent = { ...model(list), stream: 'hello-multiarch' };
    const [amd64, arm64] = list.dockerImageManifests ?? [];
    if (!amd64 || !arm64) throw new Error('the list has two children');
    const ctx = context();
    const child: ManifestModel = { parent, wire: arm64 };
    expect(await callResolver(Manifest.digest, child, {}, ctx)).toBe(arm64.digest);
    expect(await callResolver(Manifest.mediaType, child, {}, ctx)).toBe(arm64.mediaType);
    expect(await callResolver(Manifest.manifestSize, child, {}, ctx)).toBe(arm64.manifestSize);
    expect(await callResolver(Manifest.architecture, child, {}, ctx)).toBe('arm64');
    expect(await callResolver(Manifest.os, child, {}, ctx)).toBe('linux');
    expect(await callResolver(Manifest.variant, child, {}, ctx)).toBe('v8');
    expect(await callResolver(Manifest.variant, { parent, wire: amd64 }, {}, ctx)).toBeNull();
    clusters.resetCounts();
    const images = await Promise.all([
      callResolver(Manifest.image, { parent, wire: amd64 }, {}, ctx),
      callResolver(Manifest.image, child, {}, ctx),
    ]);
    expect(images.map((i) => [i?.stream, i?.wire.metadata.name])).toEqual([
      ['hello-multiarch', amd64.digest],
      ['hello-multiarch', arm64.digest],
    ]);
    expect(
      clusters
        .sim('east')
        .requests.map((r) => r.path)
        .sort(),
    ).toEqual(
      [amd64.digest, arm64.digest]
        .map(
          (d) =>
            `/apis/image.openshift.io/v1/namespaces/openshift/imagestreamimages/hello-multiarch@${d}`,
        )
        .sort(),
    );
  });
});
