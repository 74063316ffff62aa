import type { Image, ImageStream } from '../upstream/types.js';
import { buildImageStream, INTERNAL_REGISTRY, tagEvent, uidFor } from './buildImageStream.js';
import { generateImage, generateStream } from './generateStream.js';
import {
  imageFromRegistry,
  type ManifestList,
  type RegistryConfig,
  type RegistryManifest,
} from './imageFromRegistry.js';
import { readFixture, readFixtureText } from './readFixture.js';
import { sha256 } from './sha256.js';
import { signaturesFor } from './signaturesFor.js';
import {
  createWorkloadSeed,
  type WorkloadData,
  type WorkloadSeedOptions,
} from './createWorkloadSeed.js';

export { readFixture, readFixtureText } from './readFixture.js';
export { sha256 } from './sha256.js';

/**
 * The data a simulated cluster serves: real public OpenShift objects from `fixtures/openshift/`
 * (see its SOURCES.md) plus deterministic generated streams, so the same cluster name always
 * yields the same digests, sizes and histories.
 */
export interface SeedData {
  /** Cluster-scoped Image objects by metadata.name. */
  readonly images: Map<string, Image>;
  /** Namespace -> stream name -> ImageStream. */
  readonly streams: Map<string, Map<string, ImageStream>>;
  /** Pods, their owners and scan results (createWorkloadSeed); none when absent. */
  readonly workloads?: WorkloadData | undefined;
}

export interface SeedOptions extends WorkloadSeedOptions {
  /** Streams generated in namespace `bench` (default 10). */
  readonly benchStreams?: number | undefined;
  /** Images in each of those streams' history (default 12). */
  readonly benchImagesPerStream?: number | undefined;
  /** Extra metadata bytes per generated bench image (labels), to test large payloads (default 0). */
  readonly benchLabelBytes?: number | undefined;
}

const SCHEMA2_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

/**
 * The seed of one simulated cluster. Both demo clusters share the fixture images and the
 * `shared/base` stream; everything generated from the cluster name differs between them.
 */
export function createSeed(clusterName: string, options: SeedOptions = {}): SeedData {
  const data: SeedData = { images: new Map(), streams: new Map() };
  const images = addFixtureImages(data);
  addFixtureStreams(data);
  addPythonStreams(data, images.python);
  addMultiArchStream(data, images.listDigest);
  if (images.swarm) {
    const helloRepo = `${INTERNAL_REGISTRY}/hello-world/swarm-helloworld`;
    put(
      data,
      buildImageStream(
        'hello-world',
        'swarm-helloworld',
        [],
        [
          {
            tag: 'latest',
            items: [tagEvent(images.swarm, '2016-02-24T20:53:28Z', undefined, helloRepo)],
          },
        ],
      ),
    );
  }
  // Generated streams: `shared` is identical on every cluster, `apps` differs per cluster.
  put(data, generateStream(data.images, 'shared', 'base', 'shared', 3, 0));
  for (const app of ['frontend', 'backend', 'worker']) {
    put(data, generateStream(data.images, 'apps', app, clusterName, 4, 0));
  }
  const benchStreams = options.benchStreams ?? 10;
  const perStream = options.benchImagesPerStream ?? 12;
  const labelBytes = options.benchLabelBytes ?? 0;
  for (let s = 0; s < benchStreams; s++) {
    const name = `stream-${String(s).padStart(3, '0')}`;
    put(data, generateStream(data.images, 'bench', name, clusterName, perStream, labelBytes));
  }
  return { ...data, workloads: createWorkloadSeed(clusterName, data, options) };
}

function add(data: SeedData, image: Image): Image {
  data.images.set(image.metadata.name ?? '', image);
  return image;
}

function put(data: SeedData, s: ImageStream): void {
  const ns = s.metadata.namespace ?? 'default';
  let streams = data.streams.get(ns);
  if (!streams) {
    streams = new Map();
    data.streams.set(ns, streams);
  }
  streams.set(s.metadata.name ?? '', s);
}

/** Real Image objects, as the API server would hold them, and a two-platform manifest list. */
function addFixtureImages(data: SeedData): {
  python: Image;
  swarm: Image | undefined;
  listDigest: string;
} {
  const python = readFixture('image-python-3.8.12-schema2.json') as Image;
  python.signatures = signaturesFor(python.metadata.name ?? '');
  add(data, python);

  const mapping = readFixture('imagestreammapping-origin-ruby-sample-docs.json') as {
    image: Image;
  };
  const rubySampleDigest = (mapping.image.dockerImageReference ?? '').split('@')[1] ?? '';
  add(data, {
    kind: 'Image',
    apiVersion: 'image.openshift.io/v1',
    ...mapping.image,
    metadata: {
      name: rubySampleDigest,
      uid: uidFor(rubySampleDigest),
      creationTimestamp: '2016-01-29T13:40:11Z',
    },
  });

  const imported = readFixture('imagestreamimport-swarm-helloworld.json') as {
    status: { images: { image: Image }[] };
  };
  const swarm = imported.status.images[0]?.image;
  if (swarm) add(data, { kind: 'Image', apiVersion: 'image.openshift.io/v1', ...swarm });

  // The list's children are the real amd64/arm64 manifests.
  const listText = readFixtureText('registry-manifest-list-docker-v2-2arch.json');
  const list = JSON.parse(listText) as ManifestList;
  const listDigest = sha256(listText);
  const config = readFixture('registry-config-linux-amd64.json') as RegistryConfig;
  for (const child of list.manifests) {
    const arch = child.platform.architecture;
    const manifest = readFixture(
      `registry-manifest-schema2-linux-${arch}.json`,
    ) as RegistryManifest;
    const pullSpec = `quay.io/example/hello-multiarch@${child.digest}`;
    add(
      data,
      imageFromRegistry(child.digest, manifest, { ...config, architecture: arch }, arch, pullSpec),
    );
  }
  add(data, manifestListImage(listDigest, list));
  return { python, swarm, listDigest };
}

/** The Image of a manifest list imported with PreserveOriginal: manifests, no layers. */
function manifestListImage(listDigest: string, list: ManifestList): Image {
  return {
    kind: 'Image',
    apiVersion: 'image.openshift.io/v1',
    metadata: {
      name: listDigest,
      uid: uidFor(listDigest),
      resourceVersion: '4712',
      creationTimestamp: '2024-03-01T10:00:00Z',
    },
    dockerImageReference: `quay.io/example/hello-multiarch@${listDigest}`,
    dockerImageMetadata: {
      kind: 'DockerImage',
      apiVersion: 'image.openshift.io/1.0',
      Id: listDigest,
      Created: null,
      ContainerConfig: {},
    },
    dockerImageMetadataVersion: '1.0',
    dockerImageManifestMediaType: SCHEMA2_LIST,
    dockerImageManifests: list.manifests.map((m) => {
      const out: NonNullable<Image['dockerImageManifests']>[number] = {
        digest: m.digest,
        mediaType: m.mediaType,
        manifestSize: m.size,
        architecture: m.platform.architecture,
        os: m.platform.os,
      };
      if (m.platform.variant) out.variant = m.platform.variant;
      return out;
    }),
  };
}

/** Real image streams, in their own namespaces; the CRC prune sample gets a failed import. */
function addFixtureStreams(data: SeedData): void {
  put(data, readFixture('imagestream-origin-ruby-sample-docs.json') as ImageStream);
  put(data, readFixture('imagestream-wildfly.json') as ImageStream);
  put(data, readFixture('imagestream-ruby-20-centos7-isimage-spec.json') as ImageStream);

  // A spec-only tag, plus a tag whose import failed.
  const pythonStream = readFixture('imagestream-python-prune-sample.json') as ImageStream;
  pythonStream.spec?.tags?.push({
    name: '3.99',
    annotations: null,
    from: { kind: 'DockerImage', name: 'python:3.99' },
    generation: 2,
    importPolicy: { insecure: false },
    referencePolicy: { type: 'Source' },
  });
  pythonStream.status = {
    ...pythonStream.status,
    tags: [
      {
        tag: '3.99',
        items: null,
        conditions: [
          {
            type: 'ImportSuccess',
            status: 'False',
            lastTransitionTime: '2024-03-02T09:00:00Z',
            reason: 'NotFound',
            message: 'dockerimage.image.openshift.io "python:3.99" not found',
            generation: 2,
          },
        ],
      },
    ],
  };
  put(data, pythonStream);
}

/** openshift/python: the real python image with an older generated one in its 3.8 history. */
function addPythonStreams(data: SeedData, python: Image): void {
  const pyRepo = `${INTERNAL_REGISTRY}/openshift/python`;
  const oldPython = add(data, generateImage('openshift/python/3.8.11', 0));
  const specTags = [
    {
      name: '3.8',
      annotations: { 'openshift.io/display-name': 'Python 3.8' },
      from: { kind: 'DockerImage', name: 'python:3.8.12' },
      generation: 2,
      referencePolicy: { type: 'Local' },
    },
    {
      name: 'latest',
      annotations: null,
      from: { kind: 'ImageStreamTag', name: '3.8' },
      generation: 2,
      referencePolicy: { type: 'Source' },
    },
  ];
  const statusTags = [
    {
      tag: '3.8',
      items: [
        tagEvent(python, '2024-03-01T10:00:00Z', 2, pyRepo),
        tagEvent(oldPython, '2023-11-20T08:00:00Z', 1, pyRepo),
      ],
      conditions: [],
    },
    { tag: 'latest', items: [tagEvent(python, '2024-03-01T10:00:00Z', 2, pyRepo)] },
  ];
  put(
    data,
    buildImageStream('openshift', 'python', specTags, statusTags, {
      'openshift.io/image.dockerRepositoryCheck': '2024-03-01T10:00:00Z',
    }),
  );
}

/** openshift/hello-multiarch: tag latest imported with PreserveOriginal, so the list itself. */
function addMultiArchStream(data: SeedData, listDigest: string): void {
  const maRepo = `${INTERNAL_REGISTRY}/openshift/hello-multiarch`;
  put(
    data,
    buildImageStream(
      'openshift',
      'hello-multiarch',
      [
        {
          name: 'latest',
          annotations: null,
          from: { kind: 'DockerImage', name: 'quay.io/example/hello-multiarch:latest' },
          generation: 1,
          importPolicy: { importMode: 'PreserveOriginal' },
          referencePolicy: { type: 'Source' },
        },
      ],
      [{ tag: 'latest', items: [tagEvent(listDigest, '2024-03-01T10:00:00Z', 1, maRepo)] }],
    ),
  );
}
