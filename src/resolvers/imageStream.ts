import type {
  ImageLocationResolvers,
  ImageStreamImageResolvers,
  ImageStreamResolvers,
  ImageStreamTagResolvers,
  StreamTagResolvers,
  TagEventConditionResolvers,
  TagEventResolvers,
} from '../generated/graphql.js';
import type { GatewayContext } from '../context.js';
import { imageKey, imageStreamImageName, streamKey } from '../loaders/keys.js';
import { keyValues } from './keyValues.js';
import { encodeNodeId } from './nodeId.js';
import type { ImageStreamImageModel, ImageStreamModel, StreamTagModel } from './models.js';

/** The ImageStreamImage of (cluster, namespace, stream, digest), through the batched loader. */
export async function loadImageStreamImage(
  ctx: GatewayContext,
  cluster: string,
  namespace: string,
  stream: string,
  digest: string,
): Promise<ImageStreamImageModel> {
  const loaded = await ctx.loaders.imageStreamImage.load(
    imageKey(streamKey(cluster, namespace, stream), digest),
  );
  return { cluster, namespace, stream, digest, wire: loaded.wire, cachedAt: loaded.cachedAt };
}

export const ImageStreamImage: ImageStreamImageResolvers = {
  name: imageStreamImageName,
  namespace: (m) => m.namespace,
  cluster: (m, _args, ctx) => ctx.clusters.get(m.cluster),
  digest: (m) => m.digest,
  stream: async (m, _args, ctx): Promise<ImageStreamModel> => ({
    cluster: m.cluster,
    wire: await ctx.loaders.imageStream.load(m),
  }),
  image: (m) => ({
    cluster: m.cluster,
    namespace: m.namespace,
    stream: m.stream,
    wire: m.wire.image,
    cachedAt: m.cachedAt,
  }),
  annotations: (m) => keyValues(m.wire.metadata.annotations),
  id: (m) =>
    encodeNodeId({
      type: 'ImageStreamImage',
      cluster: m.cluster,
      namespace: m.namespace,
      stream: m.stream,
      digest: m.digest,
    }),
};

/** Spec and status tags merged by name (as the ImageTag API does), sorted by name. */
function streamTags(model: ImageStreamModel): StreamTagModel[] {
  const { wire } = model;
  const namespace = wire.metadata.namespace ?? '';
  const stream = wire.metadata.name ?? '';
  const names = new Set<string>();
  const spec = new Map((wire.spec?.tags ?? []).map((t) => [t.name, t]));
  const status = new Map((wire.status?.tags ?? []).map((t) => [t.tag, t]));
  for (const name of spec.keys()) names.add(name);
  for (const name of status.keys()) names.add(name);
  return [...names].sort().map((name) => ({
    cluster: model.cluster,
    namespace,
    stream,
    name,
    spec: spec.get(name),
    status: status.get(name),
  }));
}

export const ImageStream: ImageStreamResolvers = {
  name: ({ wire }) => wire.metadata.name ?? '',
  namespace: ({ wire }) => wire.metadata.namespace ?? '',
  cluster: (m, _args, ctx) => ctx.clusters.get(m.cluster),
  created: ({ wire }) => wire.metadata.creationTimestamp || null,
  dockerImageRepository: ({ wire }) =>
    wire.status?.dockerImageRepository || wire.spec?.dockerImageRepository || null,
  publicDockerImageRepository: ({ wire }) => wire.status?.publicDockerImageRepository || null,
  annotations: ({ wire }) => keyValues(wire.metadata.annotations),
  tags: streamTags,
  id: ({ cluster, wire }) =>
    encodeNodeId({
      type: 'ImageStream',
      cluster,
      namespace: wire.metadata.namespace ?? '',
      stream: wire.metadata.name ?? '',
    }),
};

export const StreamTag: StreamTagResolvers = {
  name: (t) => t.name,
  from: (t) =>
    t.spec?.from?.name ? `${t.spec.from.kind ?? 'DockerImage'}/${t.spec.from.name}` : null,
  history: (t) =>
    (t.status?.items ?? []).map((wire) => ({
      cluster: t.cluster,
      namespace: t.namespace,
      stream: t.stream,
      wire,
    })),
  conditions: (t) => t.status?.conditions ?? [],
};

export const TagEvent: TagEventResolvers = {
  created: (e) => e.wire.created || null,
  dockerImageReference: (e) => e.wire.dockerImageReference,
  digest: (e) => e.wire.image,
  generation: (e) => e.wire.generation ?? null,
  imageStreamImage: (e, _args, ctx) =>
    loadImageStreamImage(ctx, e.cluster, e.namespace, e.stream, e.wire.image),
};

export const TagEventCondition: TagEventConditionResolvers = {
  type: (c) => c.type,
  status: (c) => c.status,
  reason: (c) => c.reason || null,
  message: (c) => c.message || null,
  generation: (c) => c.generation ?? null,
};

export const ImageStreamTag: ImageStreamTagResolvers = {
  name: (t) => t.wire.metadata.name ?? `${t.stream}:`,
  namespace: (t) => t.namespace,
  cluster: (t, _args, ctx) => ctx.clusters.get(t.cluster),
  image: (t) => ({
    cluster: t.cluster,
    namespace: t.namespace,
    stream: t.stream,
    wire: t.wire.image,
  }),
  id: (t) =>
    encodeNodeId({
      type: 'ImageStreamTag',
      cluster: t.cluster,
      namespace: t.namespace,
      stream: t.stream,
      tag: t.tag,
    }),
};

export const ImageLocation: ImageLocationResolvers = {
  cluster: (l, _args, ctx) => ctx.clusters.get(l.cluster),
  namespace: (l) => l.namespace,
  stream: (l) => l.stream,
  tags: (l) => [...l.tags],
  manifestList: (l) => l.manifestList ?? null,
  imageStreamImage: (l, _args, ctx) =>
    loadImageStreamImage(ctx, l.cluster, l.namespace, l.stream, l.digest),
};
