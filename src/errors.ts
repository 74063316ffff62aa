import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * The error-code vocabulary of the public contract (docs: api-contract.md §4). Every error a
 * client sees carries exactly one of these in `extensions.code`.
 */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What came back from the API server, when an HTTP answer came back at all. */
export interface UpstreamInfo {
  status: number;
  /** The Status `reason` (NotFound, Forbidden, ServerTimeout…) or the HTTP reason phrase. */
  reason: string;
  /** For 404s: which of the three resources was missing (imagestreams, imagestreamimage, images). */
  kind?: string | undefined;
}

export interface GatewayErrorOptions {
  cluster?: string | undefined;
  upstream?: UpstreamInfo | undefined;
  cause?: unknown;
  /** The HTTP status of the whole response, for errors raised before execution. */
  httpStatus?: number | undefined;
  /** A machine-readable refinement of the code (e.g. UPSTREAM_BUDGET_EXHAUSTED). */
  reason?: string | undefined;
}

/**
 * The one error shape of the gateway. Messages are written for the client and never contain a
 * credential; `cause` stays server-side (it is not serialised).
 */
export class GatewayError extends GraphQLError {
  readonly code: ErrorCode;
  readonly cluster: string | undefined;
  readonly upstream: UpstreamInfo | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    const extensions: Record<string, unknown> = { code };
    if (options.cluster !== undefined) extensions['cluster'] = options.cluster;
    if (options.upstream !== undefined) extensions['upstream'] = { ...options.upstream };
    if (options.reason !== undefined) extensions['reason'] = options.reason;
    // Apollo reads `extensions.http` for the response status and strips it from the body.
    if (options.httpStatus !== undefined) extensions['http'] = { status: options.httpStatus };
    super(message, { extensions });
    this.name = 'GatewayError';
    this.code = code;
    this.cluster = options.cluster;
    this.upstream = options.upstream;
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
    }
  }
}

export function badUserInput(message: string): GatewayError {
  return new GatewayError('BAD_USER_INPUT', message);
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * Codes Apollo Server itself emits for requests that never reached a resolver. They are the
 * client's fault, so they become BAD_USER_INPUT; the original code is kept as `reason`.
 */
const CLIENT_FAULT_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * The one place where errors are normalised before they leave the process (Apollo's
 * `formatError`). Our own errors pass through; Apollo's request errors are mapped to the fixed
 * list; anything else is an internal error whose details never reach the client.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const out = normalise(formatted, error);
  return out.message.length > MAX_MESSAGE
    ? { ...out, message: `${out.message.slice(0, MAX_MESSAGE)}…` }
    : out;
}

/**
 * Longest message a client gets. Messages written by graphql-js quote what the caller sent (a
 * variable's value, a field name); one large variable referenced from many places once turned
 * a 325 KiB request into a 60 MB response.
 */
const MAX_MESSAGE = 1_000;

const INTROSPECTION_OFF = /GraphQL introspection (has been disabled|is not allowed)/i;

function normalise(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrap(error);
  if (original instanceof GatewayError) {
    // `http` only sets the response status (Apollo has read it); it is not for the client.
    const { http: _http, ...extensions } = original.extensions;
    return { ...formatted, message: original.message, extensions };
  }
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && CLIENT_FAULT_CODES.has(code)) {
    // GraphQL Armor words its limit errors as syntax errors; the limit is what matters.
    const message = INTROSPECTION_OFF.test(formatted.message)
      ? 'Introspection is turned off on this gateway (--no-introspection): __schema and __type cannot be queried.'
      : formatted.message.replace(/^Syntax Error: (?=.*limit of \d+ exceeded)/, '');
    return { ...formatted, message, extensions: { code: 'BAD_USER_INPUT', reason: code } };
  }
  if (typeof code === 'string' && KNOWN_CODES.has(code) && code !== 'INTERNAL_SERVER_ERROR') {
    return { ...formatted, extensions: { code } };
  }
  const out: GraphQLFormattedError = {
    message: 'Internal server error',
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
  if (formatted.path) return { ...out, path: formatted.path, ...locationsOf(formatted) };
  return out;
}

/** The error a resolver threw: graphql-js wraps it once, with its path, as `originalError`. */
function unwrap(error: unknown): unknown {
  return error instanceof GatewayError
    ? error
    : ((error as { originalError?: unknown } | null)?.originalError ?? error);
}

function locationsOf(formatted: GraphQLFormattedError): Pick<GraphQLFormattedError, 'locations'> {
  return formatted.locations ? { locations: formatted.locations } : {};
}

/** " Did you mean …?" in graphql-js messages names fields and types: hidden without introspection. */
export function withoutSuggestions(message: string): string {
  // graphql-js puts its suggestions last; a cut message may have lost the closing "?".
  return message.replace(/ ?Did you mean [\s\S]*$/, '');
}
