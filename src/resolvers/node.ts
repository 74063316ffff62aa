import type { NodeResolvers } from '../generated/graphql.js';
import type { GatewayContext } from '../context.js';
import { cutForMessage } from '../cutForMessage.js';
import { GatewayError } from '../errors.js';
import { imageStreamImageOf, imageStreamOf, imageStreamTagOf } from './entryPoints.js';
import { loadImageStreamImage } from './imageStream.js';
import type {
  ClusterModel,
  ImageModel,
  ImageStreamImageModel,
  ImageStreamModel,
  ImageStreamTagModel,
  WorkloadModel,
} from './models.js';
import type { NodeRef, NodeType } from './nodeId.js';

export type NodeModel =
  | ClusterModel
  | ImageModel
  | ImageStreamModel
  | ImageStreamImageModel
  | ImageStreamTagModel
  | WorkloadModel;

/**
 * The type of each object loadNode returned (the models do not carry their GraphQL type, and two
 * of them have the same shape). Weak: an entry lives as long as the request's objects.
 */
const typeOf = new WeakMap<object, NodeType>();

function typed<T extends NodeModel>(type: NodeType, model: T): T {
  typeOf.set(model, type);
  return model;
}

/**
 * An Image by (cluster, digest). Images are read through a stream (the cluster-scoped images
 * resource needs cluster-admin), so this finds where the caller's credentials see the digest
 * tagged, as imageLocations does, and reads it through the first such stream (by namespace, then
 * name). A caller who cannot list image streams cluster-wide gets the API server's FORBIDDEN.
 */
async function loadImage(
  ctx: GatewayContext,
  cluster: string,
  digest: string,
): Promise<ImageModel> {
  const found = await ctx.loaders.imageLocations.load({ cluster, digest, namespaces: undefined });
  const first = [...found.locations].sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.stream.localeCompare(b.stream),
  )[0];
  if (!first) {
    // Not found where the caller may look, and refused somewhere: the refusal is the answer.
    const refused = found.refused[0];
    if (refused) throw refused.error;
    throw new GatewayError(
      'NOT_FOUND',
      `No image stream that these credentials can read on cluster "${cutForMessage(cluster)}" holds image ${digest}.`,
      { cluster },
    );
  }
  const isi = await loadImageStreamImage(ctx, cluster, first.namespace, first.stream, digest);
  return {
    cluster,
    namespace: isi.namespace,
    stream: isi.stream,
    wire: isi.wire.image,
    cachedAt: isi.cachedAt,
  };
}

/**
 * A workload by (cluster, namespace, kind, name, digest): the same search as
 * `workloads(digest, clusters: [cluster], namespaces: [namespace])`, with the caller's
 * credentials, then the one top owner named. A scope the caller may not read fails as it would
 * there; a workload whose pods no longer run the digest is NOT_FOUND.
 */
async function loadWorkload(
  ctx: GatewayContext,
  ref: Extract<NodeRef, { type: 'Workload' }>,
): Promise<WorkloadModel> {
  const scan = await ctx.loaders.workloads.load({
    cluster: ref.cluster,
    digests: [ref.digest],
    namespaces: [ref.namespace],
  });
  const found = scan.workloads.find(
    (w) =>
      w.namespace === ref.namespace &&
      w.kind === ref.kind &&
      w.name === ref.name &&
      w.runningDigest === ref.digest,
  );
  if (found) return found;
  const [refused] = scan.errors;
  if (refused) throw refused;
  throw new GatewayError(
    'NOT_FOUND',
    `No ${ref.kind} ${JSON.stringify(ref.name)} in namespace "${ref.namespace}" of cluster "${cutForMessage(ref.cluster)}" runs image ${ref.digest} now.`,
    { cluster: ref.cluster },
  );
}

/**
 * The object a Node id names, through the same entry points (argument checks, the caller's
 * credentials, the batched loaders) as the direct fields: node(id) answers exactly what the
 * direct field would, including FORBIDDEN and NOT_FOUND. A cluster the gateway does not know
 * is NOT_FOUND (an id from another deployment, or of a cluster since removed).
 */
export async function loadNode(ctx: GatewayContext, ref: NodeRef): Promise<NodeModel> {
  const info = ctx.clusters.find(ref.cluster);
  if (!info) {
    throw new GatewayError(
      'NOT_FOUND',
      `The id names cluster ${JSON.stringify(cutForMessage(ref.cluster))}, which this gateway does not serve (clusters: ${ctx.clusters.all.map((c) => c.name).join(', ')}).`,
    );
  }
  switch (ref.type) {
    case 'Cluster':
      return typed(ref.type, { ...info });
    case 'ImageStream':
      return typed(ref.type, await imageStreamOf(ctx, ref.cluster, ref.namespace, ref.stream));
    case 'ImageStreamImage':
      return typed(
        ref.type,
        await imageStreamImageOf(ctx, ref.cluster, ref.namespace, `${ref.stream}@${ref.digest}`),
      );
    case 'ImageStreamTag':
      return typed(
        ref.type,
        await imageStreamTagOf(ctx, ref.cluster, ref.namespace, `${ref.stream}:${ref.tag}`),
      );
    case 'Image':
      ctx.clusters.resolve(ref.cluster);
      return typed(ref.type, await loadImage(ctx, ref.cluster, ref.digest));
    case 'Workload':
      ctx.clusters.resolve(ref.cluster);
      return typed(ref.type, await loadWorkload(ctx, ref));
  }
}

export const Node: NodeResolvers = {
  __resolveType: (model) => {
    const type = typeOf.get(model);
    if (!type) throw new GatewayError('INTERNAL_SERVER_ERROR', 'a Node of unknown type');
    return type;
  },
};
