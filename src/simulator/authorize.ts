import { quote } from './status.js';
import { PROJECT_GROUP, workloadKey, WORKLOAD_RESOURCES } from './workloadResources.js';

/** The workload resources (`pods`, `deployments.apps`…): what the simulated roles cover beyond images. */
const WORKLOAD_KEYS: ReadonlySet<string> = new Set(WORKLOAD_RESOURCES.map(workloadKey));

/**
 * Authorization as the API server's RBAC authorizer decides it (docs/openshift-image-api.md §6,
 * §6.1), for the simulated tokens. This one function decides both the reads and the answers to
 * SelfSubjectAccessReview, so a review and the read it asks about can never disagree.
 *
 * A grant stands for role bindings: `namespaces: '*'` for a ClusterRoleBinding (every namespace
 * and the cluster scope), a list for one RoleBinding per namespace (never the cluster scope, so
 * listing image streams of all namespaces or reading cluster-scoped `images` needs `'*'`).
 */

/** What one token may do. */
export interface TokenGrant {
  readonly user: string;
  readonly namespaces: '*' | readonly string[];
  /** May get imagestreams/layers (the edit role has it, view does not); default true. `false`
   * denies it even when `resources` lists it. */
  readonly layers?: boolean;
  /**
   * The verbs allowed per resource of image.openshift.io (a custom role), e.g.
   * `{ imagestreams: ['get', 'list'] }` allows those and nothing else, not even
   * `get imagestreamimages`. Keys are resources, with `/` and the subresource for subresources
   * (`imagestreams/layers`); `'*'` in a verb list allows every verb. Absent: get, list and watch
   * of every image.openshift.io resource and subresource, and of every workload resource.
   * Workload resources are keyed `<resource>.<group>` (`deployments.apps`), core ones by
   * resource (`pods`).
   */
  readonly resources?: Readonly<Record<string, readonly string[]>>;
}

/** Who sent a request: the user of a known token with its grant, or system:anonymous (no grant). */
export interface Identity {
  readonly user: string;
  readonly grant?: TokenGrant;
}

export const ANONYMOUS: Identity = Object.freeze({ user: 'system:anonymous' });

/** SelfSubjectAccessReview's resourceAttributes; `` = none (cluster scope for namespace). */
export interface ResourceAttributes {
  readonly kind: 'resource';
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
}

/** SelfSubjectAccessReview's nonResourceAttributes. */
export interface NonResourceAttributes {
  readonly kind: 'non-resource';
  readonly verb: string;
  readonly path: string;
}

export type Attributes = ResourceAttributes | NonResourceAttributes;

/** Allowed with RBAC's reason, or not allowed: RBAC has no deny rules and gives no reason then. */
export type Decision =
  { readonly allowed: true; readonly reason: string } | { readonly allowed: false };

export const IMAGE_GROUP = 'image.openshift.io';
export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

const READ_VERBS = new Set(['get', 'list', 'watch']);
/** Cluster-scoped resources of the image group: readable through a cluster-wide grant only. */
const CLUSTER_SCOPED = new Set(['images', 'imagesignatures']);
/** system:discovery's nonResourceURLs (bootstrap policy); `*` matches any rest of the path. */
const DISCOVERY_PATHS = [
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/healthz',
  '/livez',
  '/openapi',
  '/openapi/*',
  '/readyz',
  '/version',
  '/version/',
];
const DENIED: Decision = Object.freeze({ allowed: false });

export function authorize(identity: Identity, attributes: Attributes): Decision {
  const grant = identity.grant;
  // Bootstrap policy binds system:discovery and system:basic-user to every authenticated user.
  if (grant === undefined) return DENIED;
  if (attributes.kind === 'non-resource') {
    if (attributes.verb !== 'get' || !DISCOVERY_PATHS.some((p) => pathMatches(p, attributes.path)))
      return DENIED;
    return allowedBy(
      'ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    );
  }
  if (
    attributes.group === AUTHORIZATION_GROUP &&
    attributes.resource === 'selfsubjectaccessreviews' &&
    attributes.subresource === '' &&
    attributes.verb === 'create'
  ) {
    return allowedBy(
      'ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
    );
  }
  // Bootstrap policy: system:basic-user lets every user list (and get) the projects it may see;
  // the handler shows each caller only those (projectsOf).
  if (
    attributes.group === PROJECT_GROUP &&
    attributes.resource === 'projects' &&
    attributes.subresource === '' &&
    (attributes.verb === 'list' || attributes.verb === 'get')
  ) {
    return allowedBy(
      'ClusterRoleBinding "basic-users" of ClusterRole "basic-user" to Group "system:authenticated"',
    );
  }
  // Core namespaces are cluster-scoped: a cluster-wide read grant (cluster-reader) lists them.
  if (attributes.group === '' && attributes.resource === 'namespaces') {
    if (
      grant.namespaces !== '*' ||
      grant.resources !== undefined ||
      attributes.subresource !== '' ||
      !READ_VERBS.has(attributes.verb)
    )
      return DENIED;
    return allowedBy(
      `ClusterRoleBinding ${quote(`simulated:${grant.user}`)} of ClusterRole "simulated-reader" to User ${quote(grant.user)}`,
    );
  }
  const workload = WORKLOAD_KEYS.has(workloadKey(attributes));
  if (attributes.group !== IMAGE_GROUP && !workload) return DENIED;
  // Workload resources are keyed with their group (`pods`, `deployments.apps`), so a custom
  // role over image.openshift.io never grants them by accident.
  const resourceKey = workload ? workloadKey(attributes) : attributes.resource;
  const key =
    attributes.subresource === '' ? resourceKey : `${resourceKey}/${attributes.subresource}`;
  if (key === 'imagestreams/layers' && grant.layers === false) return DENIED;
  const clusterWide = grant.namespaces === '*';
  if (
    !clusterWide &&
    (attributes.namespace === '' || !grant.namespaces.includes(attributes.namespace))
  )
    return DENIED;
  if (!verbAllowed(grant, key, attributes.verb)) return DENIED;
  const binding = clusterWide
    ? `ClusterRoleBinding ${quote(`simulated:${grant.user}`)}`
    : `RoleBinding ${quote(`simulated:${grant.user}/${attributes.namespace}`)}`;
  return allowedBy(`${binding} of ClusterRole "simulated-reader" to User ${quote(grant.user)}`);
}

function verbAllowed(grant: TokenGrant, key: string, verb: string): boolean {
  const resources = grant.resources;
  if (resources === undefined) {
    // The default stands for view (namespaces) or cluster-reader ('*'): only the latter
    // reaches cluster-scoped resources.
    if (CLUSTER_SCOPED.has(key) && grant.namespaces !== '*') return false;
    return READ_VERBS.has(verb);
  }
  // Own keys only: a resource named `constructor` or `__proto__` is not a grant.
  if (!Object.hasOwn(resources, key)) return false;
  const verbs = resources[key] ?? [];
  return verbs.includes(verb) || verbs.includes('*');
}

/** RBAC's NonResourceURLMatches: exact, or a prefix ending in `*`. */
function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

function allowedBy(source: string): Decision {
  return { allowed: true, reason: `RBAC: allowed by ${source}` };
}
