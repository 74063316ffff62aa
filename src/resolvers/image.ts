import type { ImageResolvers, LayerResolvers, ManifestResolvers } from '../generated/graphql.js';
import { keyValues } from './keyValues.js';
import type { ImageModel } from './models.js';

const LIST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
]);

export const Image: ImageResolvers = {
  name: ({ wire }) => wire.metadata.name ?? '',
  created: ({ wire }) => wire.metadata.creationTimestamp ?? null,
  dockerImageReference: ({ wire }) => wire.dockerImageReference ?? null,
  manifestMediaType: ({ wire }) => wire.dockerImageManifestMediaType ?? null,
  isManifestList: ({ wire }) =>
    (wire.dockerImageManifests?.length ?? 0) > 0 ||
    LIST_MEDIA_TYPES.has(wire.dockerImageManifestMediaType ?? ''),
  layers: ({ wire }) => wire.dockerImageLayers ?? [],
  totalLayerSize: ({ wire }) => {
    const layers = wire.dockerImageLayers ?? [];
    return layers.length === 0 ? null : layers.reduce((sum, layer) => sum + (layer.size ?? 0), 0);
  },
  manifests: (parent) => (parent.wire.dockerImageManifests ?? []).map((wire) => ({ parent, wire })),
  signatures: ({ wire }) => wire.signatures ?? [],
  dockerImageMetadata: ({ wire }) => wire.dockerImageMetadata ?? null,
  annotations: ({ wire }) => keyValues(wire.metadata.annotations),
  platform: async (parent, args, ctx) => {
    const os = args.os ?? 'linux';
    const manifests = parent.wire.dockerImageManifests ?? [];
    if (manifests.length > 0) {
      const child = manifests.find(
        (m) =>
          m.os === os &&
          m.architecture === args.architecture &&
          (!args.variant || m.variant === args.variant),
      );
      if (!child) return null;
      const { cluster, namespace, stream } = parent;
      const isi = await ctx.loaders.imageStreamImage.load({
        cluster,
        namespace,
        name: `${stream}@${child.digest}`,
      });
      return { cluster, namespace, stream, wire: isi.image };
    }
    // A single-platform image: DockerImage has an Architecture but no OS (OpenShift runs linux).
    const architecture = parent.wire.dockerImageMetadata?.Architecture;
    return os === 'linux' && architecture === args.architecture && !args.variant ? parent : null;
  },
};

export const Layer: LayerResolvers = {
  name: (layer) => layer.name,
  size: (layer) => layer.size ?? null,
  mediaType: (layer) => layer.mediaType || null,
};

export const Manifest: ManifestResolvers = {
  digest: ({ wire }) => wire.digest,
  mediaType: ({ wire }) => wire.mediaType,
  manifestSize: ({ wire }) => wire.manifestSize,
  architecture: ({ wire }) => wire.architecture,
  os: ({ wire }) => wire.os,
  variant: ({ wire }) => wire.variant || null,
  /** Through the parent's stream: the API resolves manifest-list children there (server code). */
  image: async ({ parent, wire }, _args, ctx): Promise<ImageModel> => {
    const { cluster, namespace, stream } = parent;
    const isi = await ctx.loaders.imageStreamImage.load({
      cluster,
      namespace,
      name: `${stream}@${wire.digest}`,
    });
    return { cluster, namespace, stream, wire: isi.image };
  },
};
