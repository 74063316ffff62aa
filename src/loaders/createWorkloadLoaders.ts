import DataLoader from 'dataloader';
import { GatewayError } from '../errors.js';
import type { CallOptions, ImageApiClient, ListOptions } from '../upstream/createImageApiClient.js';
import { isOwnerKind } from '../upstream/resources.js';
import type { ImageManifestVuln, WorkloadOwner } from '../upstream/types.js';
import type { LoadedImageStreamImage, LoaderObserver } from './createLoaders.js';
import {
  findWorkloads,
  overScopes,
  summarisePod,
  type PodSummary,
  type WorkloadScan,
} from './findWorkloads.js';
import {
  advisoryCacheKey,
  ownerCacheKey,
  scopeCacheKey,
  vulnerabilityCacheKey,
  workloadsCacheKey,
  type AdvisoryKey,
  type ImageKey,
  type OwnerKey,
  type ScopeKey,
  type VulnerabilityKey,
  type WorkloadsKey,
} from './keys.js';
import { perKey } from './perKey.js';
import {
  listsAdvisory,
  NOT_INSTALLED,
  vulnerabilityReportOf,
  type VulnerabilityReport,
} from './vulnerabilityReportOf.js';

/** Pods and ImageManifestVulns are listed a page at a time. */
export const WORKLOAD_PAGE_SIZE = 500;
/** Objects one list scope may hold; past it the scope is an error asking for namespaces. */
export const MAX_LISTED_PER_SCOPE = 20_000;

/** The reads behind Query.workloads, Query.vulnerableWorkloads and Image.vulnerabilities. */
export interface WorkloadLoaders {
  /** Pods of one scope, reduced to what the join reads. */
  readonly pods: DataLoader<ScopeKey, readonly PodSummary[], string>;
  /** Owners of pods: each read once per request. */
  readonly workloadOwner: DataLoader<OwnerKey, WorkloadOwner, string>;
  /** The namespaces a cluster's credentials can see (projects), sorted. */
  readonly projects: DataLoader<string, readonly string[], string>;
  /** Whether a cluster serves ImageManifestVuln (discovery). */
  readonly scanner: DataLoader<string, boolean, string>;
  readonly imageManifestVulns: DataLoader<ScopeKey, readonly ImageManifestVuln[], string>;
  /** The workloads of one cluster running some digests; scope failures in `errors`. */
  readonly workloads: DataLoader<WorkloadsKey, WorkloadScan, string>;
  /** The workloads of one cluster running an image with an advisory. */
  readonly vulnerableWorkloads: DataLoader<AdvisoryKey, WorkloadScan, string>;
  /** Scan results of one digest on one cluster. */
  readonly vulnerabilities: DataLoader<VulnerabilityKey, VulnerabilityReport, string>;
}

export interface WorkloadLoaderOptions {
  readonly clientOf: (cluster: string) => ImageApiClient;
  readonly call: CallOptions;
  readonly observer?: LoaderObserver | undefined;
  /** The request's ImageStreamImage loader: manifest-list children of running digests. */
  readonly imageStreamImage: DataLoader<ImageKey, LoadedImageStreamImage, string>;
  /** Time budget of each cluster's part (--cluster-deadline-ms). */
  readonly clusterDeadlineMs: number;
}

/** Every page of a list, up to MAX_LISTED_PER_SCOPE objects. */
async function listAll<T, U>(
  scope: ScopeKey,
  what: string,
  page: (list: ListOptions) => Promise<{
    metadata?: { continue?: string | undefined } | undefined;
    items?: T[] | null | undefined;
  }>,
  keep: (item: T) => U,
): Promise<U[]> {
  const out: U[] = [];
  let continueToken: string | undefined;
  do {
    const got = await page({ limit: WORKLOAD_PAGE_SIZE, continueToken });
    for (const item of got.items ?? []) out.push(keep(item));
    if (out.length > MAX_LISTED_PER_SCOPE) {
      throw new GatewayError(
        'BAD_USER_INPUT',
        `cluster "${scope.cluster}" has more than ${MAX_LISTED_PER_SCOPE} ${what} in ${scope.namespace === undefined ? 'all namespaces' : `namespace "${scope.namespace}"`}; name fewer, smaller namespaces to search.`,
        { cluster: scope.cluster, reason: 'TOO_MANY_OBJECTS' },
      );
    }
    continueToken = got.metadata?.continue || undefined;
  } while (continueToken);
  return out;
}

/** A cluster's part within its own deadline: a cluster that hangs costs its budget, not the request's. */
async function withinDeadline<T>(cluster: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new GatewayError('UPSTREAM_TIMEOUT', `cluster "${cluster}": no answer within ${ms} ms`, {
            cluster,
          }),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The per-request workload loaders. Each key loads on its own (`batch: false`): its reads are
 * separate requests anyway, and in a shared batch a hanging cluster would hold every other
 * cluster's answer until its deadline (dataloader settles a batch's keys together). The cache
 * still makes each key one load per request. Every read goes through the cluster's transport with the
 * request's call options (caller credentials in passthrough, budget, fair queue, deadline), so
 * the API server decides what each caller sees; nothing here outlives the request.
 */
export function createWorkloadLoaders(options: WorkloadLoaderOptions): WorkloadLoaders {
  const { clientOf, call, observer } = options;

  const pods = new DataLoader(
    perKey('pods', observer, (scope: ScopeKey) =>
      listAll(
        scope,
        'pods',
        (list) => clientOf(scope.cluster).listPods(scope.namespace, list, call),
        summarisePod,
      ),
    ),
    { cacheKeyFn: scopeCacheKey, batch: false },
  );
  const workloadOwner = new DataLoader(
    perKey('workloadOwner', observer, (key: OwnerKey) => {
      if (!isOwnerKind(key.kind))
        throw new GatewayError('INTERNAL_SERVER_ERROR', `not an owner kind: ${key.kind}`);
      return clientOf(key.cluster).getWorkloadOwner(key.kind, key.namespace, key.name, call);
    }),
    { cacheKeyFn: ownerCacheKey, batch: false },
  );
  const projects = new DataLoader(
    perKey('projects', observer, async (cluster: string) => {
      const list = await clientOf(cluster).listProjects(call);
      // Names that are not namespaces are never sent back upstream as one.
      return (list.items ?? [])
        .map((p) => p.metadata.name ?? '')
        .filter((n) => n.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n))
        .sort();
    }),
    { batch: false },
  );
  const scanner = new DataLoader(
    perKey('scanner', observer, (cluster: string) =>
      clientOf(cluster).servesImageManifestVulns(call),
    ),
    { batch: false },
  );
  const imageManifestVulns = new DataLoader(
    perKey('imageManifestVulns', observer, (scope: ScopeKey) =>
      listAll(
        scope,
        'image manifest vulnerabilities',
        (list) => clientOf(scope.cluster).listImageManifestVulns(scope.namespace, list, call),
        (item: ImageManifestVuln) => item,
      ),
    ),
    { cacheKeyFn: scopeCacheKey, batch: false },
  );
  const readers = {
    pods: (scope: ScopeKey) => pods.load(scope),
    namespaces: (cluster: string) => projects.load(cluster),
    owner: (key: OwnerKey) => workloadOwner.load(key),
    children: async (cluster: string, namespace: string, stream: string, digest: string) => {
      try {
        const isi = await options.imageStreamImage.load({ cluster, namespace, stream, digest });
        return (isi.wire.image.dockerImageManifests ?? []).map((m) => m.digest);
      } catch (err) {
        // Not in the stream: no relation. Anything else (forbidden, budget, a failing cluster)
        // is the join's to report: the answer may miss a workload because of it.
        if (err instanceof GatewayError && err.code === 'NOT_FOUND') return undefined;
        throw err;
      }
    },
  };
  const workloads = new DataLoader(
    perKey('workloads', observer, (key: WorkloadsKey) =>
      withinDeadline(key.cluster, options.clusterDeadlineMs, findWorkloads(readers, key)),
    ),
    { cacheKeyFn: workloadsCacheKey, batch: false },
  );
  const vulnerableWorkloads = new DataLoader(
    perKey('vulnerableWorkloads', observer, (key: AdvisoryKey) =>
      withinDeadline(
        key.cluster,
        options.clusterDeadlineMs,
        (async (): Promise<WorkloadScan> => {
          // No scanner: nothing is known vulnerable there, which is not an error.
          if (!(await scanner.load(key.cluster))) return { workloads: [], errors: [] };
          const found = await overScopes(
            key.cluster,
            key.namespaces,
            'image manifest vulnerabilities',
            (scope) => imageManifestVulns.load(scope),
            () => projects.load(key.cluster),
          );
          const digests = [
            ...new Set(
              found.items
                .filter((o) => listsAdvisory(o, key.advisory))
                .map((o) => o.spec?.manifest ?? '')
                .filter((d) => /^sha256:[0-9a-f]{64}$/.test(d)),
            ),
          ].sort();
          if (digests.length === 0) return { workloads: [], errors: found.errors };
          const scan = await workloads.load({
            cluster: key.cluster,
            digests,
            namespaces: key.namespaces,
          });
          return { workloads: scan.workloads, errors: [...found.errors, ...scan.errors] };
        })(),
      ),
    ),
    { cacheKeyFn: advisoryCacheKey, batch: false },
  );
  const vulnerabilities = new DataLoader(
    perKey('vulnerabilities', observer, async (key: VulnerabilityKey) => {
      if (!(await scanner.load(key.cluster))) return NOT_INSTALLED;
      let all: readonly ImageManifestVuln[];
      try {
        all = await imageManifestVulns.load({ cluster: key.cluster, namespace: undefined });
      } catch (err) {
        // A namespace viewer cannot list cluster-wide: the image's own namespace, as it may.
        if (!(err instanceof GatewayError) || err.code !== 'FORBIDDEN') throw err;
        all = await imageManifestVulns.load({ cluster: key.cluster, namespace: key.namespace });
      }
      return vulnerabilityReportOf(all.filter((o) => o.spec?.manifest === key.digest));
    }),
    { cacheKeyFn: vulnerabilityCacheKey, batch: false },
  );
  return {
    pods,
    projects,
    workloadOwner,
    scanner,
    imageManifestVulns,
    workloads,
    vulnerableWorkloads,
    vulnerabilities,
  };
}
