import { GatewayError } from '../errors.js';
import type { UpstreamRequest } from './createUpstreamTransport.js';
import {
  IMAGE_STREAM,
  IMAGE_STREAM_IMAGE,
  IMAGE_STREAM_LAYERS,
  IMAGE_STREAM_LIST,
  IMAGE_STREAM_TAG,
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
  };
  readonly attributes?: AccessAttributes;
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

export const RESOURCES = {
  imageStreamImage: {
    rbac: { group: IMAGE_GROUP, resource: 'imagestreamimages', verb: 'get' },
    request: (args) => ({
      resource: 'imagestreamimages',
      path: namespaced(args, 'imagestreamimages'),
      shape: IMAGE_STREAM_IMAGE,
    }),
  },
  imageStream: {
    rbac: { group: IMAGE_GROUP, resource: 'imagestreams', verb: 'get' },
    request: (args) => ({
      resource: 'imagestreams',
      path: namespaced(args, 'imagestreams'),
      shape: IMAGE_STREAM,
    }),
  },
  imageStreamList: {
    rbac: { group: IMAGE_GROUP, resource: 'imagestreams', verb: 'list' },
    request: (args) => {
      const searchParams: Record<string, string | number> = {};
      if (args.list?.limit !== undefined) searchParams['limit'] = args.list.limit;
      if (args.list?.continueToken) searchParams['continue'] = args.list.continueToken;
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
  imageStreamTag: {
    rbac: { group: IMAGE_GROUP, resource: 'imagestreamtags', verb: 'get' },
    request: (args) => ({
      resource: 'imagestreamtags',
      path: namespaced(args, 'imagestreamtags'),
      shape: IMAGE_STREAM_TAG,
    }),
  },
  imageStreamLayers: {
    rbac: { group: IMAGE_GROUP, resource: 'imagestreams/layers', verb: 'get', optional: true },
    request: (args) => ({
      resource: 'imagestreams/layers',
      path: namespaced(args, 'imagestreams', '/layers'),
      shape: IMAGE_STREAM_LAYERS,
    }),
  },
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
} satisfies Record<string, ResourceDefinition>;
