import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../context.js';
import type { Logger } from '../logger.js';
import { checkQuery } from '../limits/createQueryLimits.js';
import { answerVerdictOf } from '../graphql/plugins/httpCachePlugin.js';
import { ifNoneMatchHas, strongEtagOf } from './ifNoneMatchHas.js';
import { callerIdentityOf, type CallerIdentity } from './callerIdentity.js';
import type { GatedRequest, GateOutcome } from './createTrustedDocumentGate.js';
import { refuse } from './refusal.js';

export interface GraphQLHandlerOptions {
  readonly apollo: ApolloServer<GatewayContext>;
  readonly logger: Logger;
  /** Builds the per-request context (loaders, deadline, the caller's credentials). */
  readonly createContext: (
    identity: CallerIdentity,
    signal: AbortSignal,
  ) => Promise<GatewayContext> | GatewayContext;
  readonly maxTokens: number;
  /** A larger response is replaced by an error, so one query cannot make the process buffer gigabytes. */
  readonly maxResponseBytes: number;
  /** With --trusted-documents: only the manifest's documents run (createTrustedDocumentGate). */
  readonly trustedDocuments?: ((request: GatedRequest) => GateOutcome) | undefined;
  /**
   * HTTP caching of immutable answers (--http-cache-max-age-s; 0: off). `vary` names every
   * request header an answer depends on: Accept (the media type) and the caller's credentials.
   */
  readonly httpCache?: { readonly maxAgeS: number; readonly vary: readonly string[] } | undefined;
}

/** The part of a raw request target after `?`, without parsing the rest (which may be hostile). */
function searchOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at);
}

function headerMapOf(request: FastifyRequest): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * GraphQL over HTTP on /graphql, through Apollo Server's integration API
 * (executeHTTPGraphQLRequest): the token limit and the merge screen are checked on the raw query before
 * Apollo parses and validates it, the caller's identity is read once, the response carries the request id, and an oversized
 * answer becomes an error. (Apollo's own Fastify integration builds a URL from the Host header,
 * so a malformed Host becomes a 500; this adapter reads only what it needs.)
 */
export function createGraphQLHandler(
  options: GraphQLHandlerOptions,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  // Documents already counted: repeated queries skip the extra lexing pass, as Apollo's own
  // document store lets them skip parsing and validation.
  const withinTokenLimit = new LRUCache<string, true>({
    maxSize: 8 * 1024 * 1024,
    sizeCalculation: (_v, key) => Math.max(1, key.length),
  });
  const maxAgeS = options.httpCache?.maxAgeS ?? 0;
  const vary = options.httpCache?.vary ?? [];
  return async (request, reply) => {
    const identity = callerIdentityOf(request.headers);
    void reply.header('x-request-id', identity.requestId);
    // Every refusal and every answer with an error is no-store; only the two cases at the end
    // change that.
    void reply.header('cache-control', 'no-store');
    let body = request.method === 'POST' ? request.body : undefined;
    let search = searchOf(request.url);
    // Trusted documents first: a document named by hash is replaced by the manifest's text, which
    // then passes every check below like any query.
    if (options.trustedDocuments) {
      const outcome = options.trustedDocuments({
        method: request.method,
        body,
        search,
        requestId: identity.requestId,
      });
      if (!outcome.ok) return refuse(reply, 400, outcome.message, outcome.reason);
      body = outcome.body;
      search = outcome.search;
    }
    const query =
      request.method === 'POST'
        ? (body as { query?: unknown } | null | undefined)?.query
        : options.trustedDocuments
          ? (new URLSearchParams(search.slice(1)).get('query') ?? undefined)
          : (request.query as Record<string, unknown> | undefined)?.['query'];
    if (typeof query === 'string' && !withinTokenLimit.has(query)) {
      const refused = checkQuery(query, options.maxTokens);
      if (refused) return refuse(reply, 400, refused.error.message, refused.reason);
      withinTokenLimit.set(query, true);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: request.method,
      headers: headerMapOf(request),
      search,
      body,
    };
    let context: GatewayContext | undefined;
    const response = await options.apollo
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest,
        context: async () =>
          (context = await options.createContext(identity, clientGoneSignal(reply))),
      })
      .finally(() => context?.dispose());
    let text: string;
    if (response.body.kind === 'complete') {
      text = response.body.string;
    } else {
      // Incremental delivery is not enabled (no @defer/@stream); collected for the size check.
      text = '';
      for await (const chunk of response.body.asyncIterator) text += chunk;
    }
    if (Buffer.byteLength(text) > options.maxResponseBytes) {
      options.logger.warn(
        { requestId: identity.requestId, bytes: text.length },
        'response too large',
      );
      return refuse(
        reply,
        400,
        `The response would be larger than ${options.maxResponseBytes} bytes (--max-response-bytes): select fewer fields or fewer items per request.`,
        'RESPONSE_TOO_LARGE',
      );
    }
    const status = response.status ?? 200;
    const verdict = answerVerdictOf(response.headers);
    const answered = status === 200 && verdict !== undefined && !verdict.hasErrors;
    const cacheable = answered && verdict.immutable && request.method === 'GET' && maxAgeS > 0;
    appendVary(reply, [
      response.headers.get('vary') ?? '',
      ...(request.method === 'GET' ? vary : []),
    ]);
    if (cacheable) {
      // GET only: a POST answer is never reused by an HTTP cache (RFC 9110 §9.3.3), and a
      // conditional POST that matches would owe a 412, not a 304 (RFC 9110 §13.1.2).
      // Every request ran with the caller's own credentials above: a 304 only saves the bytes,
      // never an authorization (access revoked upstream is an error, hence no-store, at once).
      // `private`, never `public`: the answer is what this caller may read; a shared cache must
      // not store it (RFC 9111 §5.2.2.7), and Vary keeps a private cache (a browser shared by
      // two tokens, GraphiQL with another header) from answering one token with another's entry.
      const etag = strongEtagOf(text);
      void reply.header('cache-control', `private, max-age=${maxAgeS}`).header('etag', etag);
      if (ifNoneMatchHas(request.headers['if-none-match'], etag)) return reply.code(304).send();
    } else if (answered) {
      // A mutable answer carries no caching header, as before: a POST answer is never reused
      // (RFC 9110 §9.3.3), nearly every GET sends Authorization, whose answers a shared cache
      // does not store without an explicit directive (RFC 9111 §3.5), and heuristic freshness
      // is in practice computed from Last-Modified (RFC 9111 §4.2.2), which no answer carries.
      void reply.removeHeader('cache-control');
    }
    // Caching headers are this adapter's alone (Apollo's own cache-control plugin is off; its
    // APQ errors would say `private, no-cache, must-revalidate`, and an error is no-store here).
    for (const [key, value] of response.headers)
      if (!OWN_HEADERS.has(key)) void reply.header(key, value);
    return reply.code(status).send(text);
  };
}

const OWN_HEADERS: ReadonlySet<string> = new Set(['vary', 'cache-control', 'etag']);

/** Adds header names to the reply's Vary (CORS may have set `Origin` already), each once. */
function appendVary(reply: FastifyReply, names: readonly string[]): void {
  const current = reply.getHeader('vary');
  const all = [
    ...(current === undefined ? [] : String(current).split(',')),
    ...names.flatMap((n) => n.split(',')),
  ]
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const seen = new Set<string>();
  const unique = all.filter((n) => {
    const key = n.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length > 0) void reply.header('vary', unique.join(', '));
}

/**
 * Aborts when the client goes away before its answer is written, so that the request's upstream
 * calls are cancelled. Not Fastify's `request.signal`: it listens for the request's `close`,
 * which Node emits as soon as the body has been read, before any handler asks for the signal,
 * so it never fired for a POST. The response's `close` comes when the connection closes, or
 * after the answer is written (then it has finished, and nothing is aborted).
 */
function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const res = reply.raw;
  let answered = false;
  res.once('finish', () => {
    answered = true;
  });
  const gone = (): void => {
    if (!answered && !res.writableFinished)
      controller.abort(new Error('the client closed the connection before its answer'));
  };
  if (res.destroyed) gone();
  else res.once('close', gone);
  return controller.signal;
}
