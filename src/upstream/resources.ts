import { GatewayError } from '../errors.js';
import type { UpstreamRequest } from './createUpstreamTransport.js';
import type { Check } from './wire/checkShape.js';
import {
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
  // only Cluster.namespaces needs them.
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
