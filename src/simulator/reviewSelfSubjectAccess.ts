import { isRecord } from '../isRecord.js';
import type { Answer } from './Answer.js';
import { AUTHORIZATION_GROUP, authorize, type Attributes, type Identity } from './authorize.js';
import { badRequest, status } from './status.js';

/**
 * POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews: "may I?", answered without the
 * read (docs/openshift-image-api.md §6.1) by `authorize`, the function that decides the reads.
 * Decoding follows the API server: a missing kind/apiVersion takes the endpoint's, unknown fields
 * are dropped, a body that is not JSON or has a wrong type is 400 BadRequest, a spec without
 * exactly one of resourceAttributes and nonResourceAttributes is 422 Invalid. The answer is 201
 * with the review echoed (empty strings omitted, as Go's omitempty does) and `status.allowed`,
 * plus RBAC's `reason` when allowed. `denied` is never set: RBAC has no deny rules.
 */
export function reviewSelfSubjectAccess(
  identity: Identity,
  body: Buffer,
  contentType: string | undefined,
): Answer {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== '' && mediaType !== 'application/json') {
    return {
      status: 415,
      body: status(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json`,
      ),
    };
  }
  const decoded = decode(body);
  if ('error' in decoded) return decoded.error;
  const { spec } = decoded;
  const resource = spec.resourceAttributes;
  const nonResource = spec.nonResourceAttributes;
  if ((resource === undefined) === (nonResource === undefined))
    return invalid(resource !== undefined);
  const attributes: Attributes = resource
    ? {
        kind: 'resource',
        verb: resource['verb'] ?? '',
        group: resource['group'] ?? '',
        resource: resource['resource'] ?? '',
        subresource: resource['subresource'] ?? '',
        namespace: resource['namespace'] ?? '',
        name: resource['name'] ?? '',
      }
    : {
        kind: 'non-resource',
        verb: nonResource?.['verb'] ?? '',
        path: nonResource?.['path'] ?? '',
      };
  const decision = authorize(identity, attributes);
  const echoed = resource
    ? { resourceAttributes: resource }
    : { nonResourceAttributes: nonResource };
  return {
    status: 201,
    body: {
      kind: KIND,
      apiVersion: API_VERSION,
      metadata: { creationTimestamp: null },
      spec: echoed,
      status: decision.allowed ? { allowed: true, reason: decision.reason } : { allowed: false },
    },
  };
}

const KIND = 'SelfSubjectAccessReview';
const API_VERSION = `${AUTHORIZATION_GROUP}/v1`;
const RESOURCE_FIELDS = [
  'namespace',
  'verb',
  'group',
  'version',
  'resource',
  'subresource',
  'name',
];
const NON_RESOURCE_FIELDS = ['path', 'verb'];

/** String fields of an attributes object, only those set and non-empty (Go omitempty). */
type Fields = Readonly<Record<string, string>>;

interface Spec {
  readonly resourceAttributes?: Fields;
  readonly nonResourceAttributes?: Fields;
}

function decode(body: Buffer): { readonly spec: Spec } | { readonly error: Answer } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return unrecognized(
      `json parse error: ${err instanceof Error ? err.message : String(err)}`,
      body,
    );
  }
  if (!isRecord(parsed))
    return unrecognized(
      `json: cannot unmarshal ${jsonType(parsed)} into Go value of type struct`,
      body,
    );
  const kind = parsed['kind'] ?? '';
  const apiVersion = parsed['apiVersion'] ?? '';
  if (typeof kind !== 'string' || typeof apiVersion !== 'string')
    return unrecognized(
      'json: cannot unmarshal kind or apiVersion into Go value of type string',
      body,
    );
  // A missing kind or apiVersion takes the endpoint's (the server's default GroupVersionKind).
  if ((kind !== '' && kind !== KIND) || (apiVersion !== '' && apiVersion !== API_VERSION)) {
    const version = apiVersion.split('/').pop() ?? '';
    return {
      error: badRequest(
        `${kind || KIND} in version ${JSON.stringify(version)} cannot be handled as a ${KIND}: no kind ${JSON.stringify(kind || KIND)} is registered for version ${JSON.stringify(apiVersion || API_VERSION)}`,
      ),
    };
  }
  const spec = parsed['spec'] ?? null;
  if (spec === null) return { spec: {} };
  if (!isRecord(spec))
    return cannotUnmarshal(spec, 'SelfSubjectAccessReview.spec', 'v1.SelfSubjectAccessReviewSpec');
  const resource = fieldsOf(
    spec['resourceAttributes'],
    RESOURCE_FIELDS,
    'resourceAttributes',
    'v1.ResourceAttributes',
  );
  if ('error' in resource) return resource;
  const nonResource = fieldsOf(
    spec['nonResourceAttributes'],
    NON_RESOURCE_FIELDS,
    'nonResourceAttributes',
    'v1.NonResourceAttributes',
  );
  if ('error' in nonResource) return nonResource;
  return {
    spec: {
      ...(resource.fields ? { resourceAttributes: resource.fields } : {}),
      ...(nonResource.fields ? { nonResourceAttributes: nonResource.fields } : {}),
    },
  };
}

/** The known string fields of an attributes object; null or absent is none. */
function fieldsOf(
  value: unknown,
  names: readonly string[],
  field: string,
  goType: string,
): { readonly fields?: Fields } | { readonly error: Answer } {
  if (value === undefined || value === null) return {};
  if (!isRecord(value))
    return cannotUnmarshal(value, `SelfSubjectAccessReviewSpec.spec.${field}`, goType);
  const fields: Record<string, string> = {};
  for (const name of names) {
    const v = value[name] ?? '';
    if (typeof v !== 'string')
      return cannotUnmarshal(v, `${goType.slice(3)}.spec.${field}.${name}`, 'string');
    if (v !== '') fields[name] = v;
  }
  return { fields };
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

function cannotUnmarshal(
  value: unknown,
  field: string,
  goType: string,
): { readonly error: Answer } {
  return {
    error: badRequest(
      `${KIND} in version "v1" cannot be handled as a ${KIND}: json: cannot unmarshal ${jsonType(value)} into Go struct field ${field} of type ${goType}`,
    ),
  };
}

/** transformDecodeError: the body is summarised as its first 30 bytes (hex unless it starts with `{`). */
function unrecognized(cause: string, body: Buffer): { readonly error: Answer } {
  const head = body.subarray(0, 30);
  const more = body.length > 30 ? ' ...' : '';
  let summary: string;
  if (body.length === 0) summary = '<empty>';
  else if (body[0] === 0x7b) summary = `${head.toString('utf8')}${more}`;
  else summary = `${head.toString('hex')}${more}`;
  return {
    error: badRequest(
      `the object provided is unrecognized (must be of type ${KIND}): couldn't get version/kind; ${cause} (${summary})`,
    ),
  };
}

/** ValidateSelfSubjectAccessReviewSpec: exactly one of the two attribute sets. */
function invalid(both: boolean): Answer {
  const cause = both
    ? {
        field: 'spec.nonResourceAttributes',
        message:
          'Invalid value: "object": cannot be specified in combination with resourceAttributes',
      }
    : {
        field: 'spec.resourceAttributes',
        message:
          'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      };
  return {
    status: 422,
    body: status(
      422,
      'Invalid',
      `${KIND}.${AUTHORIZATION_GROUP} "" is invalid: ${cause.field}: ${cause.message}`,
      {
        group: AUTHORIZATION_GROUP,
        kind: KIND,
        causes: [{ reason: 'FieldValueInvalid', ...cause }],
      },
    ),
  };
}
