import http from 'node:http';
import https from 'node:https';
import { got, HTTPError, type Got, type RetryObject } from 'got';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  createCircuitBreaker,
  DEFAULT_CIRCUIT_BREAKER,
  type BreakerState,
  type CircuitBreaker,
  type CircuitBreakerOptions,
} from './createCircuitBreaker.js';
import {
  createRetryBudget,
  DEFAULT_RETRY_BUDGET,
  type RetryBudgetOptions,
} from './createRetryBudget.js';
import { createSemaphore, type Semaphore } from './semaphore.js';
import {
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  retryDelay,
  type RetryPolicy,
} from './retryDelay.js';
import { errorFromAnswer, errorFromTransport, malformedBody } from './toGatewayError.js';
import type {
  ImageStreamLayers,
  VersionInfo,
  ImageStream,
  ImageStreamImage,
  ImageStreamList,
  ImageStreamTag,
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
   * src/clusters/headerNameOf.ts, unique among the clusters of a kubeconfig. Set by
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
  attemptTimeoutMs: 10_000,
  maxConcurrency: 128,
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
  /** Callers' tokens per cluster name (passthrough mode); they win over bearerToken. */
  readonly clusterTokens?: ReadonlyMap<string, string> | undefined;
}

export interface ListOptions {
  readonly limit?: number | undefined;
  readonly continueToken?: string | undefined;
}

/** Typed, read-only calls to one cluster's image.openshift.io/v1 API. */
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
  /** GET /version: the cheapest call that proves the API server answers. */
  getVersion(call?: CallOptions): Promise<VersionInfo>;
  /** Concurrency state, for tests and metrics. */
  readonly semaphore: Semaphore;
  /** The cluster's circuit breaker, for tests and metrics. */
  readonly breaker: CircuitBreaker;
  /** Sockets of the pool: in use, and idle kept alive. */
  sockets(): { active: number; idle: number };
  /** Closes pooled sockets. */
  close(): void;
}

const GROUP = 'apis/image.openshift.io/v1';

/**
 * The RBAC permissions the calls below need (image.openshift.io), for deploy/openshift/rbac.yaml
 * and its test. imagestreams/layers is optional: without it imageLocations reads list images.
 */
export const UPSTREAM_PERMISSIONS: readonly {
  resource: string;
  verbs: readonly string[];
  optional?: boolean;
}[] = [
  { resource: 'imagestreams', verbs: ['get', 'list'] },
  { resource: 'imagestreamimages', verbs: ['get'] },
  { resource: 'imagestreamtags', verbs: ['get'] },
  { resource: 'imagestreams/layers', verbs: ['get'], optional: true },
];

/** Encodes one path segment; `@` and `:` are legal in a segment and kept readable. */
function segment(value: string): string {
  return encodeURIComponent(value).replace(/%40/g, '@').replace(/%3A/gi, ':');
}

interface RequestContext extends Record<string, unknown> {
  deadlineAt?: number | undefined;
  resource?: string;
}

export function createImageApiClient(
  cluster: ClusterConnection,
  options: UpstreamOptions = DEFAULT_UPSTREAM_OPTIONS,
  logger?: Logger,
  observer?: UpstreamObserver,
): ImageApiClient {
  const isHttps = cluster.server.startsWith('https:');
  if (isHttps && cluster.insecureSkipTlsVerify) {
    logger?.warn(
      { cluster: cluster.name },
      'TLS verification is off for this cluster because its kubeconfig says insecure-skip-tls-verify',
    );
  }
  const tls = {
    ca: cluster.caPem,
    cert: cluster.clientCertPem,
    key: cluster.clientKeyPem,
    rejectUnauthorized: !cluster.insecureSkipTlsVerify,
    servername: cluster.tlsServerName,
  };
  const agent = isHttps
    ? new https.Agent({
        keepAlive: true,
        maxSockets: options.maxConcurrency,
        scheduling: 'lifo',
        ...tls,
      })
    : new http.Agent({ keepAlive: true, maxSockets: options.maxConcurrency, scheduling: 'lifo' });
  const semaphore = createSemaphore(options.maxConcurrency);
  const budget = createRetryBudget(options.retryBudget);
  const breaker = createCircuitBreaker(options.circuitBreaker, Date.now, (state) => {
    observer?.breakerState(cluster.name, state);
    logger?.warn({ cluster: cluster.name, state }, 'circuit breaker changed state');
  });
  observer?.breakerState(cluster.name, 'closed');

  const client: Got = got.extend({
    prefixUrl: `${cluster.server.replace(/\/+$/, '')}/`,
    agent: isHttps ? { https: agent as https.Agent } : { http: agent },
    https: {
      certificateAuthority: cluster.caPem,
      certificate: cluster.clientCertPem,
      key: cluster.clientKeyPem,
      rejectUnauthorized: !cluster.insecureSkipTlsVerify,
    },
    timeout: { request: options.attemptTimeoutMs },
    responseType: 'text',
    headers: { accept: 'application/json', 'user-agent': 'openshift-image-gateway' },
    retry: {
      limit: options.retry.limit,
      methods: ['GET'],
      calculateDelay: ({ attemptCount, error }: RetryObject) => {
        const context = error.options.context as RequestContext;
        const deadlineAt = context.deadlineAt ?? Number.POSITIVE_INFINITY;
        const header = error.response?.headers['retry-after'];
        const delay = retryDelay({
          attempt: attemptCount,
          method: error.options.method,
          statusCode: error.response?.statusCode,
          errorCode: error.response ? undefined : error.code,
          retryAfterMs: parseRetryAfter(
            typeof header === 'string' ? header : undefined,
            Date.now(),
          ),
          remainingMs: deadlineAt - Date.now(),
          random: Math.random(),
          policy: options.retry,
        });
        // The retry budget has the last word: past it, the failure is reported as it is.
        if (delay > 0 && !budget.tryRetry()) return 0;
        if (delay > 0) observer?.upstreamRetry(cluster.name, context.resource ?? 'other');
        if (delay > 0) {
          logger?.debug(
            {
              cluster: cluster.name,
              path: error.options.url?.toString().replace(/^[^/]*\/\/[^/]*/, ''),
              attempt: attemptCount,
              delayMs: delay,
              status: error.response?.statusCode,
              code: error.code,
            },
            'retrying upstream call',
          );
        }
        return delay;
      },
    },
  });

  async function get<T>(
    resource: string,
    path: string,
    call: CallOptions = {},
    searchParams?: Record<string, string | number>,
  ): Promise<T> {
    const started = performance.now();
    const startedAt = Date.now();
    let status = 'error';
    try {
      const value = await guarded<T>(resource, path, call, searchParams);
      status = '200';
      return value;
    } catch (err) {
      status = err instanceof GatewayError ? String(err.upstream?.status ?? err.code) : 'error';
      throw err;
    } finally {
      observer?.upstreamRequest(
        cluster.name,
        resource,
        status,
        (performance.now() - started) / 1000,
      );
      call.onUpstreamCall?.({
        cluster: cluster.name,
        resource,
        status,
        startedAt,
        endedAt: Date.now(),
      });
    }
  }

  async function guarded<T>(
    resource: string,
    path: string,
    call: CallOptions,
    searchParams: Record<string, string | number> | undefined,
  ): Promise<T> {
    const token =
      call.clusterTokens?.get(cluster.name.toLowerCase()) ?? call.bearerToken ?? cluster.token?.();
    if (!breaker.allow()) {
      throw new GatewayError(
        'UPSTREAM_UNAVAILABLE',
        `cluster "${cluster.name}" is failing: calls are paused for ${Math.ceil(breaker.retryInMs / 1000)} s after repeated failures (circuit breaker)`,
        { cluster: cluster.name },
      );
    }
    try {
      const value = await semaphore.run(() =>
        attempt<T>(resource, path, call, token, searchParams),
      );
      breaker.onSuccess();
      return value;
    } catch (err) {
      if (
        err instanceof GatewayError &&
        (err.code === 'UPSTREAM_UNAVAILABLE' || err.code === 'UPSTREAM_TIMEOUT')
      ) {
        breaker.onFailure();
      } else {
        breaker.onSuccess();
      }
      throw err;
    }
  }

  async function attempt<T>(
    resource: string,
    path: string,
    call: CallOptions,
    token: string | undefined,
    searchParams: Record<string, string | number> | undefined,
  ): Promise<T> {
    const started = performance.now();
    let statusCode = 0;
    budget.recordRequest();
    try {
      const request = client.get(path, {
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(call.requestId ? { 'x-request-id': call.requestId } : {}),
        },
        signal: call.signal,
        context: { deadlineAt: call.deadlineAt, resource },
        searchParams,
      });
      let oversized = false;
      request.on('downloadProgress', (progress: { transferred: number; total?: number }) => {
        if (
          !oversized &&
          Math.max(progress.transferred, progress.total ?? 0) > options.maxResponseBytes
        ) {
          oversized = true;
          request.cancel();
        }
      });
      const response = await request.catch((err: unknown) => {
        if (oversized) {
          throw new GatewayError(
            'UPSTREAM_UNAVAILABLE',
            `cluster "${cluster.name}": the response is larger than ${options.maxResponseBytes} bytes`,
            {
              cluster: cluster.name,
              cause: err,
            },
          );
        }
        throw err;
      });
      statusCode = response.statusCode;
      let parsed: unknown;
      try {
        parsed = JSON.parse(response.body);
      } catch (cause) {
        throw malformedBody(cluster.name, response.statusCode, cause);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw malformedBody(
          cluster.name,
          response.statusCode,
          new TypeError('body is not a JSON object'),
        );
      }
      return parsed as T;
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      if (err instanceof HTTPError) {
        statusCode = err.response.statusCode;
        throw errorFromAnswer(cluster.name, {
          statusCode: err.response.statusCode,
          statusMessage: err.response.statusMessage,
          body: typeof err.response.body === 'string' ? err.response.body : '',
        });
      }
      const transport = (err ?? {}) as { name?: string; code?: unknown; message?: string };
      throw errorFromTransport(cluster.name, transport, call.signal?.aborted === true);
    } finally {
      logger?.debug(
        {
          cluster: cluster.name,
          requestId: call.requestId,
          path,
          status: statusCode,
          ms: Math.round(performance.now() - started),
        },
        'upstream call',
      );
    }
  }

  return {
    cluster,
    semaphore,
    breaker,
    sockets: () => ({
      active: Object.values(agent.sockets).reduce((n, list) => n + (list?.length ?? 0), 0),
      idle: Object.values(agent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0),
    }),
    getImageStreamImage: (namespace, name, call) =>
      get(
        'imagestreamimages',
        `${GROUP}/namespaces/${segment(namespace)}/imagestreamimages/${segment(name)}`,
        call,
      ),
    getImageStream: (namespace, name, call) =>
      get(
        'imagestreams',
        `${GROUP}/namespaces/${segment(namespace)}/imagestreams/${segment(name)}`,
        call,
      ),
    listImageStreams: (namespace, list, call) => {
      const path =
        namespace === undefined
          ? `${GROUP}/imagestreams`
          : `${GROUP}/namespaces/${segment(namespace)}/imagestreams`;
      const params: Record<string, string | number> = {};
      if (list.limit !== undefined) params['limit'] = list.limit;
      if (list.continueToken) params['continue'] = list.continueToken;
      return get('imagestreams', path, call, params);
    },
    getImageStreamTag: (namespace, name, call) =>
      get(
        'imagestreamtags',
        `${GROUP}/namespaces/${segment(namespace)}/imagestreamtags/${segment(name)}`,
        call,
      ),
    getImageStreamLayers: (namespace, name, call) =>
      get(
        'imagestreams/layers',
        `${GROUP}/namespaces/${segment(namespace)}/imagestreams/${segment(name)}/layers`,
        call,
      ),
    getVersion: (call) => get('version', 'version', call),
    close: () => agent.destroy(),
  };
}
