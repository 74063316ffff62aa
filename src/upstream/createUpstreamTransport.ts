import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import { headerOf } from './headerNameOf.js';
import {
  credentialOf,
  type CallOptions,
  type ClusterConnection,
  type UpstreamObserver,
  type UpstreamOptions,
} from './createImageApiClient.js';
import { createCircuitBreaker, type CircuitBreaker } from './createCircuitBreaker.js';
import { createFairScheduler, SlotAborted, type FairScheduler } from './createFairScheduler.js';
import { budgetSpent } from './createOperationBudget.js';
import { createClusterHttpClient } from './createClusterHttpClient.js';
import { createRetryBudget } from './createRetryBudget.js';
import { readWatchEvents, type WatchEvent } from './readWatchEvents.js';
import { sendRequest, type Exchange } from './sendRequest.js';
import { errorFromAnswer, errorFromTransport } from './toGatewayError.js';
import type { Check } from './wire/checkShape.js';

/** One call to the API server, described by the resource table (resources.ts). */
export interface UpstreamRequest {
  /** The resource, for metrics, logs and spans (`imagestreamimages`, `imagestreams/layers`…). */
  readonly resource: string;
  /** Path under the server URL, without a leading slash, segments already encoded. */
  readonly path: string;
  readonly method?: 'GET' | 'POST';
  readonly searchParams?: Readonly<Record<string, string | number>>;
  /** A JSON body (POST). */
  readonly json?: unknown;
  /** The shape the answer must have; a body that does not fit is UPSTREAM_UNAVAILABLE. */
  readonly shape: Check;
}

/** Sends requests to one cluster: TLS, credentials, fair queueing, breaker, budgets, retries. */
export interface UpstreamTransport {
  request(request: UpstreamRequest, call: CallOptions): Promise<unknown>;
  /**
   * Opens a watch with the gateway's own credentials; resolves once the API server answered 200
   * (an answer outside 2xx, or none, is the GatewayError a read would get). The events end when
   * the server ends the watch, `signal` aborts, nothing arrives for `idleMs`, or an event is
   * malformed or too large (then with an error).
   */
  watch(
    request: UpstreamRequest,
    signal: AbortSignal,
    idleMs: number,
  ): Promise<AsyncIterable<WatchEvent>>;
  readonly scheduler: FairScheduler;
  readonly breaker: CircuitBreaker;
  /** Sockets of the pool: in use, and idle kept alive. */
  readonly sockets: () => { active: number; idle: number };
  readonly close: () => void;
}

/** Calls without an operation (the cluster probe, direct use in tests) share one queue. */
const NO_OPERATION = {};

/** client-go's encoding of an extra key: every byte that is not an RFC 9110 tchar, and `%`, as %XX. */
function extraKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /^[A-Za-z0-9!#$&'*+.^_`|~-]$/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Kubernetes' own impersonation headers (client-go transport/round_trippers.go). */
function impersonationHeaders(connection: ClusterConnection): Record<string, string | string[]> {
  const as = connection.impersonate;
  if (!as) return {};
  const out: Record<string, string | string[]> = {};
  if (as.user) out['impersonate-user'] = as.user;
  if (as.uid) out['impersonate-uid'] = as.uid;
  if (as.groups && as.groups.length > 0) out['impersonate-group'] = [...as.groups];
  for (const [key, values] of Object.entries(as.extra ?? {}))
    out[`impersonate-extra-${extraKey(key)}`] = [...values];
  return out;
}

export function createUpstreamTransport(
  cluster: ClusterConnection,
  options: UpstreamOptions,
  logger?: Logger,
  observer?: UpstreamObserver,
): UpstreamTransport {
  const server = new URL(cluster.server);
  if (server.username || server.password)
    throw new TypeError(`cluster "${cluster.name}": the server URL must not carry credentials`);
  const scheduler = createFairScheduler({
    limit: options.maxConcurrency,
    perOwnerLimit: Math.max(1, Math.ceil(options.maxConcurrency / 2)),
  });
  const retryBudget = createRetryBudget(options.retryBudget);
  const breaker = createCircuitBreaker(options.circuitBreaker, Date.now, (state) => {
    observer?.breakerState(cluster.name, state);
    logger?.warn({ cluster: cluster.name, state }, 'circuit breaker changed state');
  });
  observer?.breakerState(cluster.name, 'closed');
  const ownHeaders = impersonationHeaders(cluster);
  const headerName = headerOf(cluster);
  const {
    got: client,
    agent,
    watchGot,
    watchAgent,
  } = createClusterHttpClient(cluster, options, retryBudget, logger, observer);
  const exchange: Exchange = {
    cluster: cluster.name,
    got: client,
    maxResponseBytes: options.maxResponseBytes,
    logger,
  };

  const unavailable = (): GatewayError =>
    new GatewayError(
      'UPSTREAM_UNAVAILABLE',
      `cluster "${cluster.name}" is failing: calls are paused for ${Math.ceil(breaker.retryInMs / 1000)} s after repeated failures (circuit breaker)`,
      { cluster: cluster.name },
    );

  /** Admitted by the breaker and the operation's budget, then sent; the outcome is reported back. */
  async function admitted(
    request: UpstreamRequest,
    call: CallOptions,
    token: string | undefined,
    ownCredentials: boolean,
    secrets: readonly (string | undefined)[],
  ): Promise<unknown> {
    // Checked when the call leaves the queue: the circuit may have opened while it waited.
    const ticket = breaker.admit();
    if (!ticket) throw unavailable();
    if (call.budget && !call.budget.take()) {
      breaker.onNeutral(ticket);
      throw budgetSpent(call.budget, cluster.name);
    }
    try {
      retryBudget.recordRequest();
      const headers: Record<string, string | string[]> = {};
      if (token) headers['authorization'] = `Bearer ${token}`;
      // Impersonation rides on the gateway's own credentials only, never a caller's.
      if (ownCredentials) Object.assign(headers, ownHeaders);
      if (call.requestId) headers['x-request-id'] = call.requestId;
      const value = await sendRequest(exchange, request, call, headers, secrets);
      breaker.onSuccess(ticket);
      return value;
    } catch (err) {
      if (call.signal?.aborted) breaker.onNeutral(ticket);
      else if (isClusterFailure(err)) breaker.onFailure(ticket);
      else breaker.onSuccess(ticket);
      throw err;
    }
  }

  async function request(request: UpstreamRequest, call: CallOptions): Promise<unknown> {
    const started = performance.now();
    const startedAt = Date.now();
    let status = 'error';
    const ownToken = cluster.token?.();
    // A caller's call carries the caller's token or none: never the gateway's own.
    const credential = credentialOf(call, headerName);
    const ownCredentials = credential.kind === 'gateway';
    const token =
      credential.kind === 'caller' ? credential.token : ownCredentials ? ownToken : undefined;
    const secrets = [token, ownToken];
    try {
      if (!breaker.admits) throw unavailable();
      const value = await scheduler
        .run(call.budget?.operation ?? call.budget ?? NO_OPERATION, call.signal, () =>
          admitted(request, call, token, ownCredentials, secrets),
        )
        .catch((err: unknown) => {
          if (!(err instanceof SlotAborted)) throw err;
          throw errorFromTransport(
            cluster.name,
            { name: 'AbortError' },
            true,
            [],
            call.signal?.reason,
          );
        });
      status = '200';
      return value;
    } catch (err) {
      status = err instanceof GatewayError ? String(err.upstream?.status ?? err.code) : 'error';
      throw err;
    } finally {
      observer?.upstreamRequest(
        cluster.name,
        request.resource,
        status,
        (performance.now() - started) / 1000,
      );
      call.onUpstreamCall?.({
        cluster: cluster.name,
        resource: request.resource,
        status,
        startedAt,
        endedAt: Date.now(),
      });
    }
  }

  async function watch(
    request: UpstreamRequest,
    signal: AbortSignal,
    idleMs: number,
  ): Promise<AsyncIterable<WatchEvent>> {
    if (!breaker.admits) throw unavailable();
    const ownToken = cluster.token?.();
    const secrets = [ownToken];
    const started = performance.now();
    let status = 'error';
    const stream = watchGot.stream(request.path, {
      searchParams: request.searchParams,
      headers: { ...(ownToken ? { authorization: `Bearer ${ownToken}` } : {}), ...ownHeaders },
      signal,
    });
    const failure = (err: unknown): GatewayError =>
      err instanceof GatewayError
        ? err
        : errorFromTransport(cluster.name, err ?? {}, false, secrets);
    try {
      const response = await new Promise<{ statusCode: number }>((resolve, reject) => {
        stream.once('response', resolve);
        stream.once('error', reject);
      });
      status = String(response.statusCode);
      if (response.statusCode !== 200) {
        let body = '';
        for await (const chunk of stream) {
          body += String(chunk);
          if (body.length > 64 * 1024) break;
        }
        stream.destroy();
        throw errorFromAnswer(cluster.name, { statusCode: response.statusCode, body }, secrets);
      }
    } catch (err) {
      stream.destroy();
      throw failure(err);
    } finally {
      observer?.upstreamRequest(
        cluster.name,
        request.resource,
        status,
        (performance.now() - started) / 1000,
      );
    }
    // Silence longer than idleMs is a dead connection (bookmarks and the server's own timeout
    // keep a healthy watch talking).
    let idle: NodeJS.Timeout | undefined;
    const touch = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        stream.destroy(
          Object.assign(new Error(`no watch event for ${idleMs} ms`), { code: 'ETIMEDOUT' }),
        );
      }, idleMs);
      idle.unref();
    };
    async function* chunks(): AsyncGenerator<Buffer> {
      touch();
      try {
        for await (const chunk of stream) {
          touch();
          yield chunk as Buffer;
        }
      } catch (err) {
        throw failure(err);
      } finally {
        clearTimeout(idle);
        stream.destroy();
      }
    }
    return readWatchEvents(chunks(), cluster.name, options.maxResponseBytes);
  }

  return {
    request,
    watch,
    scheduler,
    breaker,
    sockets: () => ({
      active: Object.values(agent.sockets).reduce((n, list) => n + (list?.length ?? 0), 0),
      idle: Object.values(agent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0),
    }),
    close: () => {
      agent.destroy();
      watchAgent.destroy();
    },
  };
}

/** Answers that are about one object, not the cluster's health. */
const ITEM_PROBLEMS: ReadonlySet<string> = new Set(['MalformedBody', 'ResponseTooLarge']);

/**
 * Whether an error says the cluster failed: no answer in time, a refused or reset connection,
 * a 5xx. A malformed or oversized body is one bad object (anyone who may edit one namespace can
 * make a list page too large), not a down cluster; 4xx and 429 are answers.
 */
function isClusterFailure(err: unknown): boolean {
  if (!(err instanceof GatewayError)) return false;
  if (err.code === 'UPSTREAM_TIMEOUT') return true;
  return err.code === 'UPSTREAM_UNAVAILABLE' && !ITEM_PROBLEMS.has(err.upstream?.reason ?? '');
}
