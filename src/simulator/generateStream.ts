import { createHash } from 'node:crypto';
import type {
  DockerImage,
  Image,
  ImageLayer,
  ImageStream,
  NamedTagEventList,
  TagEvent,
  TagReference,
} from '../upstream/types.js';
import { buildImageStream, INTERNAL_REGISTRY, tagEvent, uidFor } from './buildImageStream.js';
import { SCHEMA2 } from './imageFromRegistry.js';
import { seededRandom } from './seededRandom.js';
import { sha256 } from './sha256.js';

const SCHEMA2_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** A deterministic generator seeded from a string. */
function createRandom(seed: string): () => number {
  return seededRandom(createHash('sha256').update(seed).digest().readUInt32LE(0));
}

/** A generated schema2 or OCI image with realistic metadata; sizes may pass 2^32. */
export function generateImage(seed: string, labelBytes: number): Image {
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
  const config = generatedConfig(seed, random, labelBytes);
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

/** An s2i-style container config; draws one number (the build id) from `random`. */
function generatedConfig(
  seed: string,
  random: () => number,
  labelBytes: number,
): NonNullable<DockerImage['Config']> {
  const labels: Record<string, string> = {
    'io.k8s.display-name': seed.split('/').slice(-2).join(' '),
    'io.openshift.tags': 'builder,demo',
    'org.opencontainers.image.source': `https://git.example.com/${seed}`,
    'com.example/build=id': String(Math.floor(random() * 1e6)),
  };
  if (labelBytes > 0) labels['com.example.padding'] = 'x'.repeat(labelBytes);
  return {
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
}

/** A stream of generated images: tag `latest` carries the whole history, newest first. */
export function generateStream(
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
    const image = generateImage(`${seedPrefix}/${namespace}/${name}/${i}`, labelBytes);
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
  return buildImageStream(namespace, name, specTags, statusTags);
}
