import type { Status } from '../upstream/types.js';
import type { Answer } from './Answer.js';

/**
 * Kubernetes `Status` failure bodies (k8s.io/apimachinery metav1.Status and api/errors), worded
 * as the API server words them (docs/openshift-image-api.md §5). `details` is present only when
 * given: the server omits it for BadRequest and Unauthorized.
 */
export function status(
  code: number,
  reason: string,
  message: string,
  details?: Status['details'],
): Status {
  const body: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) body.details = details;
  return body;
}

/** The `reason` the API server gives with each HTTP status (metav1.StatusReason). */
export function reasonOf(code: number): string {
  return REASONS[code] ?? 'Unknown';
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/**
 * Go's `%q` (strconv.Quote), which the API server uses for names in messages: backslash and
 * double quote escaped, ASCII control characters as `\n`-style or `\xNN` escapes. Non-ASCII
 * characters are kept as they are (Go escapes only the non-printable ones).
 */
export function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code >= 0x20 && code !== 0x7f) out += ch;
    else out += CONTROL_ESCAPES[ch] ?? `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

const CONTROL_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** 404 for a named object: `<resource>.<group> "<name>" not found`, details naming the resource. */
export function notFound(resource: string, group: string, name: string): Answer {
  return {
    status: 404,
    body: status(404, 'NotFound', `${resource}.${group} ${quote(name)} not found`, {
      name,
      group,
      kind: resource,
    }),
  };
}

/** 404 for a path nothing serves (also the list of a get-only resource, origin#11915). */
export function noRoute(): Answer {
  return {
    status: 404,
    body: status(404, 'NotFound', 'the server could not find the requested resource'),
  };
}

export function badRequest(message: string): Answer {
  return { status: 400, body: status(400, 'BadRequest', message) };
}

export function methodNotAllowed(): Answer {
  return {
    status: 405,
    body: status(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    ),
  };
}

export function unauthorized(): Answer {
  return { status: 401, body: status(401, 'Unauthorized', 'Unauthorized') };
}
