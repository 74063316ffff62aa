import type { Answer } from './Answer.js';
import type { Identity } from './authorize.js';
import { requestInfoOf, type RequestInfo, type ResourceRequestInfo } from './requestInfoOf.js';

/**
 * The simulated API server's routes: one entry per path pattern and verb. `{namespace}` and
 * `{name}` match one path segment each; the handler reads them from the request info. Serving a
 * new resource (pods, projects) or a watch is one more entry; authentication, authorization,
 * 404 and 405 are decided by the router for every entry alike.
 */
export type Route = DiscoveryRoute | ResourceRoute;

/** A discovery document, served to anyone (with or without a token), GET only. */
export interface DiscoveryRoute {
  readonly kind: 'discovery';
  readonly path: string;
  document(): unknown;
}

/** A resource path, answered after authentication and authorization of its request info. */
export interface ResourceRoute {
  readonly kind: 'resource';
  /** The RBAC verb: `get`/`list`/`watch` are GET, `create` is POST. */
  readonly verb: 'get' | 'list' | 'watch' | 'create';
  readonly path: string;
  /** The handler receives the request body (at most 1 MiB; more is 413). */
  readonly readsBody?: boolean;
  handle(request: ResourceRequest): Answer;
}

export interface ResourceRequest {
  readonly info: ResourceRequestInfo;
  readonly query: URLSearchParams;
  readonly identity: Identity;
  /** Empty unless the route reads bodies. */
  readonly body: Buffer;
  readonly contentType: string | undefined;
}

export interface RouteTable {
  /** The route for this request, if one serves its path, method and verb. */
  match(info: RequestInfo, segments: readonly string[]): Route | undefined;
  /** Whether some route serves this path with another method (then the answer is 405). */
  servesPath(segments: readonly string[]): boolean;
  /** Whether some resource route of this API group takes this HTTP method. */
  takesMethod(group: string, method: string): boolean;
}

const METHOD_OF_VERB = { get: 'GET', list: 'GET', watch: 'GET', create: 'POST' } as const;

interface Entry {
  readonly route: Route;
  readonly pattern: readonly string[];
  readonly method: string;
  readonly verb: string;
  readonly group: string | undefined;
}

/** Checks every route once: a resource route's pattern must resolve to its own verb. */
export function createRouteTable(routes: readonly Route[]): RouteTable {
  const entries: Entry[] = routes.map((route) => {
    const pattern = route.path.split('/').filter(Boolean);
    if (route.kind === 'discovery')
      return { route, pattern, method: 'GET', verb: 'get', group: undefined };
    const method = METHOD_OF_VERB[route.verb];
    const watch = new URLSearchParams(route.verb === 'watch' ? 'watch=true' : '');
    const info = requestInfoOf(method, pattern, watch);
    if (info.kind !== 'resource' || info.verb !== route.verb)
      throw new Error(
        `invariant: route ${route.verb} ${route.path} does not resolve to that verb (${info.verb})`,
      );
    return { route, pattern, method, verb: route.verb, group: info.group };
  });
  const pathMatches = (pattern: readonly string[], segments: readonly string[]): boolean =>
    pattern.length === segments.length &&
    pattern.every((p, i) => (p.startsWith('{') && p.endsWith('}')) || p === segments[i]);

  return {
    match: (info, segments) =>
      entries.find(
        (e) => e.method === info.method && e.verb === info.verb && pathMatches(e.pattern, segments),
      )?.route,
    servesPath: (segments) => entries.some((e) => pathMatches(e.pattern, segments)),
    takesMethod: (group, method) => entries.some((e) => e.group === group && e.method === method),
  };
}
