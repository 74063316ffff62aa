import { setMaxListeners } from 'node:events';
import type { GraphQLError } from 'graphql';
import type { Span } from '@opentelemetry/api';
import type { AccessReviews } from './authz/createAccessReviews.js';
import type { ContentCache } from './cache/createContentCache.js';
import type { Tracing } from './tracing/createTracing.js';
import type { ClusterProbe } from './clusters/createClusterProbe.js';
import { headerOf, type ClusterRegistry } from './clusters/createClusterRegistry.js';
import { createOperationBudget } from './upstream/createOperationBudget.js';
import { DEFAULT_FAN_OUT, type FanOutOptions } from './clusters/fanOut.js';
import { defaultOf } from './config/options.js';
import { GatewayError } from './errors.js';
import { createLoaders, type LoaderObserver, type Loaders } from './loaders/createLoaders.js';
import type { Logger } from './logger.js';
import type { AuthMode } from './config/parseConfig.js';
import type { CallOptions, ImageApiClient } from './upstream/createImageApiClient.js';

export interface Limits {
  /** Most refs one imageStreamImages call takes. */
  readonly maxRefs: number;
  /** Largest `first` of a connection. */
  readonly maxPageSize: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({ maxRefs: 500, maxPageSize: 500 });

/** Everything a resolver may use for one GraphQL request. Created per request, never shared. */
export interface GatewayContext {
  readonly requestId: string;
  readonly logger: Logger;
  readonly registry: ClusterRegistry;
  readonly loaders: Loaders;
  readonly limits: Limits;
  /** Per-call options: the request's deadline and, in passthrough mode, the caller's token. */
  readonly call: CallOptions;
  /**
   * The client for a `cluster` argument, after checking the argument and (in passthrough
   * mode) that the caller sent a token. Throws before any upstream call.
   */
  clientFor(cluster: string | null | undefined, argument?: string): ImageApiClient;
  /** Errors to add to the response next to data (one failed cluster of a fan-out). */
  readonly extraErrors: GraphQLError[];
  /** Cluster reachability, shared across requests. */
  readonly probe: ClusterProbe;
  /** Per-cluster deadline and concurrency of fan-outs. */
  readonly fanOut: FanOutOptions;
  /** Cached signatures and annotations older than this are read again (ms). */
  readonly cacheMutableTtlMs: number;
  /** The operation's span, when tracing is on; upstream calls become its children. */
  readonly trace: { span?: Span | undefined };
}

export interface ContextOptions {
  readonly requestId: string;
  readonly logger: Logger;
  readonly registry: ClusterRegistry;
  readonly auth: AuthMode;
  /** The caller's bearer token, when it sent one. */
  readonly bearerToken: string | undefined;
  /** Per-cluster caller tokens (X-Cluster-Authorization-<cluster>), for clusters with their own identity provider. */
  readonly clusterTokens?: ReadonlyMap<string, string>;
  /** Aborts when the client goes away: its upstream calls are not worth finishing. */
  readonly clientSignal?: AbortSignal | undefined;
  /** Time budget of the whole request, ms. */
  readonly deadlineMs: number;
  /** Upstream requests the operation may cause (--max-upstream-requests). */
  readonly maxUpstreamRequests?: number;
  readonly limits?: Limits;
  readonly probe: ClusterProbe;
  readonly fanOut?: FanOutOptions;
  /** The content cache shared across requests, if any. */
  readonly cache?: ContentCache | undefined;
  /** Access review answers shared across requests (needed to serve from the cache). */
  readonly accessReviews?: AccessReviews | undefined;
  readonly loaderObserver?: LoaderObserver | undefined;
  readonly tracing?: Tracing | undefined;
  readonly cacheMutableTtlMs?: number;
}

export function createContext(options: ContextOptions): GatewayContext {
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const signal = options.clientSignal
    ? AbortSignal.any([deadline, options.clientSignal])
    : deadline;
  // Every upstream call of the request listens on this one signal.
  setMaxListeners(0, signal);
  const traceHolder: { span?: Span | undefined } = {};
  const tracing = options.tracing;
  const call: CallOptions = {
    onUpstreamCall: tracing
      ? (upstream) => tracing.upstreamSpan(traceHolder.span, upstream)
      : undefined,
    signal,
    deadlineAt: Date.now() + options.deadlineMs,
    bearerToken: options.auth === 'passthrough' ? options.bearerToken : undefined,
    clusterTokens: options.auth === 'passthrough' ? options.clusterTokens : undefined,
    requestId: options.requestId,
    budget: createOperationBudget(
      options.maxUpstreamRequests ?? defaultOf('max-upstream-requests'),
    ),
  };
  return {
    requestId: options.requestId,
    logger: options.logger,
    registry: options.registry,
    loaders: createLoaders({
      registry: options.registry,
      call,
      cache: options.cache,
      accessReviews: options.accessReviews,
      observer: options.loaderObserver,
      logger: options.logger,
    }),
    limits: options.limits ?? DEFAULT_LIMITS,
    call,
    clientFor(cluster, argument) {
      const client = options.registry.resolve(cluster, argument);
      const name = client.cluster.name;
      const header = headerOf(client.cluster);
      if (
        options.auth === 'passthrough' &&
        !options.bearerToken &&
        !options.clusterTokens?.has(header)
      ) {
        throw new GatewayError(
          'UNAUTHENTICATED',
          `This gateway forwards the caller's credentials: send "Authorization: Bearer <token>" (or "X-Cluster-Authorization-${header}: Bearer <token>" for this cluster).`,
          { cluster: name },
        );
      }
      return client;
    },
    extraErrors: [],
    probe: options.probe,
    fanOut: options.fanOut ?? DEFAULT_FAN_OUT,
    cacheMutableTtlMs: options.cacheMutableTtlMs ?? 60_000,
    trace: traceHolder,
  };
}
