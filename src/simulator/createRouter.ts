import type { IncomingMessage } from 'node:http';
import type { Answer } from './Answer.js';
import { authenticate } from './authenticate.js';
import { authorize, type TokenGrant } from './authorize.js';
import type { Discovery } from './createDiscovery.js';
import type { RouteTable } from './createRouteTable.js';
import { forbidden } from './forbidden.js';
import { readBody } from './readBody.js';
import type { RequestInfo } from './requestInfoOf.js';
import { methodNotAllowed, noRoute, status, unauthorized } from './status.js';

/** The largest request body read (SelfSubjectAccessReview); more is 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface Router {
  answer(
    req: IncomingMessage,
    info: RequestInfo,
    segments: readonly string[],
    query: URLSearchParams,
  ): Promise<Answer>;
}

/**
 * Answers one request in the API server's order: 401 for credentials it does not know; discovery
 * to anyone else; a resource the group does
 * not serve 404 and a method it never takes 405 (both before authentication, as the simulator
 * always did); then 401 for an unknown token, 403 (as system:anonymous without a token) when
 * `authorize` refuses the request info, and only then the route (404 when no route serves the
 * path, e.g. the list of get-only imagestreamimages: authorized first, as the server does).
 */
export function createRouter(
  table: RouteTable,
  discovery: Discovery,
  tokens: Readonly<Record<string, TokenGrant>>,
): Router {
  return {
    async answer(req, info, segments, query) {
      // The API server authenticates every request that presents credentials, discovery and
      // /version included: an unknown token is 401 everywhere (no credentials: anonymous).
      const identity = authenticate(req.headers.authorization, tokens);
      if (!identity) return unauthorized();
      const route = table.match(info, segments);
      if (route?.kind === 'discovery') return { status: 200, body: route.document() };
      if (info.kind === 'non-resource')
        return table.servesPath(segments) ? methodNotAllowed() : noRoute();
      if (!discovery.serves(info.group, info.version, info.resource)) return noRoute();
      if (!table.takesMethod(info.group, info.method)) return methodNotAllowed();
      if (!authorize(identity, info).allowed) return forbidden(identity.user, info);
      if (!route) return noRoute();
      let body: Buffer = Buffer.alloc(0);
      if (route.readsBody) {
        const read = await readBody(req, MAX_BODY_BYTES);
        if (read === 'too-large') return tooLarge();
        body = read;
      } else {
        req.resume();
      }
      return route.handle({
        info,
        query,
        identity,
        body,
        contentType: req.headers['content-type'],
      });
    },
  };
}

/** 413 as the server words it; the connection is closed so the rest of the body is never read. */
function tooLarge(): Answer {
  return {
    status: 413,
    body: status(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: limit is ${MAX_BODY_BYTES}`,
    ),
    headers: { connection: 'close' },
  };
}
