import type { GraphQLError } from 'graphql';
import type { Span } from '@opentelemetry/api';
import type { AccessReviews } from './authz/createAccessReviews.js';
import type { ContentCache } from './cache/createContentCache.js';
import type { ClusterProbe, ClusterStatus } from './clusters/createClusterProbe.js';
import type { ClusterRegistry } from './clusters/createClusterRegistry.js';
import type { LocationIndex } from './clusters/createLocationIndex.js';
import type { EventPayload } from './resolvers/subscription.js';
import type { EventFilter } from './subscriptions/createEventHub.js';
import { headerOf } from './upstream/headerNameOf.js';
import { DEFAULT_FAN_OUT, type FanOutOptions } from './clusters/fanOut.js';
import { defaultOf } from './config/options.js';
import type { AuthMode } from './config/parseConfig.js';
import { GatewayError } from './errors.js';
import { linkSignals } from './linkSignals.js';
import { createLoaders, type LoaderObserver, type Loaders } from './loaders/createLoaders.js';
import type { Logger } from './logger.js';
import type { Tracing } from './tracing/createTracing.js';
import { createOperationBudget } from './upstream/createOperationBudget.js';
import type { CallOptions } from './upstream/createImageApiClient.js';

export type { ClusterStatus };

export interface Limits {
  /** Most refs one imageStreamImages call takes. */
  readonly maxRefs: number;
  /** Largest `first` of a connection. */
  readonly maxPageSize: number;
}

/** A configured cluster as resolvers see it: a name and a URL, never a client or a credential. */
export interface ClusterInfo {
  readonly name: string;
  /** The API server URL (a kubeconfig's server; never carries userinfo: refused at start). */
  readonly server: string;
}

/**
 * The clusters, as far as resolvers may touch them: look-ups and argument checks. Reads go
 * through the loaders; resolvers never hold an upstream client.
 */
export interface ClusterDirectory {
  /** Every configured cluster, in configuration order. */
  readonly all: readonly ClusterInfo[];
  /** The cluster of that name, or undefined (`Query.cluster`). */
  find(name: string): ClusterInfo | undefined;
  /** The cluster of a name that came from a key or a model (known to exist). */
  get(name: string): ClusterInfo;
  /**
   * The cluster a `cluster` argument names (the only one when omitted), after checking it and,
   * in passthrough mode, that the caller sent a token for it. Throws BAD_USER_INPUT or
   * UNAUTHENTICATED before any upstream call.
   */
  resolve(cluster: string | null | undefined, argument?: string): ClusterInfo;
  /** Reachability, from a probe shared across requests. */
  status(name: string): Promise<ClusterStatus>;
}

/** Everything a resolver may use for one GraphQL request. Created per request, never shared. */
export interface GatewayContext {
  readonly requestId: string;
  readonly logger: Logger;
  readonly clusters: ClusterDirectory;
  readonly loaders: Loaders;
  readonly limits: Limits;
  /** Errors to add to the response next to data (one failed cluster of a fan-out). */
  readonly extraErrors: GraphQLError[];
  /** Cached signatures and annotations older than this are read again (ms). */
  readonly cacheMutableTtlMs: number;
  /** The operation's span, when tracing is on; upstream calls become its children. */
  readonly trace: { span?: Span | undefined };
  /** Only while a subscription starts (src/subscriptions): where its events come from. */
  readonly live?: LiveSupport | undefined;
  /**
   * Unties the request's signal from the client's and the gateway's (and clears its deadline
   * timer) once the answer is out. Idempotent.
   */
  dispose(): void;
}

/** What a subscription's resolver needs to follow image stream changes. */
export interface LiveSupport {
  /** The location indexes by cluster, which the events come from. */
  readonly indexes: ReadonlyMap<string, LocationIndex>;
  /** The events of a filter for this caller, each with a context of its own (followEvents). */
  follow(filter: EventFilter): AsyncIterableIterator<EventPayload>;
}

export interface ContextOptions {
  readonly requestId: string;
  readonly logger: Logger;
  readonly registry: ClusterRegistry;
  readonly auth: AuthMode;
  /** The caller's bearer token, when it sent one. */
  readonly bearerToken: string | undefined;
  /** Caller tokens by cluster header name (X-Cluster-Authorization-<alias>). */
  readonly clusterTokens?: ReadonlyMap<string, string> | undefined;
  /** Aborts when the client goes away: its upstream calls are not worth finishing. */
  readonly clientSignal?: AbortSignal | undefined;
  /** Aborts when the gateway's shutdown grace ends (long-lived: tied with linkSignals). */
  readonly shutdownSignal?: AbortSignal | undefined;
  /** Time budget of the whole request, ms. */
  readonly deadlineMs: number;
  /** Upstream requests the operation may cause (--max-upstream-requests). */
  readonly maxUpstreamRequests?: number | undefined;
  readonly limits: Limits;
  readonly probe: ClusterProbe;
  readonly fanOut?: FanOutOptions | undefined;
  /** The content cache shared across requests, if any. */
  readonly cache?: ContentCache | undefined;
  /** Access review answers shared across requests (needed to serve from the cache). */
  readonly accessReviews?: AccessReviews | undefined;
  readonly loaderObserver?: LoaderObserver | undefined;
  readonly tracing?: Tracing | undefined;
  readonly cacheMutableTtlMs?: number | undefined;
  /** See createGateway's option of that name. */
  readonly indexProofMaxSilenceMs?: number | undefined;
  /** The location indexes by cluster (shared across requests), when they are on. */
  readonly indexes?: ReadonlyMap<string, LocationIndex> | undefined;
  /** For a subscription's start only. */
  readonly live?: LiveSupport | undefined;
}

interface ClusterInfos {
  readonly byName: ReadonlyMap<string, ClusterInfo>;
  readonly all: readonly ClusterInfo[];
}

/** The clusters as resolvers see them, built once per registry (not per request). */
const infosOf = new WeakMap<ClusterRegistry, ClusterInfos>();

function clusterInfos(registry: ClusterRegistry): ClusterInfos {
  let infos = infosOf.get(registry);
  if (!infos) {
    const all = registry.clients.map((c): ClusterInfo =>
      Object.freeze({ name: c.cluster.name, server: c.cluster.server }),
    );
    infos = { byName: new Map(all.map((info) => [info.name, info])), all: Object.freeze(all) };
    infosOf.set(registry, infos);
  }
  return infos;
}

function createClusterDirectory(options: ContextOptions): ClusterDirectory {
  const { registry } = options;
  const { byName: infoOf, all } = clusterInfos(registry);
  return {
    all,
    find: (name) => infoOf.get(name),
    get(name) {
      const info = infoOf.get(name);
      if (!info) throw new GatewayError('INTERNAL_SERVER_ERROR', `unknown cluster "${name}"`);
      return info;
    },
    resolve(cluster, argument) {
      const client = registry.resolve(cluster, argument);
      const header = headerOf(client.cluster);
      if (
        options.auth === 'passthrough' &&
        !options.bearerToken &&
        !options.clusterTokens?.has(header)
      ) {
        throw new GatewayError(
          'UNAUTHENTICATED',
          `This gateway forwards the caller's credentials: send "Authorization: Bearer <token>" (or "X-Cluster-Authorization-${header}: Bearer <token>" for this cluster).`,
          { cluster: client.cluster.name },
        );
      }
      return this.get(client.cluster.name);
    },
    status: (name) => options.probe.status(name),
  };
}

export function createContext(options: ContextOptions): GatewayContext {
  // Aborts at the deadline, when the client goes away or the gateway stops; dispose() unties it.
  const linked = linkSignals([options.clientSignal, options.shutdownSignal], options.deadlineMs);
  const signal = linked.signal;
  const traceHolder: { span?: Span | undefined } = {};
  const tracing = options.tracing;
  const call: CallOptions = {
    onUpstreamCall: tracing
      ? (upstream) => tracing.upstreamSpan(traceHolder.span, upstream)
      : undefined,
    signal,
    deadlineAt: Date.now() + options.deadlineMs,
    asCaller: options.auth === 'passthrough',
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
    clusters: createClusterDirectory(options),
    loaders: createLoaders({
      registry: options.registry,
      call,
      cache: options.cache,
      accessReviews: options.accessReviews,
      observer: options.loaderObserver,
      logger: options.logger,
      fanOut: options.fanOut ?? DEFAULT_FAN_OUT,
      indexes: options.indexes,
      indexProofMaxSilenceMs:
        options.indexProofMaxSilenceMs ?? defaultOf('index-proof-max-silence-ms'),
    }),
    limits: options.limits,
    extraErrors: [],
    live: options.live,
    dispose: linked.dispose,
    cacheMutableTtlMs: options.cacheMutableTtlMs ?? defaultOf('cache-mutable-ttl-ms'),
    trace: traceHolder,
  };
}
