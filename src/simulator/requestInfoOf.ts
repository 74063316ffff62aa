/**
 * What a request asks for, resolved from its method and path the way the API server's
 * RequestInfoFactory does it (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): this is what
 * authorization checks, what the request counters and fault rules are keyed by, and what the
 * route handlers read their namespace and name from. Cluster scope is the empty namespace, as in
 * the server and in SelfSubjectAccessReview.
 */
export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

export interface ResourceRequestInfo {
  readonly kind: 'resource';
  readonly method: string;
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, or ``. */
  readonly verb: string;
  /** `` for the core group (`/api/v1`). */
  readonly group: string;
  readonly version: string;
  /** `` at the cluster scope. */
  readonly namespace: string;
  readonly resource: string;
  /** `` when none, e.g. `layers` for `imagestreams/{name}/layers`. */
  readonly subresource: string;
  /** `` for a collection. */
  readonly name: string;
  /** The decoded path, e.g. `/apis/image.openshift.io/v1/namespaces/ns/imagestreams/x`. */
  readonly path: string;
}

export interface NonResourceRequestInfo {
  readonly kind: 'non-resource';
  readonly method: string;
  readonly verb: string;
  readonly path: string;
}

const VERB_OF_METHOD: Readonly<Record<string, string>> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** strconv.ParseBool's true spellings: the server reads `watch` with it. */
const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** Resolves decoded path segments (empty segments already dropped) and the query. */
export function requestInfoOf(
  method: string,
  segments: readonly string[],
  query: URLSearchParams,
): RequestInfo {
  const path = `/${segments.join('/')}`;
  const methodVerb = Object.hasOwn(VERB_OF_METHOD, method) ? (VERB_OF_METHOD[method] ?? '') : '';
  const [prefix, ...afterPrefix] = segments;
  // `/api/v1/...` is the core group; `/apis/<group>/<version>/...` every other group.
  const core = prefix === 'api';
  if (!core && prefix !== 'apis') return { kind: 'non-resource', method, verb: methodVerb, path };
  const group = core ? '' : (afterPrefix[0] ?? '');
  const rest = core ? afterPrefix : afterPrefix.slice(1);
  const [version, ...parts] = rest;
  if (version === undefined || parts.length === 0)
    return { kind: 'non-resource', method, verb: methodVerb, path };

  let namespace = '';
  let resourceParts = parts;
  // `/namespaces/<ns>` (and its status/finalize) is the namespace object itself.
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1] ?? '';
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? ''))
      resourceParts = parts.slice(2);
  }
  const [resource = '', name = '', subresource = ''] = resourceParts;
  let verb = methodVerb;
  if (name === '' && verb === 'get') {
    const watch = query.get('watch');
    verb = watch !== null && TRUE_WORDS.has(watch) ? 'watch' : 'list';
  }
  if (name === '' && verb === 'delete') verb = 'deletecollection';
  return {
    kind: 'resource',
    method,
    verb,
    group,
    version,
    namespace,
    resource,
    subresource,
    name,
    path,
  };
}

/**
 * The key a request is counted and matched by fault rules under: the resource with its
 * subresource (`imagestreams/layers`), `version` for GET /version, `discovery` for any other path.
 * A watch is counted apart from reads of the same resource (`imagestreams?watch`): a test counts
 * the lists an answer cost, and a fault meant for lists does not land on a watch.
 */
export function counterKeyOf(info: RequestInfo): string {
  if (info.kind === 'resource' && info.verb === 'watch') return `${info.resource}?watch`;
  if (info.kind === 'resource')
    return info.subresource === '' ? info.resource : `${info.resource}/${info.subresource}`;
  return info.path === '/version' || info.path.startsWith('/version/') ? 'version' : 'discovery';
}
