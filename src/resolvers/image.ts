import type { ImageResolvers, LayerResolvers, ManifestResolvers } from '../generated/graphql.js';
import { keyValues } from './keyValues.js';
import { encodeNodeId } from './nodeId.js';
import type { GatewayContext } from '../context.js';
import { imageKey } from '../loaders/keys.js';
import type { Image as WireImage } from '../upstream/types.js';
import type { ImageModel, StreamCoordinates } from './models.js';
import { imageWorkloadFields } from './workload.js';

/**
 * Signatures and annotations can change on an image (openshift-image-api.md §8.2); the rest
 * cannot. When the image came from the content cache and those parts are older than their TTL,
 * they are read again from the API server, through the same stream, batched.
 */
async function withFreshMutableParts(parent: ImageModel, ctx: GatewayContext): Promise<WireImage> {
  if (parent.cachedAt === undefined || Date.now() - parent.cachedAt <= ctx.cacheMutableTtlMs)
    return parent.wire;
  const fresh = await ctx.loaders.freshImageStreamImage.load(
    imageKey(parent, parent.wire.metadata.name ?? ''),
  );
  return fresh.wire.image;
}

/** Another image of the parent's stream (a manifest-list child), through the batched loader. */
async function imageThroughStream(
  parent: StreamCoordinates,
  digest: string,
  ctx: GatewayContext,
): Promise<ImageModel> {
  const { cluster, namespace, stream } = parent;
  const isi = await ctx.loaders.imageStreamImage.load(imageKey(parent, digest));
  return { cluster, namespace, stream, wire: isi.wire.image, cachedAt: isi.cachedAt };
}

const LIST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
]);

export const Image: ImageResolvers = {
  name: ({ wire }) => wire.metadata.name ?? '',
  created: ({ wire }) => wire.metadata.creationTimestamp || null,
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
  signatures: async (parent, _args, ctx) =>
    (await withFreshMutableParts(parent, ctx)).signatures ?? [],
  dockerImageMetadata: ({ wire }) => wire.dockerImageMetadata ?? null,
  annotations: async (parent, _args, ctx) =>
    keyValues((await withFreshMutableParts(parent, ctx)).metadata.annotations),
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
      return child ? imageThroughStream(parent, child.digest, ctx) : null;
    }
    // A single-platform image: DockerImage has an Architecture but no OS (OpenShift runs linux).
    const architecture = parent.wire.dockerImageMetadata?.Architecture;
    return os === 'linux' && architecture === args.architecture && !args.variant ? parent : null;
  },
  // Per (cluster, digest), not per stream: the same image reached through two streams (or as a
  // manifest-list child and directly) is one object in a client's normalised cache.
  id: ({ cluster, wire }) =>
    encodeNodeId({ type: 'Image', cluster, digest: wire.metadata.name ?? '' }),
  ...imageWorkloadFields,
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
  image: ({ parent, wire }, _args, ctx) => imageThroughStream(parent, wire.digest, ctx),
};
