import { locatedError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { ClusterInfo, GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';

/**
 * The clusters a cross-cluster field covers (`imageLocations`, `workloads`…): the ones named,
 * each once, or every configured cluster. A name that is not a cluster is the caller's mistake
 * (the whole field fails); a cluster the caller sent no token for (passthrough) is an error at
 * the field's path next to the other clusters' data, as a failing cluster is.
 */
export function scopedClusters(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  named: readonly string[] | null | undefined,
): ClusterInfo[] {
  const clusters: ClusterInfo[] = [];
  const names = named ? [...new Set(named)] : ctx.clusters.all.map((c) => c.name);
  names.forEach((name, i) => {
    try {
      clusters.push(ctx.clusters.resolve(name, named ? `clusters[${i}]` : undefined));
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== 'UNAUTHENTICATED') throw err;
      ctx.extraErrors.push(locatedError(err, info.fieldNodes, responsePathAsArray(info.path)));
    }
  });
  return clusters;
}
