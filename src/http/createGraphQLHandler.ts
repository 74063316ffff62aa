import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../context.js';
import type { Logger } from '../logger.js';
import { checkQuery } from '../limits/createQueryLimits.js';
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
  return async (request, reply) => {
    const identity = callerIdentityOf(request.headers);
    void reply.header('x-request-id', identity.requestId);
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
    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => options.createContext(identity, clientGoneSignal(reply)),
    });
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
    for (const [key, value] of response.headers) void reply.header(key, value);
    return reply.code(response.status ?? 200).send(text);
  };
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
