import { defaultOf } from '../config/options.js';
import type { Logger } from '../logger.js';
import {
  DEFAULT_CIRCUIT_BREAKER,
  type BreakerState,
  type CircuitBreaker,
  type CircuitBreakerOptions,
} from './createCircuitBreaker.js';
import type { FairScheduler } from './createFairScheduler.js';
import type { OperationBudget } from './createOperationBudget.js';
import { DEFAULT_RETRY_BUDGET, type RetryBudgetOptions } from './createRetryBudget.js';
import { createUpstreamTransport } from './createUpstreamTransport.js';
import type { WatchEvent } from './readWatchEvents.js';
import {
  OWNER_KINDS,
  RESOURCES,
  type AccessAttributes,
  type OwnerKind,
  type ResourceDefinition,
} from './resources.js';
import { GatewayError } from '../errors.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryDelay.js';
import type {
  ApiResourceList,
  ImageManifestVulnList,
  PodList,
  WorkloadOwner,
  ImageStream,
  ImageStreamImage,
  ImageStreamLayers,
  ImageStreamList,
  ImageStreamTag,
  ProjectList,
  SelfSubjectAccessReview,
  VersionInfo,
} from './types.js';

/** Returns the bearer token to send now; called per request so rotated tokens are picked up. */
export type TokenSource = () => string | undefined;

/** How to reach and authenticate to one cluster's API server. Built by src/clusters/. */
export interface ClusterConnection {
  readonly name: string;
  /** `https://host:port` (or `http://` for a local simulator). */
  readonly server: string;
  readonly caPem?: string | undefined;
  readonly clientCertPem?: string | undefined;
  readonly clientKeyPem?: string | undefined;
  /** Only ever true when a kubeconfig says `insecure-skip-tls-verify: true`. */
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName?: string | undefined;
  readonly token?: TokenSource | undefined;
  /**
   * The `<alias>` in `X-Cluster-Authorization-<alias>`: `headerNameOf(name)` from
   * src/upstream/headerNameOf.ts, unique among the clusters of a kubeconfig. Set by
   * loadKubeconfig; other sources leave it out (use `headerNameOf(name)` then).
   */
  readonly headerName?: string | undefined;
  /**
   * Kubernetes user impersonation from the kubeconfig user's `as`, `as-groups`, `as-uid` and
   * `as-user-extra`: every call authenticates with the connection's own credentials and adds
   * `Impersonate-User`, one `Impersonate-Group` per group, `Impersonate-Uid`, and one
   * `Impersonate-Extra-<key>` per value, where `<key>` is percent-encoded (`%XX`, uppercase hex
   * of each UTF-8 byte) for every byte that is not an RFC 9110 tchar, and for `%` itself, as
   * client-go does. Values are printable ASCII (checked by loadKubeconfig); keys hold no control
   * characters. Fields are present only when set.
   */
  readonly impersonate?:
    | {
        readonly user: string;
        readonly groups?: readonly string[] | undefined;
        readonly uid?: string | undefined;
        readonly extra?: Readonly<Record<string, readonly string[]>> | undefined;
      }
    | undefined;
}

export interface UpstreamOptions {
  /** Timeout of one attempt (connect to last byte), ms. */
  readonly attemptTimeoutMs: number;
  /** Calls in flight to one cluster at most; also the socket pool size. */
  readonly maxConcurrency: number;
  readonly retry: RetryPolicy;
  /** Retries as a fraction of requests per cluster. */
  readonly retryBudget: RetryBudgetOptions;
  readonly circuitBreaker: CircuitBreakerOptions;
  /** A larger response body is cut off with UPSTREAM_UNAVAILABLE, never buffered whole. */
  readonly maxResponseBytes: number;
}

export const DEFAULT_UPSTREAM_OPTIONS: UpstreamOptions = Object.freeze({
  attemptTimeoutMs: defaultOf('attempt-timeout-ms'),
  maxConcurrency: defaultOf('upstream-concurrency'),
  retry: DEFAULT_RETRY_POLICY,
  retryBudget: DEFAULT_RETRY_BUDGET,
  circuitBreaker: DEFAULT_CIRCUIT_BREAKER,
  maxResponseBytes: 32 * 1024 * 1024,
});

/** Receives what happens upstream, for metrics. Structural: src/metrics implements it. */
export interface UpstreamObserver {
  upstreamRequest(cluster: string, resource: string, status: string, seconds: number): void;
  upstreamRetry(cluster: string, resource: string): void;
  breakerState(cluster: string, state: BreakerState): void;
}

/** One finished upstream call, as reported to CallOptions.onUpstreamCall. */
export interface UpstreamCall {
  readonly cluster: string;
  readonly resource: string;
  /** The HTTP status, or the error code when no answer came. */
  readonly status: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly endedAt: number;
}

/** Per-call settings, taken from the GraphQL request's context. */
export interface CallOptions {
  /** Aborts when the GraphQL request's deadline passes. */
  readonly signal?: AbortSignal | undefined;
  /** Epoch ms of that deadline; no retry is started that could not begin before it. */
  readonly deadlineAt?: number | undefined;
  /** A caller's token (passthrough mode) used instead of the cluster's own. */
  readonly bearerToken?: string | undefined;
  /** Called when a call ends, retries included (tracing). */
  readonly onUpstreamCall?: ((call: UpstreamCall) => void) | undefined;
  /** The GraphQL request's id, sent as X-Request-Id and logged with each call. */
  readonly requestId?: string | undefined;
  /**
   * The call acts for the caller (passthrough): only the caller's tokens are sent, never the
   * cluster's own, even when the caller sent none for this cluster.
   */
  readonly asCaller?: boolean | undefined;
  /** Callers' tokens by cluster header name (passthrough mode); they win over bearerToken. */
  readonly clusterTokens?: ReadonlyMap<string, string> | undefined;
  /**
   * The operation's upstream budget; also the operation's identity in each cluster's fair
   * queue. Absent for calls outside an operation (the cluster probe).
   */
  readonly budget?: OperationBudget | undefined;
}

/** Whose credentials a call carries to a cluster (whose alias is `headerName`). */
export type Credential =
  /** A token the caller sent: for this cluster's header, else its `Authorization`. */
  | { readonly kind: 'caller'; readonly token: string }
  /** A call for the caller, who sent no token for this cluster: none is sent. */
  | { readonly kind: 'anonymous' }
  /** The gateway's own credentials (token or client certificate, with impersonation). */
  | { readonly kind: 'gateway' };

/**
 * The one rule for what a call authenticates as; the transport sends accordingly and the access
 * reviews remember answers under it, so a cached answer is only ever reused for the identity
 * the API server saw.
 */
export function credentialOf(call: CallOptions, headerName: string): Credential {
  const token = call.clusterTokens?.get(headerName) ?? call.bearerToken;
  if (token !== undefined) return { kind: 'caller', token };
  return call.asCaller === true ? { kind: 'anonymous' } : { kind: 'gateway' };
}

export interface WatchOptions {
  readonly resourceVersion: string;
  /** Asks the server to end the watch after this long (client-go picks 5 to 10 minutes). */
  readonly timeoutSeconds: number;
  /** A watch silent this long is taken for dead (ms). */
  readonly idleMs: number;
}

export interface ListOptions {
  readonly limit?: number | undefined;
  readonly continueToken?: string | undefined;
  /** A label selector the caller has checked (Cluster.imageStreams). */
  readonly labelSelector?: string | undefined;
}

/** Typed, read-only calls to one cluster's API, one per entry of the resource table. */
export interface ImageApiClient {
  readonly cluster: ClusterConnection;
  getImageStreamImage(
    namespace: string,
    name: string,
    call?: CallOptions,
  ): Promise<ImageStreamImage>;
  getImageStream(namespace: string, name: string, call?: CallOptions): Promise<ImageStream>;
  listImageStreams(
    namespace: string | undefined,
    list: ListOptions,
    call?: CallOptions,
  ): Promise<ImageStreamList>;
  getImageStreamTag(namespace: string, name: string, call?: CallOptions): Promise<ImageStreamTag>;
  /** The layers subresource: every image of the stream with its layers and manifest-list children. */
  getImageStreamLayers(
    namespace: string,
    name: string,
    call?: CallOptions,
  ): Promise<ImageStreamLayers>;
  /** Asks the API server whether the caller may do something, without doing it. */
  reviewAccess(attributes: AccessAttributes, call?: CallOptions): Promise<SelfSubjectAccessReview>;
  /** GET /version: the cheapest call that proves the API server answers. */
  getVersion(call?: CallOptions): Promise<VersionInfo>;
  /**
   * Watches image streams (all namespaces when `namespace` is undefined) with the gateway's own
   * credentials, from `resourceVersion`, with bookmarks; resolves once the API server answered
   * 200. See UpstreamTransport.watch for how the events end.
   */
  watchImageStreams(
    namespace: string | undefined,
    watch: WatchOptions,
    signal: AbortSignal,
  ): Promise<AsyncIterable<WatchEvent>>;
  /** The projects the caller can see (project.openshift.io/v1). */
  listProjects(call?: CallOptions): Promise<ProjectList>;
  /** Every namespace (core v1; needs list on namespaces cluster-wide). */
  listNamespaces(call?: CallOptions): Promise<ProjectList>;
  /** Pods of one namespace, or of all namespaces when `namespace` is undefined, one page. */
  listPods(namespace: string | undefined, list: ListOptions, call?: CallOptions): Promise<PodList>;
  /** One owner of pods (ReplicaSet, Deployment, Job…), by the kind its ownerReference names. */
  getWorkloadOwner(
    kind: OwnerKind,
    namespace: string,
    name: string,
    call?: CallOptions,
  ): Promise<WorkloadOwner>;
  /** ImageManifestVuln objects (Quay's Container Security Operator), one page. */
  listImageManifestVulns(
    namespace: string | undefined,
    list: ListOptions,
    call?: CallOptions,
  ): Promise<ImageManifestVulnList>;
  /**
   * Whether the cluster serves ImageManifestVuln (discovery of secscan.quay.redhat.com/v1alpha1):
   * false when the group is not served (404), an error for anything else.
   */
  servesImageManifestVulns(call?: CallOptions): Promise<boolean>;
  /** The cluster's fair queue, for tests and metrics. */
  readonly scheduler: FairScheduler;
  /** The cluster's circuit breaker, for tests and metrics. */
  readonly breaker: CircuitBreaker;
  /** Sockets of the pool: in use, and idle kept alive. */
  sockets(): { active: number; idle: number };
  /** Closes pooled sockets. */
  close(): void;
}

/**
 * The RBAC permissions the calls of the resource table need, for deploy/openshift and its test.
 * imagestreams/layers is optional: without it imageLocations reads list images instead.
 */
export const UPSTREAM_PERMISSIONS: readonly {
  group: string;
  resource: string;
  verbs: readonly string[];
  optional?: boolean;
}[] = (() => {
  const byResource = new Map<
    string,
    { group: string; resource: string; verbs: Set<string>; optional: boolean }
  >();
  for (const def of Object.values(RESOURCES) as ResourceDefinition[]) {
    if (!def.rbac) continue;
    const { group, resource, verb } = def.rbac;
    const key = `${group}/${resource}`;
    const entry = byResource.get(key) ?? {
      group,
      resource,
      verbs: new Set<string>(),
      optional: def.rbac.optional === true,
    };
    entry.verbs.add(verb);
    byResource.set(key, entry);
  }
  return [...byResource.values()].map((e) => ({
    group: e.group,
    resource: e.resource,
    verbs: [...e.verbs].sort(),
    ...(e.optional ? { optional: true } : {}),
  }));
})();

/**
 * The typed client of one cluster: each method is one entry of the resource table (path,
 * shape, RBAC) sent through the cluster's transport (TLS, credentials, fair queue, breaker,
 * budgets, retries, Status mapping).
 */
export function createImageApiClient(
  cluster: ClusterConnection,
  options: UpstreamOptions = DEFAULT_UPSTREAM_OPTIONS,
  logger?: Logger,
  observer?: UpstreamObserver,
): ImageApiClient {
  const transport = createUpstreamTransport(cluster, options, logger, observer);
  const send = <T>(
    def: ResourceDefinition,
    call: CallOptions | undefined,
    args: Parameters<ResourceDefinition['request']>[0],
  ): Promise<T> =>
    transport.request(def.request(args), call ?? {}).catch((err: unknown) => {
      throw def.mapError?.(err) ?? err;
    }) as Promise<T>;
  return {
    cluster,
    scheduler: transport.scheduler,
    breaker: transport.breaker,
    sockets: transport.sockets,
    close: transport.close,
    getImageStreamImage: (namespace, name, call) =>
      send(RESOURCES.imageStreamImage, call, { namespace, name }),
    getImageStream: (namespace, name, call) =>
      send(RESOURCES.imageStream, call, { namespace, name }),
    listImageStreams: (namespace, list, call) =>
      send(RESOURCES.imageStreamList, call, { namespace, list }),
    getImageStreamTag: (namespace, name, call) =>
      send(RESOURCES.imageStreamTag, call, { namespace, name }),
    getImageStreamLayers: (namespace, name, call) =>
      send(RESOURCES.imageStreamLayers, call, { namespace, name }),
    reviewAccess: (attributes, call) =>
      send(RESOURCES.selfSubjectAccessReview, call, { attributes }),
    getVersion: (call) => send(RESOURCES.version, call, {}),
    watchImageStreams: (namespace, watch, signal) =>
      transport.watch(
        RESOURCES.imageStreamWatch.request({ namespace, watch }),
        signal,
        watch.idleMs,
      ),
    listProjects: (call) => send(RESOURCES.projectList, call, {}),
    listNamespaces: (call) => send(RESOURCES.namespaceList, call, {}),
    listPods: (namespace, list, call) => send(RESOURCES.podList, call, { namespace, list }),
    getWorkloadOwner: (kind, namespace, name, call) =>
      send(OWNER_KINDS[kind], call, { namespace, name }),
    listImageManifestVulns: (namespace, list, call) =>
      send(RESOURCES.imageManifestVulnList, call, { namespace, list }),
    servesImageManifestVulns: async (call) => {
      try {
        const found = await send<ApiResourceList>(RESOURCES.scannerDiscovery, call, {});
        return (found.resources ?? []).some((r) => r.name === 'imagemanifestvulns');
      } catch (err) {
        if (err instanceof GatewayError && err.code === 'NOT_FOUND') return false;
        throw err;
      }
    },
  };
}
