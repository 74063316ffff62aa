import { GatewayError } from '../errors.js';
import type { UpstreamRequest } from './createUpstreamTransport.js';
import type { Check } from './wire/checkShape.js';
import {
  API_RESOURCE_LIST,
  IMAGE_MANIFEST_VULN_LIST,
  POD_LIST,
  WORKLOAD_OWNER,
  IMAGE_STREAM,
  IMAGE_STREAM_IMAGE,
  IMAGE_STREAM_LAYERS,
  IMAGE_STREAM_LIST,
  IMAGE_STREAM_TAG,
  PROJECT_LIST,
  SELF_SUBJECT_ACCESS_REVIEW,
  VERSION_INFO,
} from './wire/wireShapes.js';

/** What a SelfSubjectAccessReview asks (authorization.k8s.io/v1 ResourceAttributes). */
export interface AccessAttributes {
  readonly namespace: string;
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly name?: string;
}

export interface RequestArgs {
  readonly namespace?: string | undefined;
  readonly name?: string;
  readonly list?: {
    readonly limit?: number | undefined;
    readonly continueToken?: string | undefined;
    /** A label selector, as the API takes it (checked by the caller). */
    readonly labelSelector?: string | undefined;
  };
  readonly attributes?: AccessAttributes;
  readonly watch?: {
    readonly resourceVersion?: string | undefined;
    readonly timeoutSeconds?: number | undefined;
  };
}

/** One resource the gateway reads: how to ask for it, what the answer looks like, what RBAC it needs. */
export interface ResourceDefinition {
  readonly rbac?: {
    readonly group: string;
    readonly resource: string;
    readonly verb: string;
    /** The gateway works without it (less efficiently). */
    readonly optional?: boolean;
  };
  request(args: RequestArgs): UpstreamRequest;
  /** Resource-specific meaning of an error (a 410 on a list is an expired cursor). */
  mapError?(err: unknown): unknown;
}

const IMAGE_GROUP = 'image.openshift.io';
const BASE = `apis/${IMAGE_GROUP}/v1`;

/** Encodes one path segment; `@` and `:` are legal in a segment and kept readable. */
function segment(value: string | undefined): string {
  return encodeURIComponent(value ?? '')
    .replace(/%40/g, '@')
    .replace(/%3A/gi, ':');
}

const namespaced = (args: RequestArgs, resource: string, suffix = ''): string =>
  `${BASE}/namespaces/${segment(args.namespace)}/${resource}/${segment(args.name)}${suffix}`;

/** GET of one named object of the image group: `namespaces/<ns>/<resource>/<name>[/<sub>]`. */
function namespacedGet(
  resource: string,
  shape: Check,
  subresource?: { readonly name: string; readonly optional: boolean },
): ResourceDefinition {
  const qualified = subresource ? `${resource}/${subresource.name}` : resource;
  return {
    rbac: {
      group: IMAGE_GROUP,
      resource: qualified,
      verb: 'get',
      ...(subresource?.optional ? { optional: true } : {}),
    },
    request: (args) => ({
      resource: qualified,
      path: namespaced(args, resource, subresource ? `/${subresource.name}` : ''),
      shape,
    }),
  };
}

/** A list of any group (`api/v1` for the core group), cluster-wide or in one namespace, paged. */
function pagedList(
  group: string,
  version: string,
  resource: string,
  shape: Check,
): ResourceDefinition {
  const base = group === '' ? `api/${version}` : `apis/${group}/${version}`;
  return {
    rbac: { group, resource, verb: 'list' },
    request: (args) => {
      const searchParams: Record<string, string | number> = {};
      if (args.list?.limit !== undefined) searchParams['limit'] = args.list.limit;
      if (args.list?.continueToken) searchParams['continue'] = args.list.continueToken;
      return {
        resource,
        path:
          args.namespace === undefined
            ? `${base}/${resource}`
            : `${base}/namespaces/${segment(args.namespace)}/${resource}`,
        searchParams,
        shape,
      };
    },
  };
}

/** GET of one owner of pods (a ReplicaSet, Deployment… of its group). */
function ownerGet(group: string, version: string, resource: string): ResourceDefinition {
  const base = group === '' ? `api/${version}` : `apis/${group}/${version}`;
  return {
    rbac: { group, resource, verb: 'get' },
    request: (args) => ({
      resource,
      path: `${base}/namespaces/${segment(args.namespace)}/${resource}/${segment(args.name)}`,
      shape: WORKLOAD_OWNER,
    }),
  };
}

/** The group of Quay's Container Security Operator (ImageManifestVuln). */
export const SCANNER_GROUP = 'secscan.quay.redhat.com';

/**
 * The owner kinds a pod's controller chain goes through (openshift-image-api.md §6.3), keyed by
 * `kind` as ownerReferences name them. Any other kind ends the chain where it is.
 */
export const OWNER_KINDS = {
  ReplicaSet: ownerGet('apps', 'v1', 'replicasets'),
  Deployment: ownerGet('apps', 'v1', 'deployments'),
  StatefulSet: ownerGet('apps', 'v1', 'statefulsets'),
  DaemonSet: ownerGet('apps', 'v1', 'daemonsets'),
  Job: ownerGet('batch', 'v1', 'jobs'),
  CronJob: ownerGet('batch', 'v1', 'cronjobs'),
  ReplicationController: ownerGet('', 'v1', 'replicationcontrollers'),
  DeploymentConfig: ownerGet('apps.openshift.io', 'v1', 'deploymentconfigs'),
} satisfies Record<string, ResourceDefinition>;

export type OwnerKind = keyof typeof OWNER_KINDS;

export const isOwnerKind = (kind: string): kind is OwnerKind => Object.hasOwn(OWNER_KINDS, kind);

const WORKLOAD_RESOURCES = {
  podList: pagedList('', 'v1', 'pods', POD_LIST),
  ...Object.fromEntries(Object.entries(OWNER_KINDS).map(([kind, def]) => [`owner${kind}`, def])),
  imageManifestVulnList: pagedList(
    SCANNER_GROUP,
    'v1alpha1',
    'imagemanifestvulns',
    IMAGE_MANIFEST_VULN_LIST,
  ),
  // Discovery is open to every authenticated user (system:discovery): no RBAC entry.
  scannerDiscovery: {
    request: () => ({
      resource: 'discovery',
      path: `apis/${SCANNER_GROUP}/v1alpha1`,
      shape: API_RESOURCE_LIST,
    }),
  },
} satisfies Record<string, ResourceDefinition>;

export const RESOURCES = {
  imageStreamImage: namespacedGet('imagestreamimages', IMAGE_STREAM_IMAGE),
  imageStream: namespacedGet('imagestreams', IMAGE_STREAM),
  imageStreamList: {
    rbac: { group: IMAGE_GROUP, resource: 'imagestreams', verb: 'list' },
    request: (args) => {
      const searchParams: Record<string, string | number> = {};
      if (args.list?.limit !== undefined) searchParams['limit'] = args.list.limit;
      if (args.list?.continueToken) searchParams['continue'] = args.list.continueToken;
      if (args.list?.labelSelector) searchParams['labelSelector'] = args.list.labelSelector;
      return {
        resource: 'imagestreams',
        path:
          args.namespace === undefined
            ? `${BASE}/imagestreams`
            : `${BASE}/namespaces/${segment(args.namespace)}/imagestreams`,
        searchParams,
        shape: IMAGE_STREAM_LIST,
      };
    },
    // api-conventions.md: 410 Gone (ResourceExpired) on a list means the continue token expired.
    mapError: (err) =>
      err instanceof GatewayError && err.upstream?.status === 410
        ? new GatewayError(
            'BAD_USER_INPUT',
            'The cursor has expired upstream (410 Expired); list again from the first page.',
            { cluster: err.cluster, upstream: err.upstream, reason: 'CURSOR_EXPIRED' },
          )
        : err,
  },
  // The location index's watch (createLocationIndex); its events are read by readWatchEvents.
  imageStreamWatch: {
    rbac: { group: IMAGE_GROUP, resource: 'imagestreams', verb: 'watch' },
    request: (args) => ({
      resource: 'imagestreams?watch',
      path:
        args.namespace === undefined
          ? `${BASE}/imagestreams`
          : `${BASE}/namespaces/${segment(args.namespace)}/imagestreams`,
      searchParams: {
        watch: '1',
        allowWatchBookmarks: 'true',
        ...(args.watch?.resourceVersion ? { resourceVersion: args.watch.resourceVersion } : {}),
        ...(args.watch?.timeoutSeconds ? { timeoutSeconds: args.watch.timeoutSeconds } : {}),
      },
      shape: () => undefined,
    }),
  },
  ...WORKLOAD_RESOURCES,
  imageStreamTag: namespacedGet('imagestreamtags', IMAGE_STREAM_TAG),
  // Optional: without it imageLocations reads each candidate image instead.
  imageStreamLayers: namespacedGet('imagestreams', IMAGE_STREAM_LAYERS, {
    name: 'layers',
    optional: true,
  }),
  selfSubjectAccessReview: {
    rbac: {
      group: 'authorization.k8s.io',
      resource: 'selfsubjectaccessreviews',
      verb: 'create',
    },
    request: (args) => ({
      resource: 'selfsubjectaccessreviews',
      path: 'apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      method: 'POST',
      json: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: args.attributes },
      },
      shape: SELF_SUBJECT_ACCESS_REVIEW,
    }),
  },
  version: {
    request: () => ({ resource: 'version', path: 'version', shape: VERSION_INFO }),
  },
  // The namespaces a caller can see: OpenShift's projects list answers every user with the
  // projects it may see; core namespaces (cluster-wide list) are the fallback. Both optional:
  // only Cluster.namespaces needs them, and workloads when pods cannot be listed cluster-wide.
  projectList: {
    rbac: { group: 'project.openshift.io', resource: 'projects', verb: 'list', optional: true },
    request: () => ({
      resource: 'projects',
      path: 'apis/project.openshift.io/v1/projects',
      shape: PROJECT_LIST,
    }),
  },
  namespaceList: {
    rbac: { group: '', resource: 'namespaces', verb: 'list', optional: true },
    request: () => ({ resource: 'namespaces', path: 'api/v1/namespaces', shape: PROJECT_LIST }),
  },
} satisfies Record<string, ResourceDefinition>;
