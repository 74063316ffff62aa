import { describe, expect, it } from 'vitest';
import { createDiscovery } from '../../../src/simulator/createDiscovery.js';
import { createImageHandlers } from '../../../src/simulator/createImageHandlers.js';
import { createPaging } from '../../../src/simulator/createPaging.js';
import { createSeed, readFixture } from '../../../src/simulator/createSeed.js';
import { reviewSelfSubjectAccess } from '../../../src/simulator/reviewSelfSubjectAccess.js';
import type { Image, ImageStream } from '../../../src/upstream/types.js';
import type { Check } from '../../../src/upstream/wire/checkShape.js';
import {
  API_RESOURCE_LIST,
  IMAGE_MANIFEST_VULN_LIST,
  POD_LIST,
  PROJECT_LIST,
  WORKLOAD_OWNER,
  IMAGE,
  IMAGE_STREAM,
  IMAGE_STREAM_IMAGE,
  IMAGE_STREAM_LAYERS,
  IMAGE_STREAM_LIST,
  IMAGE_STREAM_TAG,
  SELF_SUBJECT_ACCESS_REVIEW,
  VERSION_INFO,
} from '../../../src/upstream/wire/wireShapes.js';

/** Real public objects (fixtures/openshift/SOURCES.md) that are, or embed, an Image. */
const IMAGES: Record<string, Image> = {
  'image-minimal-empty-metadata.json': readFixture('image-minimal-empty-metadata.json') as Image,
  'image-python-3.8.12-schema2.json': readFixture('image-python-3.8.12-schema2.json') as Image,
  // The documented mapping's image has no metadata of its own; the seed names it by digest.
  'imagestreammapping-origin-ruby-sample-docs.json .image, named': {
    ...(readFixture('imagestreammapping-origin-ruby-sample-docs.json') as { image: Image }).image,
    metadata: { name: 'sha256:mapping' },
  },
  'imagestreamimport-swarm-helloworld.json .status.images[0].image': (
    readFixture('imagestreamimport-swarm-helloworld.json') as {
      status: { images: { image: Image }[] };
    }
  ).status.images[0]?.image as Image,
};

const STREAMS = [
  'imagestream-origin-ruby-sample-docs.json',
  'imagestream-python-prune-sample.json',
  'imagestream-ruby-20-centos7-isimage-spec.json',
  'imagestream-wildfly.json',
];

/** A deep copy of a value with one change, to break a valid object in one place. */
function broken<T>(value: T, change: (copy: T) => void): T {
  const copy = structuredClone(value);
  change(copy);
  return copy;
}

const fits = (check: Check, value: unknown): string | undefined => check(value, '');

describe('wire shapes and the real objects of fixtures/openshift', () => {
  it.each(Object.entries(IMAGES))('%s is an Image', (_name, image) => {
    expect(fits(IMAGE, image)).toBeUndefined();
  });

  it.each(STREAMS)('%s is an ImageStream', (name) => {
    expect(fits(IMAGE_STREAM, readFixture(name) as ImageStream)).toBeUndefined();
  });

  it('takes a list of those streams as an ImageStreamList', () => {
    const list = {
      kind: 'ImageStreamList',
      metadata: { resourceVersion: '5000', continue: '' },
      items: STREAMS.map((name) => readFixture(name) as ImageStream),
    };
    expect(fits(IMAGE_STREAM_LIST, list)).toBeUndefined();
  });

  it('takes a Status answered with 200 for none of the image kinds', () => {
    const status = readFixture('status-forbidden-403.json');
    expect(fits(IMAGE_STREAM_IMAGE, status)).toBe('image is undefined, not an object');
    expect(fits(IMAGE_STREAM_TAG, status)).toBe('image is undefined, not an object');
    expect(fits(IMAGE_STREAM_LAYERS, status)).toBe('blobs is undefined, not an object');
  });
});

describe('wire shapes and the simulated API server’s answers', () => {
  const data = createSeed('east');
  const handlers = createImageHandlers(data, createPaging());

  it('every ImageStreamImage, ImageStreamTag and ImageStreamLayers of the seed fits', () => {
    let checked = 0;
    let tags = 0;
    for (const [namespace, streams] of data.streams)
      for (const [name, stream] of streams) {
        expect(fits(IMAGE_STREAM, stream)).toBeUndefined();
        expect(
          fits(IMAGE_STREAM_LAYERS, handlers.imageStreamLayers(namespace, name).body),
        ).toBeUndefined();
        for (const tag of stream.status?.tags ?? []) {
          const answer = handlers.imageStreamTag(namespace, `${name}:${tag.tag}`);
          if (answer.status === 200) {
            expect(fits(IMAGE_STREAM_TAG, answer.body)).toBeUndefined();
            tags += 1;
          }
          for (const item of tag.items ?? []) {
            const isi = handlers.imageStreamImage(namespace, `${name}@${item.image}`);
            if (isi.status !== 200) continue;
            expect(fits(IMAGE_STREAM_IMAGE, isi.body)).toBeUndefined();
            checked += 1;
          }
        }
      }
    expect(checked).toBeGreaterThan(100);
    expect(tags).toBeGreaterThan(10);
    expect(
      fits(IMAGE_STREAM_LIST, handlers.imageStreamList('', new URLSearchParams('limit=5')).body),
    ).toBeUndefined();
  });

  it('/version and a SelfSubjectAccessReview fit', () => {
    expect(fits(VERSION_INFO, createDiscovery().documentAt('/version'))).toBeUndefined();
    const review = reviewSelfSubjectAccess(
      { user: 'u', grant: { user: 'u', namespaces: '*' } },
      Buffer.from(
        JSON.stringify({
          spec: {
            resourceAttributes: {
              verb: 'get',
              group: 'image.openshift.io',
              resource: 'imagestreams',
              namespace: 'ns',
            },
          },
        }),
      ),
      'application/json',
    );
    expect(fits(SELF_SUBJECT_ACCESS_REVIEW, review.body)).toBeUndefined();
  });
});

describe('wire shapes refuse a broken object, naming where', () => {
  const python = IMAGES['image-python-3.8.12-schema2.json'] as Image;
  const stream = readFixture('imagestream-wildfly.json') as ImageStream;

  it.each([
    [
      'a layer size that is a string',
      broken(python, (i) => Object.assign(i.dockerImageLayers?.[2] ?? {}, { size: '1024' })),
      'dockerImageLayers[2].size is string, not a number',
    ],
    [
      'a layer size that is not a whole number (red team: an INTERNAL_SERVER_ERROR later)',
      broken(python, (i) => Object.assign(i.dockerImageLayers?.[2] ?? {}, { size: 1.5 })),
      'dockerImageLayers[2].size is 1.5, not an integer',
    ],
    [
      'a layer size too large for a JSON number to hold exactly',
      broken(python, (i) => Object.assign(i.dockerImageLayers?.[0] ?? {}, { size: 1e308 })),
      'dockerImageLayers[0].size is 1e+308, not an integer',
    ],
    [
      'a creation time that is not RFC 3339',
      broken(python, (i) => Object.assign(i.metadata, { creationTimestamp: 'yesterday' })),
      'metadata.creationTimestamp is not an RFC 3339 time',
    ],
    [
      'a build time that is not RFC 3339',
      broken(python, (i) => Object.assign(i.dockerImageMetadata ?? {}, { Created: 'not-a-date' })),
      'dockerImageMetadata.Created is not an RFC 3339 time',
    ],
    [
      'Env that is one string',
      broken(python, (i) =>
        Object.assign(i.dockerImageMetadata?.Config ?? {}, { Env: 'PATH=/bin' }),
      ),
      'dockerImageMetadata.Config.Env is string, not a list',
    ],
    [
      'an annotation that is a number',
      broken(python, (i) => Object.assign(i.metadata, { annotations: { 'openshift.io/x': 1 } })),
      'metadata.annotations["openshift.io/x"] is number, not a string',
    ],
    [
      'layers that are an object',
      broken(python, (i) => Object.assign(i, { dockerImageLayers: { 0: {} } })),
      'dockerImageLayers is object, not a list',
    ],
    [
      'a manifest size that is a string',
      broken(python, (i) =>
        Object.assign(i, {
          dockerImageManifests: [
            {
              digest: 'sha256:a',
              mediaType: 'm',
              manifestSize: '1152',
              architecture: 'amd64',
              os: 'linux',
            },
          ],
        }),
      ),
      'dockerImageManifests[0].manifestSize is string, not a number',
    ],
    [
      'a signature condition without a status',
      broken(python, (i) =>
        Object.assign(i, {
          signatures: [{ type: 'atomic', content: 'AA==', conditions: [{ type: 'Trusted' }] }],
        }),
      ),
      'signatures[0].conditions[0].status is undefined, not a string',
    ],
    [
      'no metadata',
      broken(python, (i) => Object.assign(i, { metadata: undefined })),
      'metadata is undefined, not an object',
    ],
  ])('an Image with %s', (_what, image, problem) => {
    expect(fits(IMAGE, image)).toBe(problem);
    expect(fits(IMAGE_STREAM_IMAGE, { metadata: {}, image })).toBe(`image.${problem}`);
  });

  it('an ImageStream whose tag history names no image', () => {
    const bad = broken(stream, (s) =>
      Object.assign(s.status?.tags?.[0]?.items?.[0] ?? {}, { image: null }),
    );
    expect(fits(IMAGE_STREAM, bad)).toBe('status.tags[0].items[0].image is null, not a string');
    expect(fits(IMAGE_STREAM_LIST, { items: [stream, bad] })).toBe(
      'items[1].status.tags[0].items[0].image is null, not a string',
    );
    expect(fits(IMAGE_STREAM_LIST, { items: 'none' })).toBe('items is string, not a list');
  });

  it('layers whose image entry lists manifests as a string', () => {
    const digest = `sha256:${'f'.repeat(64)}`;
    const layers = { metadata: {}, blobs: {}, images: { [digest]: { manifests: digest } } };
    expect(fits(IMAGE_STREAM_LAYERS, layers)).toBe(
      `images["${digest.slice(0, 40)}"].manifests is string, not a list`,
    );
  });

  it('an access review whose answer is not a boolean, and a version that is not a string', () => {
    expect(fits(SELF_SUBJECT_ACCESS_REVIEW, { status: { allowed: 'true' } })).toBe(
      'status.allowed is string, not a boolean',
    );
    expect(fits(SELF_SUBJECT_ACCESS_REVIEW, {})).toBe('status is undefined, not an object');
    expect(fits(VERSION_INFO, { gitVersion: 129 })).toBe('gitVersion is number, not a string');
  });
});

describe('workload wire shapes', () => {
  const data = createSeed('east', { benchStreams: 1, benchImagesPerStream: 1 });
  const objects = (key: string): unknown[] =>
    [...(data.workloads?.objects.get(key)?.values() ?? [])].flatMap((m) => [...m.values()]);

  it('every simulated pod list, owner and ImageManifestVuln list fits', () => {
    expect(fits(POD_LIST, { kind: 'PodList', items: objects('pods') })).toBeUndefined();
    let owners = 0;
    for (const key of [
      'replicasets.apps',
      'deployments.apps',
      'statefulsets.apps',
      'daemonsets.apps',
      'jobs.batch',
      'cronjobs.batch',
      'replicationcontrollers',
      'deploymentconfigs.apps.openshift.io',
    ])
      for (const owner of objects(key)) {
        expect(fits(WORKLOAD_OWNER, owner)).toBeUndefined();
        owners += 1;
      }
    expect(owners).toBeGreaterThanOrEqual(9);
    expect(
      fits(IMAGE_MANIFEST_VULN_LIST, {
        items: objects('imagemanifestvulns.secscan.quay.redhat.com'),
      }),
    ).toBeUndefined();
    expect(
      fits(
        API_RESOURCE_LIST,
        createDiscovery({ scanner: true }).documentAt('/apis/secscan.quay.redhat.com/v1alpha1'),
      ),
    ).toBeUndefined();
  });

  it('refuses the malformed shapes a broken API server or proxy could send, naming the path', () => {
    expect(fits(POD_LIST, { items: 'none' })).toBe('items is string, not a list');
    expect(
      fits(POD_LIST, {
        items: [{ metadata: { name: 'p' }, status: { containerStatuses: [{ name: 1 }] } }],
      }),
    ).toBe('items[0].status.containerStatuses[0].name is number, not a string');
    expect(
      fits(POD_LIST, {
        items: [{ metadata: { name: 'p', ownerReferences: [{ kind: 'ReplicaSet' }] } }],
      }),
    ).toBe('items[0].metadata.ownerReferences[0].name is undefined, not a string');
    expect(fits(PROJECT_LIST, { items: [{ metadata: { name: 'a' } }] })).toBeUndefined();
    expect(fits(PROJECT_LIST, { items: [{ metadata: { name: ['a'] } }] })).toBe(
      'items[0].metadata.name is a list, not a string',
    );
    expect(fits(WORKLOAD_OWNER, { metadata: { name: 'd', annotations: { a: 1 } } })).toContain(
      'annotations',
    );
    expect(fits(WORKLOAD_OWNER, { metadata: { name: 'd' }, spec: { triggers: {} } })).toBe(
      'spec.triggers is object, not a list',
    );
    expect(
      fits(IMAGE_MANIFEST_VULN_LIST, {
        items: [
          {
            metadata: {},
            spec: { features: [{ name: 'x', vulnerabilities: [{ severity: 'High' }] }] },
          },
        ],
      }),
    ).toBe('items[0].spec.features[0].vulnerabilities[0].name is undefined, not a string');
  });
});
