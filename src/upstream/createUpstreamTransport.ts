import http from 'node:http';
import https from 'node:https';
import { got, HTTPError, type Got, type RetryObject } from 'got';
import { headerNameOf } from '../clusters/headerNameOf.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type {
  CallOptions,
  ClusterConnection,
  UpstreamObserver,
  UpstreamOptions,
} from './createImageApiClient.js';
import { createCircuitBreaker, type CircuitBreaker } from './createCircuitBreaker.js';
import { createFairScheduler, SlotAborted, type FairScheduler } from './createFairScheduler.js';
import { budgetSpent, type OperationBudget } from './createOperationBudget.js';
import { createRetryBudget } from './createRetryBudget.js';
import { parseRetryAfter, retryDelay } from './retryDelay.js';
import { errorFromAnswer, errorFromTransport, malformedBody } from './toGatewayError.js';
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
  readonly scheduler: FairScheduler;
  readonly breaker: CircuitBreaker;
  /** Sockets of the pool: in use, and idle kept alive. */
  sockets(): { active: number; idle: number };
  close(): void;
}

interface RequestContext extends Record<string, unknown> {
  deadlineAt?: number | undefined;
  resource?: string;
  budget?: OperationBudget | undefined;
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
  const isHttps = server.protocol === 'https:';
  if (isHttps && cluster.insecureSkipTlsVerify) {
    logger?.warn(
      { cluster: cluster.name },
      'TLS verification is off for this cluster because its kubeconfig says insecure-skip-tls-verify',
    );
  }
  const agent = isHttps
    ? new https.Agent({
        keepAlive: true,
        maxSockets: options.maxConcurrency,
        scheduling: 'lifo',
        ca: cluster.caPem,
        cert: cluster.clientCertPem,
        key: cluster.clientKeyPem,
        rejectUnauthorized: !cluster.insecureSkipTlsVerify,
        servername: cluster.tlsServerName,
      })
    : new http.Agent({ keepAlive: true, maxSockets: options.maxConcurrency, scheduling: 'lifo' });
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
  const headerName = cluster.headerName ?? headerNameOf(cluster.name);

  const client: Got = got.extend({
    prefixUrl: `${cluster.server.replace(/\/+$/, '')}/`,
    // TLS lives on the agent (one place): CA, client certificate, verification, server name.
    agent: isHttps ? { https: agent as https.Agent } : { http: agent },
    timeout: { request: options.attemptTimeoutMs },
    responseType: 'text',
    throwHttpErrors: true,
    followRedirect: false,
    decompress: true,
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
        if (delay <= 0) return 0;
        // The cluster's retry budget, then the operation's request budget, have the last word:
        // past either, the failure is reported as it is.
        if (!retryBudget.tryRetry()) return 0;
        if (context.budget && !context.budget.take()) return 0;
        observer?.upstreamRetry(cluster.name, context.resource ?? 'other');
        logger?.debug(
          {
            cluster: cluster.name,
            resource: context.resource,
            attempt: attemptCount,
            delayMs: delay,
            status: error.response?.statusCode,
            code: error.code,
          },
          'retrying upstream call',
        );
        return delay;
      },
    },
  });

  const unavailable = (): GatewayError =>
    new GatewayError(
      'UPSTREAM_UNAVAILABLE',
      `cluster "${cluster.name}" is failing: calls are paused for ${Math.ceil(breaker.retryInMs / 1000)} s after repeated failures (circuit breaker)`,
      { cluster: cluster.name },
    );

  /** One HTTP exchange (got retries inside it), as parsed, shape-checked JSON. */
  async function exchange(
    request: UpstreamRequest,
    call: CallOptions,
    token: string | undefined,
    secrets: readonly (string | undefined)[],
  ): Promise<unknown> {
    const started = performance.now();
    let statusCode = 0;
    retryBudget.recordRequest();
    try {
      const response = await new Promise<{ statusCode: number; body: string }>(
        (resolve, reject) => {
          const pending = client(request.path, {
            method: request.method ?? 'GET',
            headers: {
              ...(token ? { authorization: `Bearer ${token}` } : {}),
              // Impersonation rides on the gateway's own credentials only, never a caller's.
              ...(call.bearerToken === undefined && call.clusterTokens === undefined
                ? ownHeaders
                : {}),
              ...(call.requestId ? { 'x-request-id': call.requestId } : {}),
            },
            json: request.json,
            signal: call.signal,
            context: {
              deadlineAt: call.deadlineAt,
              resource: request.resource,
              budget: call.budget,
            },
            searchParams: request.searchParams as Record<string, string | number> | undefined,
          });
          let oversized = false;
          pending.on('downloadProgress', ({ transferred, total }) => {
            if (!oversized && Math.max(transferred, total ?? 0) > options.maxResponseBytes) {
              oversized = true;
              pending.cancel();
            }
          });
          pending.then(
            (res) => resolve({ statusCode: res.statusCode, body: res.body as string }),
            (err: unknown) =>
              reject(
                oversized
                  ? new GatewayError(
                      'UPSTREAM_UNAVAILABLE',
                      `cluster "${cluster.name}": the response is larger than ${options.maxResponseBytes} bytes`,
                      { cluster: cluster.name, cause: err },
                    )
                  : err,
              ),
          );
        },
      );
      statusCode = response.statusCode;
      let parsed: unknown;
      try {
        parsed = JSON.parse(response.body);
      } catch (cause) {
        throw malformedBody(cluster.name, statusCode, cause);
      }
      const problem = request.shape(parsed, '');
      if (problem) throw malformedBody(cluster.name, statusCode, new TypeError(problem), problem);
      return parsed;
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      if (err instanceof HTTPError) {
        statusCode = err.response.statusCode;
        throw errorFromAnswer(
          cluster.name,
          {
            statusCode,
            statusMessage: err.response.statusMessage,
            body: typeof err.response.body === 'string' ? err.response.body : '',
          },
          secrets,
        );
      }
      const transport = (err ?? {}) as { name?: string; code?: unknown; message?: string };
      throw errorFromTransport(cluster.name, transport, call.signal?.aborted === true, secrets);
    } finally {
      logger?.debug(
        {
          cluster: cluster.name,
          requestId: call.requestId,
          resource: request.resource,
          status: statusCode,
          ms: Math.round(performance.now() - started),
        },
        'upstream call',
      );
    }
  }

  /** Admitted by the breaker and the operation's budget, then sent; the outcome is reported back. */
  async function admitted(
    request: UpstreamRequest,
    call: CallOptions,
    token: string | undefined,
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
      const value = await exchange(request, call, token, secrets);
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
    const token = call.clusterTokens?.get(headerName) ?? call.bearerToken ?? ownToken;
    const secrets = [token, ownToken];
    try {
      if (!breaker.admits) throw unavailable();
      const value = await scheduler
        .run(call.budget ?? NO_OPERATION, call.signal, () =>
          admitted(request, call, token, secrets),
        )
        .catch((err: unknown) => {
          if (!(err instanceof SlotAborted)) throw err;
          throw errorFromTransport(cluster.name, { name: 'AbortError' }, true);
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

  return {
    request,
    scheduler,
    breaker,
    sockets: () => ({
      active: Object.values(agent.sockets).reduce((n, list) => n + (list?.length ?? 0), 0),
      idle: Object.values(agent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0),
    }),
    close: () => agent.destroy(),
  };
}

/**
 * Whether an error says the cluster failed: no answer in time, a refused or reset connection,
 * a 5xx. A malformed body is one bad object, not a down cluster; 4xx and 429 are answers.
 */
function isClusterFailure(err: unknown): boolean {
  if (!(err instanceof GatewayError)) return false;
  if (err.code === 'UPSTREAM_TIMEOUT') return true;
  return err.code === 'UPSTREAM_UNAVAILABLE' && err.upstream?.reason !== 'MalformedBody';
}
