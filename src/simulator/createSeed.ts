import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { seededRandom } from './seededRandom.js';
import type {
  DockerImage,
  Image,
  ImageLayer,
  ImageSignature,
  ImageStream,
  NamedTagEventList,
  TagEvent,
  TagReference,
} from '../upstream/types.js';

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
}

export interface SeedOptions {
  /** Streams generated in namespace `bench` (default 10). */
  readonly benchStreams?: number;
  /** Images in each of those streams' history (default 12). */
  readonly benchImagesPerStream?: number;
  /** Extra metadata bytes per generated bench image (labels), to test large payloads (default 0). */
  readonly benchLabelBytes?: number;
}

const FIXTURES = new URL('../../fixtures/openshift/', import.meta.url);

export function readFixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFixtureText(name)) as T;
}

export function sha256(text: string | Buffer): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** A deterministic generator seeded from a string. */
function createRandom(seed: string): () => number {
  return seededRandom(createHash('sha256').update(seed).digest().readUInt32LE(0));
}

const SCHEMA2 = 'application/vnd.docker.distribution.manifest.v2+json';
const SCHEMA2_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const SCHEMA2_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const INTERNAL_REGISTRY = 'image-registry.openshift-image-registry.svc:5000';

interface RegistryManifest {
  config: { size: number; digest: string };
  layers: { mediaType: string; size: number; digest: string }[];
}

interface RegistryConfig {
  architecture: string;
  config: DockerImage['Config'];
  container_config: DockerImage['ContainerConfig'];
  container?: string;
  created: string;
  docker_version?: string;
}

interface ManifestList {
  manifests: {
    digest: string;
    mediaType: string;
    size: number;
    platform: { architecture: string; os: string; variant?: string };
  }[];
}

/** Builds an Image the way the API server stores an imported schema2 manifest. */
function imageFromRegistry(
  digest: string,
  manifest: RegistryManifest,
  config: RegistryConfig,
  architecture: string,
  pullSpec: string,
): Image {
  const layers: ImageLayer[] = manifest.layers.map((l) => ({
    name: l.digest,
    size: l.size,
    mediaType: l.mediaType,
  }));
  const unique = new Map(layers.map((l) => [l.name, l.size ?? 0]));
  const size = manifest.config.size + [...unique.values()].reduce((a, b) => a + b, 0);
  return {
    kind: 'Image',
    apiVersion: 'image.openshift.io/v1',
    metadata: {
      name: digest,
      uid: uidFor(digest),
      resourceVersion: '4711',
      creationTimestamp: '2024-03-01T10:00:00Z',
      annotations: { 'image.openshift.io/dockerLayersOrder': 'ascending' },
    },
    dockerImageReference: pullSpec,
    dockerImageMetadata: {
      kind: 'DockerImage',
      apiVersion: 'image.openshift.io/1.0',
      Id: manifest.config.digest,
      Created: config.created,
      Container: config.container,
      ContainerConfig: config.container_config ?? {},
      DockerVersion: config.docker_version,
      Config: config.config,
      Architecture: architecture,
      Size: size,
    },
    dockerImageMetadataVersion: '1.0',
    dockerImageLayers: layers,
    dockerImageManifestMediaType: SCHEMA2,
  };
}

function uidFor(seed: string): string {
  const h = createHash('sha256').update(`uid:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Two signatures: one verified by `oc adm verify-image-signature`, one imported and unverified. */
function signaturesFor(digest: string): ImageSignature[] {
  const content = (label: string): string =>
    Buffer.from(createHash('sha512').update(`${label}:${digest}`).digest()).toString('base64');
  return [
    {
      metadata: {
        name: `${digest}@${createHash('md5').update(`verified${digest}`).digest('hex')}`,
      },
      type: 'atomic',
      content: content('verified'),
      conditions: [
        {
          type: 'Trusted',
          status: 'True',
          lastProbeTime: '2024-03-02T08:15:00Z',
          lastTransitionTime: '2024-03-02T08:15:00Z',
          reason: 'manually verified',
          message: 'verified by user "kube:admin"',
        },
        {
          type: 'ForImage',
          status: 'True',
          lastProbeTime: '2024-03-02T08:15:00Z',
          lastTransitionTime: '2024-03-02T08:15:00Z',
          reason: 'manually verified',
          message: 'verified by user "kube:admin"',
        },
      ],
      imageIdentity: 'registry.access.redhat.com/ubi9/python-38',
      signedClaims: {
        'io.openshift.build': 'release',
        'com.redhat.component': 'python-38-container',
      },
      created: '2024-03-01T10:05:00Z',
      issuedBy: { commonName: '199E2F91FD431D51', organization: 'Red Hat, Inc.' },
      issuedTo: { commonName: 'Red Hat, Inc. (release key 2)', publicKeyID: '199E2F91FD431D51' },
    },
    {
      metadata: {
        name: `${digest}@${createHash('md5').update(`imported${digest}`).digest('hex')}`,
      },
      type: 'atomic',
      content: content('imported'),
    },
  ];
}

function tagEvent(
  image: Image | string,
  created: string,
  generation: number | undefined,
  repo: string,
): TagEvent {
  const digest = typeof image === 'string' ? image : (image.metadata.name ?? '');
  const event: TagEvent = { created, dockerImageReference: `${repo}@${digest}`, image: digest };
  if (generation !== undefined) event.generation = generation;
  return event;
}

function stream(
  namespace: string,
  name: string,
  specTags: TagReference[],
  statusTags: NamedTagEventList[],
  annotations: Record<string, string> = {},
): ImageStream {
  return {
    kind: 'ImageStream',
    apiVersion: 'image.openshift.io/v1',
    metadata: {
      name,
      namespace,
      uid: uidFor(`${namespace}/${name}`),
      resourceVersion: '1000',
      generation: 2,
      creationTimestamp: '2024-03-01T09:00:00Z',
      annotations,
    },
    spec: { lookupPolicy: { local: false }, tags: specTags },
    status: {
      dockerImageRepository: `${INTERNAL_REGISTRY}/${namespace}/${name}`,
      publicDockerImageRepository: `default-route-openshift-image-registry.apps.example.com/${namespace}/${name}`,
      tags: statusTags,
    },
  };
}

/** A generated schema2 or OCI image with realistic metadata; sizes may pass 2^32. */
function generatedImage(seed: string, labelBytes: number): Image {
  const random = createRandom(seed);
  const oci = random() < 0.3;
  const layerCount = 3 + Math.floor(random() * 5);
  const layers: ImageLayer[] = [];
  for (let i = 0; i < layerCount; i++) {
    const big = i === 0 && random() < 0.15;
    layers.push({
      name: sha256(`${seed}/layer/${i}`),
      size: big
        ? 5_368_709_120 + Math.floor(random() * 1_000_000)
        : Math.floor(random() * 80_000_000) + 32,
      mediaType: oci ? OCI_LAYER : SCHEMA2_LAYER,
    });
  }
  const digest = sha256(`${seed}/manifest`);
  const labels: Record<string, string> = {
    'io.k8s.display-name': seed.split('/').slice(-2).join(' '),
    'io.openshift.tags': 'builder,demo',
    'org.opencontainers.image.source': `https://git.example.com/${seed}`,
    'com.example/build=id': String(Math.floor(random() * 1e6)),
  };
  if (labelBytes > 0) labels['com.example.padding'] = 'x'.repeat(labelBytes);
  const config = {
    User: '1001',
    WorkingDir: '/opt/app-root/src',
    Env: [
      'PATH=/opt/app-root/bin:/usr/bin:/bin',
      `APP_SEED=${seed}`,
      'JAVA_OPTS=-Dfoo=bar -Xmx=512m',
    ],
    Cmd: ['/usr/libexec/s2i/run'],
    Entrypoint: ['container-entrypoint'],
    ExposedPorts: { '8080/tcp': {}, '8443/tcp': {} },
    Volumes: { '/var/lib/data': {} },
    Labels: labels,
  };
  const size = layers.reduce((a, l) => a + (l.size ?? 0), 0) + 4096;
  return {
    kind: 'Image',
    apiVersion: 'image.openshift.io/v1',
    metadata: {
      name: digest,
      uid: uidFor(digest),
      resourceVersion: String(2000 + Math.floor(random() * 1000)),
      creationTimestamp: '2024-04-01T12:00:00Z',
      annotations: {
        'image.openshift.io/dockerLayersOrder': 'ascending',
        'openshift.io/image.managed': 'true',
      },
    },
    dockerImageReference: `${INTERNAL_REGISTRY}/${seed}@${digest}`,
    dockerImageMetadata: {
      kind: 'DockerImage',
      apiVersion: 'image.openshift.io/1.0',
      Id: sha256(`${seed}/config`),
      Created: '2024-04-01T11:58:00Z',
      ContainerConfig: {},
      Author: 'builder@example.com',
      Config: config,
      Architecture: random() < 0.8 ? 'amd64' : 'arm64',
      Size: size,
    },
    dockerImageMetadataVersion: '1.0',
    dockerImageLayers: layers,
    dockerImageManifestMediaType: oci ? OCI_MANIFEST : SCHEMA2,
  };
}

/** A stream of generated images: tag `latest` carries the whole history, newest first. */
function generatedStream(
  images: Map<string, Image>,
  namespace: string,
  name: string,
  seedPrefix: string,
  count: number,
  labelBytes: number,
): ImageStream {
  const repo = `${INTERNAL_REGISTRY}/${namespace}/${name}`;
  const history: TagEvent[] = [];
  const versions: NamedTagEventList[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const image = generatedImage(`${seedPrefix}/${namespace}/${name}/${i}`, labelBytes);
    images.set(image.metadata.name ?? '', image);
    const created = new Date(Date.UTC(2024, 3, 1, 12, i)).toISOString().replace('.000', '');
    history.push(tagEvent(image, created, i + 1, repo));
    versions.push({
      tag: `v${i + 1}`,
      items: [tagEvent(image, created, i + 1, repo)],
      conditions: [],
    });
  }
  const statusTags = [{ tag: 'latest', items: history }, ...versions].sort((a, b) =>
    a.tag.localeCompare(b.tag),
  );
  const specTags: TagReference[] = statusTags.map((t) => ({
    name: t.tag,
    annotations: null,
    generation: 1,
    from: { kind: 'DockerImage', name: `${repo}:${t.tag}` },
    referencePolicy: { type: 'Source' },
  }));
  return stream(namespace, name, specTags, statusTags);
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

/**
 * The seed of one simulated cluster. Both demo clusters share the fixture images and the
 * `shared/base` stream; everything generated from the cluster name differs between them.
 */
export function createSeed(clusterName: string, options: SeedOptions = {}): SeedData {
  const data: SeedData = { images: new Map(), streams: new Map() };
  const add = (image: Image): Image => {
    data.images.set(image.metadata.name ?? '', image);
    return image;
  };

  // Real objects, as the API server would hold them.
  const python = readFixture<Image>('image-python-3.8.12-schema2.json');
  python.signatures = signaturesFor(python.metadata.name ?? '');
  add(python);

  const mapping = readFixture<{ image: Image }>('imagestreammapping-origin-ruby-sample-docs.json');
  const rubySampleDigest = (mapping.image.dockerImageReference ?? '').split('@')[1] ?? '';
  add({
    kind: 'Image',
    apiVersion: 'image.openshift.io/v1',
    ...mapping.image,
    metadata: {
      name: rubySampleDigest,
      uid: uidFor(rubySampleDigest),
      creationTimestamp: '2016-01-29T13:40:11Z',
    },
  });

  const imported = readFixture<{ status: { images: { image: Image }[] } }>(
    'imagestreamimport-swarm-helloworld.json',
  );
  const swarm = imported.status.images[0]?.image;
  if (swarm) add({ kind: 'Image', apiVersion: 'image.openshift.io/v1', ...swarm });

  // A two-platform manifest list whose children are the real amd64/arm64 manifests.
  const listText = readFixtureText('registry-manifest-list-docker-v2-2arch.json');
  const list = JSON.parse(listText) as ManifestList;
  const listDigest = sha256(listText);
  const config = readFixture<RegistryConfig>('registry-config-linux-amd64.json');
  const children: Image[] = [];
  for (const child of list.manifests) {
    const arch = child.platform.architecture;
    const manifest = readFixture<RegistryManifest>(`registry-manifest-schema2-linux-${arch}.json`);
    children.push(
      add(
        imageFromRegistry(
          child.digest,
          manifest,
          { ...config, architecture: arch },
          arch,
          `quay.io/example/hello-multiarch@${child.digest}`,
        ),
      ),
    );
  }
  add({
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
  });

  // Real image streams, in their own namespaces.
  put(data, readFixture<ImageStream>('imagestream-origin-ruby-sample-docs.json'));
  put(data, readFixture<ImageStream>('imagestream-wildfly.json'));
  put(data, readFixture<ImageStream>('imagestream-ruby-20-centos7-isimage-spec.json'));

  // The CRC prune sample: a spec-only tag, plus a tag whose import failed.
  const pythonStream = readFixture<ImageStream>('imagestream-python-prune-sample.json');
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

  // Streams built from the fixture images, with histories and a manifest list.
  const pyRepo = `${INTERNAL_REGISTRY}/openshift/python`;
  const oldPython = add(generatedImage('openshift/python/3.8.11', 0));
  put(
    data,
    stream(
      'openshift',
      'python',
      [
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
      ],
      [
        {
          tag: '3.8',
          items: [
            tagEvent(python, '2024-03-01T10:00:00Z', 2, pyRepo),
            tagEvent(oldPython, '2023-11-20T08:00:00Z', 1, pyRepo),
          ],
          conditions: [],
        },
        { tag: 'latest', items: [tagEvent(python, '2024-03-01T10:00:00Z', 2, pyRepo)] },
      ],
      { 'openshift.io/image.dockerRepositoryCheck': '2024-03-01T10:00:00Z' },
    ),
  );
  const maRepo = `${INTERNAL_REGISTRY}/openshift/hello-multiarch`;
  put(
    data,
    stream(
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
  const helloRepo = `${INTERNAL_REGISTRY}/hello-world/swarm-helloworld`;
  if (swarm) {
    put(
      data,
      stream(
        'hello-world',
        'swarm-helloworld',
        [],
        [{ tag: 'latest', items: [tagEvent(swarm, '2016-02-24T20:53:28Z', undefined, helloRepo)] }],
      ),
    );
  }

  // Generated streams: `shared` is identical on every cluster, `apps` differs per cluster.
  put(data, generatedStream(data.images, 'shared', 'base', 'shared', 3, 0));
  for (const app of ['frontend', 'backend', 'worker']) {
    put(data, generatedStream(data.images, 'apps', app, clusterName, 4, 0));
  }
  const benchStreams = options.benchStreams ?? 10;
  const perStream = options.benchImagesPerStream ?? 12;
  for (let s = 0; s < benchStreams; s++) {
    const name = `stream-${String(s).padStart(3, '0')}`;
    put(
      data,
      generatedStream(
        data.images,
        'bench',
        name,
        clusterName,
        perStream,
        options.benchLabelBytes ?? 0,
      ),
    );
  }
  for (const child of children) data.images.set(child.metadata.name ?? '', child);
  return data;
}
