import type { DockerImage, Image, ImageLayer } from '../upstream/types.js';
import { uidFor } from './buildImageStream.js';

export const SCHEMA2 = 'application/vnd.docker.distribution.manifest.v2+json';

/** The parts of a schema2 manifest (fixtures/openshift/registry-manifest-*.json) read here. */
export interface RegistryManifest {
  config: { size: number; digest: string };
  layers: { mediaType: string; size: number; digest: string }[];
}

export interface RegistryConfig {
  architecture: string;
  config: DockerImage['Config'];
  container_config: DockerImage['ContainerConfig'];
  container?: string;
  created: string;
  docker_version?: string;
}

export interface ManifestList {
  manifests: {
    digest: string;
    mediaType: string;
    size: number;
    platform: { architecture: string; os: string; variant?: string };
  }[];
}

/** Builds an Image the way the API server stores an imported schema2 manifest. */
export function imageFromRegistry(
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
