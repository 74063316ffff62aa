import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import {
  ImageLocation,
  ImageStream,
  ImageStreamImage,
  ImageStreamTag,
  loadImageStreamImage,
  StreamTag,
  TagEvent,
  TagEventCondition,
} from '../../src/resolvers/imageStream.js';
import type {
  ImageLocationModel,
  ImageStreamModel,
  StreamTagModel,
  TagEventModel,
} from '../../src/resolvers/models.js';
import { readFixture } from '../../src/simulator/readFixture.js';
import type {
  ImageStream as WireImageStream,
  ImageStreamTag as WireTag,
} from '../../src/upstream/types.js';
import { callResolver } from '../helpers/callResolver.js';
import { createTestContext } from '../helpers/createTestContext.js';
import {
  startSimulatedClusters,
  tagHistory,
  type SimulatedClusters,
} from '../helpers/startSimulatedClusters.js';

const WILDFLY = readFixture('imagestream-wildfly.json') as WireImageStream;
const RUBY = readFixture('imagestream-ruby-20-centos7-isimage-spec.json') as WireImageStream;
const PRUNE = readFixture('imagestream-python-prune-sample.json') as WireImageStream;

let clusters: SimulatedClusters;
let python: string;
let oldPython: string;
beforeAll(async () => {
  clusters = await startSimulatedClusters([{ name: 'east' }]);
  [python = '', oldPython = ''] = tagHistory(clusters.sim('east'), 'openshift', 'python', '3.8');
});
afterAll(async () => {
  await clusters.close();
});

const context = (): GatewayContext => createTestContext(clusters.registry).context;
const stream = (wire: WireImageStream): ImageStreamModel => ({ cluster: 'east', wire });

async function tagsOf(wire: WireImageStream, ctx = context()): Promise<StreamTagModel[]> {
  return Promise.all(await callResolver(ImageStream.tags, stream(wire), {}, ctx));
}

describe('loadImageStreamImage and ImageStreamImage', () => {
  it('loads through the batched loader and projects the answer', async () => {
    const ctx = context();
    clusters.resetCounts();
    const [isi, old] = await Promise.all([
      loadImageStreamImage(ctx, 'east', 'openshift', 'python', python),
      loadImageStreamImage(ctx, 'east', 'openshift', 'python', oldPython),
    ]);
    expect(clusters.sim('east').count('imagestreamimages')).toBe(2);
    expect([isi.cluster, isi.namespace, isi.stream, isi.digest, isi.cachedAt]).toEqual([
      'east',
      'openshift',
      'python',
      python,
      undefined,
    ]);
    expect(await callResolver(ImageStreamImage.name, old, {}, ctx)).toBe(`python@${oldPython}`);
    expect(await callResolver(ImageStreamImage.namespace, isi, {}, ctx)).toBe('openshift');
    expect(await callResolver(ImageStreamImage.digest, isi, {}, ctx)).toBe(python);
    expect(await callResolver(ImageStreamImage.cluster, isi, {}, ctx)).toEqual({
      name: 'east',
      server: clusters.sim('east').url,
    });
    // The wrapper's annotations are the stream's (server code §2.1 step 7).
    expect(await callResolver(ImageStreamImage.annotations, isi, {}, ctx)).toEqual([
      { key: 'openshift.io/image.dockerRepositoryCheck', value: '2024-03-01T10:00:00Z' },
    ]);
    expect(await callResolver(ImageStreamImage.image, { ...isi, cachedAt: 1234 }, {}, ctx)).toEqual(
      {
        cluster: 'east',
        namespace: 'openshift',
        stream: 'python',
        wire: isi.wire.image,
        cachedAt: 1234,
      },
    );
  });

  it('links its stream through the loader, once per request', async () => {
    const ctx = context();
    const isi = await loadImageStreamImage(ctx, 'east', 'openshift', 'python', python);
    clusters.resetCounts();
    const [a, b] = await Promise.all([
      callResolver(ImageStreamImage.stream, isi, {}, ctx),
      callResolver(ImageStreamImage.stream, isi, {}, ctx),
    ]);
    expect([a?.cluster, a?.wire.metadata.name, b?.wire.metadata.name]).toEqual([
      'east',
      'python',
      'python',
    ]);
    expect(clusters.sim('east').count()).toBe(1);
  });
});

describe('ImageStream', () => {
  it('projects a real stream', async () => {
    const ctx = context();
    const s = stream(WILDFLY);
    expect(await callResolver(ImageStream.name, s, {}, ctx)).toBe('wildfly');
    expect(await callResolver(ImageStream.namespace, s, {}, ctx)).toBe('openshift');
    expect(await callResolver(ImageStream.created, s, {}, ctx)).toBe('2015-11-05T20:28:34Z');
    expect(await callResolver(ImageStream.cluster, s, {}, ctx)).toMatchObject({ name: 'east' });
    expect(await callResolver(ImageStream.annotations, s, {}, ctx)).toEqual([
      { key: 'openshift.io/image.dockerRepositoryCheck', value: '2015-11-05T20:28:54Z' },
    ]);
  });

  it('takes the repository from status, else spec, else null', async () => {
    const ctx = context();
    expect(await callResolver(ImageStream.dockerImageRepository, stream(PRUNE), {}, ctx)).toBe(
      'image-registry.openshift-image-registry.svc:5000/images/python',
    );
    expect(
      await callResolver(ImageStream.publicDockerImageRepository, stream(PRUNE), {}, ctx),
    ).toBe('default-route-openshift-image-registry.apps-crc.testing/images/python');
    const specOnly = { ...WILDFLY, status: { dockerImageRepository: '' } };
    expect(await callResolver(ImageStream.dockerImageRepository, stream(specOnly), {}, ctx)).toBe(
      '172.30.224.48:5000/openshift/wildfly',
    );
    const bare = { metadata: { name: 'bare' } };
    expect(await callResolver(ImageStream.dockerImageRepository, stream(bare), {}, ctx)).toBeNull();
    expect(
      await callResolver(ImageStream.publicDockerImageRepository, stream(WILDFLY), {}, ctx),
    ).toBeNull();
    expect(await callResolver(ImageStream.created, stream(RUBY), {}, ctx)).toBeNull();
  });

  it('merges spec and status tags by name, sorted', async () => {
    const ruby = await tagsOf(RUBY);
    expect(ruby.map((t) => [t.name, t.spec !== undefined, t.status !== undefined])).toEqual([
      ['latest', false, true],
      ['prod', true, true],
    ]);
    expect(ruby[0]).toMatchObject({
      cluster: 'east',
      namespace: 'example',
      stream: 'ruby-20-centos7',
    });
    const prune = await tagsOf(PRUNE);
    expect(prune.map((t) => [t.name, t.spec !== undefined, t.status !== undefined])).toEqual([
      ['3.8.12', true, false],
    ]);
    expect(await tagsOf({ metadata: { name: 'empty' } })).toEqual([]);
  });
});

describe('StreamTag and TagEvent', () => {
  it('names where a tag comes from, DockerImage when the kind is left out', async () => {
    const ctx = context();
    const [v81, latest] = await tagsOf(WILDFLY, ctx);
    if (!v81 || !latest) throw new Error('wildfly has two tags');
    expect(await callResolver(StreamTag.from, v81, {}, ctx)).toBe(
      'DockerImage/openshift/wildfly-81-centos7:latest',
    );
    expect(await callResolver(StreamTag.from, latest, {}, ctx)).toBe('ImageStreamTag/8.1');
    const [prod] = (await tagsOf(RUBY, ctx)).slice(1);
    expect(await callResolver(StreamTag.from, prod as StreamTagModel, {}, ctx)).toBe(
      `ImageStreamImage/ruby-20-centos7@sha256:5c1bee506fe2522c20eba9662bf956082310fa3e94890906415e77f8f0d21caf`,
    );
    const noKind = { ...v81, spec: { name: '8.1', from: { name: 'x:1' } } };
    expect(await callResolver(StreamTag.from, noKind, {}, ctx)).toBe('DockerImage/x:1');
    const statusOnly = (await tagsOf(RUBY, ctx))[0] as StreamTagModel;
    expect(await callResolver(StreamTag.from, statusOnly, {}, ctx)).toBeNull();
  });

  it('lists the history newest first as events that know their stream', async () => {
    const ctx = context();
    const [, prod] = await tagsOf(RUBY, ctx);
    const history = await callResolver(StreamTag.history, prod as StreamTagModel, {}, ctx);
    expect(history).toEqual([
      {
        cluster: 'east',
        namespace: 'example',
        stream: 'ruby-20-centos7',
        wire: RUBY.status?.tags?.[1]?.items?.[0],
      },
    ]);
    const event = history[0] as TagEventModel;
    expect(await callResolver(TagEvent.created, event, {}, ctx)).toBe('2016-06-29T18:12:07Z');
    expect(await callResolver(TagEvent.digest, event, {}, ctx)).toBe(
      'sha256:5c1bee506fe2522c20eba9662bf956082310fa3e94890906415e77f8f0d21caf',
    );
    expect(await callResolver(TagEvent.generation, event, {}, ctx)).toBe(2);
    expect(await callResolver(TagEvent.dockerImageReference, event, {}, ctx)).toBe(
      'example/ruby-20-centos7@sha256:5c1bee506fe2522c20eba9662bf956082310fa3e94890906415e77f8f0d21caf',
    );
    // 2015 data: no generation.
    const [wildflyTag] = await tagsOf(WILDFLY, ctx);
    const [old] = await callResolver(StreamTag.history, wildflyTag as StreamTagModel, {}, ctx);
    expect(await callResolver(TagEvent.generation, old as TagEventModel, {}, ctx)).toBeNull();
    expect(
      await callResolver(
        StreamTag.history,
        (await tagsOf(PRUNE, ctx))[0] as StreamTagModel,
        {},
        ctx,
      ),
    ).toEqual([]);
    expect(
      await callResolver(
        StreamTag.conditions,
        (await tagsOf(PRUNE, ctx))[0] as StreamTagModel,
        {},
        ctx,
      ),
    ).toEqual([]);
  });

  it('links each event to its image through the batched loader', async () => {
    const ctx = context();
    const wire = clusters.sim('east').data.streams.get('openshift')?.get('python');
    if (!wire) throw new Error('no python stream');
    const tags = await tagsOf(wire, ctx);
    const events = await Promise.all(
      (await Promise.all(tags.map((t) => callResolver(StreamTag.history, t, {}, ctx)))).flat(),
    );
    clusters.resetCounts();
    const images = await Promise.all(
      events.map((e) => callResolver(TagEvent.imageStreamImage, e, {}, ctx)),
    );
    // 3.8 holds two images and latest one of them: two distinct reads.
    expect(images.map((i) => i?.digest)).toEqual([python, oldPython, python]);
    expect(clusters.sim('east').count('imagestreamimages')).toBe(2);
  });
});

describe('TagEventCondition', () => {
  it('projects an import failure; empty texts are null', async () => {
    const ctx = context();
    const condition = {
      type: 'ImportSuccess',
      status: 'False',
      reason: 'NotFound',
      message: 'dockerimage.image.openshift.io "python:3.99" not found',
      generation: 2,
    };
    expect(await callResolver(TagEventCondition.type, condition, {}, ctx)).toBe('ImportSuccess');
    expect(await callResolver(TagEventCondition.status, condition, {}, ctx)).toBe('False');
    expect(await callResolver(TagEventCondition.reason, condition, {}, ctx)).toBe('NotFound');
    expect(await callResolver(TagEventCondition.message, condition, {}, ctx)).toBe(
      condition.message,
    );
    expect(await callResolver(TagEventCondition.generation, condition, {}, ctx)).toBe(2);
    const empty = { type: 'ImportSuccess', status: 'True', reason: '', message: '' };
    expect(await callResolver(TagEventCondition.reason, empty, {}, ctx)).toBeNull();
    expect(await callResolver(TagEventCondition.message, empty, {}, ctx)).toBeNull();
    expect(await callResolver(TagEventCondition.generation, empty, {}, ctx)).toBeNull();
  });
});

describe('ImageStreamTag', () => {
  it('projects a tag and its image, which is not from the cache', async () => {
    const ctx = context();
    const wire = await clusters.registry
      .resolve('east')
      .getImageStreamTag('openshift', 'python:3.8');
    const model = { cluster: 'east', namespace: 'openshift', stream: 'python', tag: '3.8', wire };
    expect(await callResolver(ImageStreamTag.name, model, {}, ctx)).toBe('python:3.8');
    expect(await callResolver(ImageStreamTag.namespace, model, {}, ctx)).toBe('openshift');
    expect(await callResolver(ImageStreamTag.cluster, model, {}, ctx)).toMatchObject({
      name: 'east',
    });
    expect(await callResolver(ImageStreamTag.image, model, {}, ctx)).toEqual({
      cluster: 'east',
      namespace: 'openshift',
      stream: 'python',
      wire: wire.image,
    });
    const unnamed = { ...model, wire: { ...wire, metadata: {} } satisfies WireTag };
    expect(await callResolver(ImageStreamTag.name, unnamed, {}, ctx)).toBe('python:');
  });
});

describe('ImageLocation', () => {
  it('projects a location and links its image through the stream', async () => {
    const ctx = context();
    const location: ImageLocationModel = {
      cluster: 'east',
      namespace: 'openshift',
      stream: 'python',
      tags: ['3.8', 'latest'],
      digest: python,
      manifestList: undefined,
    };
    const tags = await callResolver(ImageLocation.tags, location, {}, ctx);
    expect(tags).toEqual(['3.8', 'latest']);
    expect(tags).not.toBe(location.tags);
    expect(await callResolver(ImageLocation.manifestList, location, {}, ctx)).toBeNull();
    expect(
      await callResolver(
        ImageLocation.manifestList,
        { ...location, manifestList: 'sha256:l' },
        {},
        ctx,
      ),
    ).toBe('sha256:l');
    expect(await callResolver(ImageLocation.cluster, location, {}, ctx)).toMatchObject({
      name: 'east',
    });
    expect(await callResolver(ImageLocation.namespace, location, {}, ctx)).toBe('openshift');
    expect(await callResolver(ImageLocation.stream, location, {}, ctx)).toBe('python');
    const isi = await callResolver(ImageLocation.imageStreamImage, location, {}, ctx);
    expect([isi?.stream, isi?.digest, isi?.wire.image.metadata.name]).toEqual([
      'python',
      python,
      python,
    ]);
  });
});
