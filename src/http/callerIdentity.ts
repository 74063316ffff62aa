import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Who is calling, as far as the HTTP request says: tokens are forwarded upstream, never logged. */
export interface CallerIdentity {
  /** The token of `Authorization: Bearer <token>`, when sent. */
  readonly bearerToken: string | undefined;
  /**
   * Tokens from `X-Cluster-Authorization-<cluster>: Bearer <token>`, by the lowercase header
   * suffix (a cluster's header name; see createClusterRegistry).
   */
  readonly clusterTokens: ReadonlyMap<string, string> | undefined;
  /** The caller's X-Request-Id when it looks like an id, else a new UUID. */
  readonly requestId: string;
}

const CLUSTER_AUTHORIZATION = 'x-cluster-authorization-';
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** RFC 6750 b64token. Anything else is not a bearer token and is not forwarded. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined || header.length > 16_384) return undefined;
  return BEARER.exec(header)?.[1];
}

export function callerIdentityOf(headers: IncomingHttpHeaders): CallerIdentity {
  let clusterTokens: Map<string, string> | undefined;
  for (const name of Object.keys(headers)) {
    if (!name.startsWith(CLUSTER_AUTHORIZATION)) continue;
    const value = headers[name];
    const token = typeof value === 'string' ? bearerOf(value) : undefined;
    if (token) (clusterTokens ??= new Map()).set(name.slice(CLUSTER_AUTHORIZATION.length), token);
  }
  const offered = headers['x-request-id'];
  return {
    bearerToken: bearerOf(headers.authorization),
    clusterTokens,
    requestId: typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID(),
  };
}
