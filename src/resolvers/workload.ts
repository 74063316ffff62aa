import { locatedError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { scopedClusters } from './scopedClusters.js';
import type { ClusterInfo, GatewayContext } from '../context.js';
import { badUserInput, GatewayError } from '../errors.js';
import type {
  ImageResolvers,
  ImageTriggerResolvers,
  VulnerabilityReportResolvers,
  VulnerabilityResolvers,
  WorkloadResolvers,
} from '../generated/graphql.js';
import type { WorkloadScan } from '../loaders/findWorkloads.js';
import { imageKey, streamKey } from '../loaders/keys.js';
import { checkNamespace } from '../validation.js';
import type { ImageModel, ImageTriggerModel, WorkloadModel } from './models.js';
import { encodeNodeId } from './nodeId.js';

/** The scope arguments of a cross-cluster search. */
interface SearchArgs {
  readonly clusters?: readonly string[] | null | undefined;
  readonly namespaces?: readonly string[] | null | undefined;
}

/** Namespaces one cross-cluster search takes at most, and clusters x namespaces at most. */
export const MAX_SEARCH_NAMESPACES = 100;
export const MAX_SEARCH_SCOPES = 500;
/** The longest advisory name taken (CVE, GHSA, RHSA ids are far shorter). */
export const MAX_ADVISORY_LENGTH = 128;

/** An error next to partial data, at the field's path (extraErrorsPlugin adds it to the response). */
function report(ctx: GatewayContext, info: GraphQLResolveInfo, err: Error): void {
  ctx.extraErrors.push(locatedError(err, info.fieldNodes, responsePathAsArray(info.path)));
}

/**
 * The clusters and namespaces a cross-cluster search covers, checked before any upstream call:
 * names that are not clusters and malformed namespaces are the caller's mistake (the whole field
 * fails); a cluster the caller sent no token for (passthrough) is an error next to the others.
 */
export function searchScope(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  args: SearchArgs,
): { clusters: ClusterInfo[]; namespaces: string[] | undefined } {
  const namespaces = args.namespaces
    ? [...new Set(args.namespaces.map((ns, i) => checkNamespace(ns, `namespaces[${i}]`)))].sort()
    : undefined;
  if (namespaces && namespaces.length > MAX_SEARCH_NAMESPACES) {
    throw badUserInput(
      `Argument "namespaces" takes at most ${MAX_SEARCH_NAMESPACES} items; got ${namespaces.length}.`,
    );
  }
  const clusters = scopedClusters(ctx, info, args.clusters);
  if (namespaces && namespaces.length * clusters.length > MAX_SEARCH_SCOPES) {
    throw badUserInput(
      `A search covers at most ${MAX_SEARCH_SCOPES} cluster x namespace pairs; ${clusters.length} clusters x ${namespaces.length} namespaces is ${clusters.length * namespaces.length}.`,
    );
  }
  return { clusters, namespaces };
}

/** The workloads of each cluster's scan, in cluster order; failed clusters and scopes reported. */
function collect(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  scans: readonly (WorkloadScan | Error)[],
): WorkloadModel[] {
  const out: WorkloadModel[] = [];
  for (const scan of scans) {
    if (scan instanceof Error) {
      report(ctx, info, scan);
      continue;
    }
    for (const err of scan.errors) report(ctx, info, err);
    out.push(...scan.workloads);
  }
  return out;
}

/** Query.workloads and Image.workloads: every scoped cluster, each with its own errors. */
export async function workloadsRunning(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  digest: string,
  args: SearchArgs,
): Promise<WorkloadModel[]> {
  const { clusters, namespaces } = searchScope(ctx, info, args);
  const scans = await ctx.loaders.workloads.loadMany(
    clusters.map((c) => ({ cluster: c.name, digests: [digest], namespaces })),
  );
  return collect(ctx, info, scans);
}

/** Query.vulnerableWorkloads. */
export async function workloadsVulnerableTo(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  advisory: string,
  args: SearchArgs,
): Promise<WorkloadModel[]> {
  const name = advisory.trim();
  if (name === '' || name.length > MAX_ADVISORY_LENGTH || /[\s\p{Cc}]/u.test(name)) {
    throw badUserInput(
      `Argument "advisory" must be an advisory name such as "CVE-2021-44228" (1 to ${MAX_ADVISORY_LENGTH} characters, no spaces or control characters).`,
    );
  }
  const { clusters, namespaces } = searchScope(ctx, info, args);
  const scans = await ctx.loaders.vulnerableWorkloads.loadMany(
    clusters.map((c) => ({ cluster: c.name, advisory: name, namespaces })),
  );
  return collect(ctx, info, scans);
}

export const imageWorkloadFields: Pick<
  Required<ImageResolvers>,
  'workloads' | 'vulnerabilities'
> = {
  workloads: (parent: ImageModel, args, ctx, info) => {
    const digest = parent.wire.metadata.name ?? '';
    // Very old images are named by a bare v1 id, which no pod reports.
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) return [];
    return workloadsRunning(ctx, info, digest, args);
  },
  vulnerabilities: (parent: ImageModel, _args, ctx) =>
    ctx.loaders.vulnerabilities.load({
      cluster: parent.cluster,
      digest: parent.wire.metadata.name ?? '',
      namespace: parent.namespace,
    }),
};

const isUnreadable = (err: unknown): boolean =>
  err instanceof GatewayError && (err.code === 'NOT_FOUND' || err.code === 'FORBIDDEN');

/** The current image of a trigger's tag (history[0]); null when the tag has none. */
async function currentDigestOf(ctx: GatewayContext, t: ImageTriggerModel): Promise<string | null> {
  const stream = await ctx.loaders.imageStream.load(streamKey(t.cluster, t.namespace, t.stream));
  return stream.status?.tags?.find((tag) => tag.tag === t.tag)?.items?.[0]?.image ?? null;
}

const triggerOf = (w: WorkloadModel): ImageTriggerModel | null =>
  w.trigger ? { cluster: w.cluster, ...w.trigger } : null;

export const Workload: WorkloadResolvers = {
  id: (w) =>
    encodeNodeId({
      type: 'Workload',
      cluster: w.cluster,
      namespace: w.namespace,
      kind: w.kind,
      name: w.name,
      digest: w.runningDigest,
    }),
  cluster: (w, _args, ctx) => ctx.clusters.get(w.cluster),
  namespace: (w) => w.namespace,
  kind: (w) => w.kind,
  name: (w) => w.name,
  containers: (w) => [...w.containers],
  pods: (w) => [...w.pods],
  runningDigest: (w) => w.runningDigest,
  trigger: (w) => triggerOf(w),
  /**
   * Drift: the tag's current image is another digest than the one running, and not the
   * manifest list the running digest is a platform child of. A tag that cannot be read, or has
   * no image, cannot show drift (its `trigger.currentDigest` carries the error).
   */
  drift: async (w, _args, ctx) => {
    const trigger = triggerOf(w);
    if (!trigger) return false;
    let current: string | null;
    try {
      current = await currentDigestOf(ctx, trigger);
    } catch {
      return false;
    }
    if (current === null || current === w.runningDigest) return false;
    try {
      const list = await ctx.loaders.imageStreamImage.load(
        imageKey(streamKey(w.cluster, trigger.namespace, trigger.stream), current),
      );
      const children = (list.wire.image.dockerImageManifests ?? []).map((m) => m.digest);
      return !children.includes(w.runningDigest);
    } catch {
      // The current image cannot be read: it differs, and nothing shows it is the list.
      return true;
    }
  },
  image: async (w, _args, ctx) => {
    if (!w.imageStream) return null;
    const { namespace, stream } = w.imageStream;
    try {
      const isi = await ctx.loaders.imageStreamImage.load(
        imageKey(streamKey(w.cluster, namespace, stream), w.runningDigest),
      );
      return {
        cluster: w.cluster,
        namespace,
        stream,
        wire: isi.wire.image,
        cachedAt: isi.cachedAt,
      };
    } catch (err) {
      // Only when the caller may read it: not readable (or not in that stream) is null, not an error.
      if (isUnreadable(err)) return null;
      throw err;
    }
  },
};

export const ImageTrigger: ImageTriggerResolvers = {
  namespace: (t) => t.namespace,
  stream: (t) => t.stream,
  tag: (t) => t.tag,
  currentDigest: async (t, _args, ctx) => {
    try {
      return await currentDigestOf(ctx, t);
    } catch (err) {
      if (err instanceof GatewayError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  },
};

export const VulnerabilityReport: VulnerabilityReportResolvers = {
  status: (r) => r.status,
  highestSeverity: (r) => r.highestSeverity ?? null,
  counts: (r) => r.counts.map((c) => ({ ...c })),
  features: (r) => [...r.features],
};

export const Vulnerability: VulnerabilityResolvers = {
  name: (v) => v.name,
  severity: (v) => v.severity,
  fixedBy: (v) => v.fixedBy ?? null,
  link: (v) => v.link ?? null,
  description: (v) => v.description ?? null,
};
