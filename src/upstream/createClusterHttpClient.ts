import http from 'node:http';
import https from 'node:https';
import { got, type Got, type RetryObject } from 'got';
import type { Logger } from '../logger.js';
import type {
  ClusterConnection,
  UpstreamObserver,
  UpstreamOptions,
} from './createImageApiClient.js';
import type { OperationBudget } from './createOperationBudget.js';
import type { RetryBudget } from './createRetryBudget.js';
import { parseRetryAfter, retryDelay } from './retryDelay.js';

/** What each got request carries in `context`, for the retry decision. */
export interface RequestContext extends Record<string, unknown> {
  deadlineAt?: number | undefined;
  resource?: string;
  budget?: OperationBudget | undefined;
}

export interface ClusterHttpClient {
  readonly got: Got;
  readonly agent: http.Agent;
  /**
   * For watches: the same TLS settings on an agent of its own, no retries, no whole-request
   * timeout. A watch holds its socket for minutes; on the request pool it would take a slot
   * from every read.
   */
  readonly watchGot: Got;
  readonly watchAgent: http.Agent;
}

/**
 * The one got client of a cluster (`got.extend`): its keep-alive agent holds the TLS settings
 * (CA, client certificate, verification, server name) in one place; every attempt has a
 * timeout; retries follow the pure retryDelay policy, then the cluster's retry budget, then the
 * operation's request budget — past any of them the failure is reported as it is. No redirects
 * are followed (an API server does not redirect; a redirect would carry the credentials away).
 */
export function createClusterHttpClient(
  cluster: ClusterConnection,
  options: UpstreamOptions,
  retryBudget: RetryBudget,
  logger?: Logger,
  observer?: UpstreamObserver,
): ClusterHttpClient {
  const isHttps = new URL(cluster.server).protocol === 'https:';
  if (isHttps && cluster.insecureSkipTlsVerify) {
    logger?.warn(
      { cluster: cluster.name },
      'TLS verification is off for this cluster because its kubeconfig says insecure-skip-tls-verify',
    );
  }
  const pool = { keepAlive: true, maxSockets: options.maxConcurrency, scheduling: 'lifo' } as const;
  const agentWith = (settings: http.AgentOptions): http.Agent =>
    isHttps
      ? new https.Agent({
          ...settings,
          ca: cluster.caPem,
          cert: cluster.clientCertPem,
          key: cluster.clientKeyPem,
          rejectUnauthorized: !cluster.insecureSkipTlsVerify,
          servername: cluster.tlsServerName,
        })
      : new http.Agent(settings);
  const agent = agentWith(pool);
  const watchAgent = agentWith({ keepAlive: false });

  const calculateDelay = ({ attemptCount, error }: RetryObject): number => {
    const context = error.options.context as RequestContext;
    const deadlineAt = context.deadlineAt ?? Number.POSITIVE_INFINITY;
    const header = error.response?.headers['retry-after'];
    const delay = retryDelay({
      attempt: attemptCount,
      method: error.options.method,
      statusCode: error.response?.statusCode,
      errorCode: error.response ? undefined : error.code,
      retryAfterMs: parseRetryAfter(typeof header === 'string' ? header : undefined, Date.now()),
      remainingMs: deadlineAt - Date.now(),
      random: Math.random(),
      policy: options.retry,
    });
    if (delay <= 0 || !retryBudget.tryRetry()) return 0;
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
  };

  const prefixUrl = `${cluster.server.replace(/\/+$/, '')}/`;
  return {
    agent,
    watchAgent,
    watchGot: got.extend({
      prefixUrl,
      agent: watchAgent instanceof https.Agent ? { https: watchAgent } : { http: watchAgent },
      // Until the head arrives; after it, silence is bounded by the watch's own idle timer.
      timeout: { response: options.attemptTimeoutMs },
      throwHttpErrors: false,
      followRedirect: false,
      decompress: true,
      headers: { accept: 'application/json', 'user-agent': 'openshift-image-gateway' },
      retry: { limit: 0 },
    }),
    got: got.extend({
      prefixUrl: `${cluster.server.replace(/\/+$/, '')}/`,
      agent: agent instanceof https.Agent ? { https: agent } : { http: agent },
      timeout: { request: options.attemptTimeoutMs },
      responseType: 'text',
      throwHttpErrors: true,
      followRedirect: false,
      headers: { accept: 'application/json', 'user-agent': 'openshift-image-gateway' },
      retry: { limit: options.retry.limit, methods: ['GET'], calculateDelay },
    }),
  };
}
