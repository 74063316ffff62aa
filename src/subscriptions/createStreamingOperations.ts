import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { GatewayContext } from '../context.js';
import { formatError, GatewayError, withoutSuggestions } from '../errors.js';
import { subscriptionsOnly } from '../graphql/queriesOnly.js';
import type { CallerIdentity } from '../http/callerIdentity.js';
import type { GatedRequest, GateOutcome } from '../http/createTrustedDocumentGate.js';
import { isRecord } from '../isRecord.js';
import {
  checkOperationCost,
  checkQuery,
  createQueryLimits,
  type QueryLimits,
} from '../limits/createQueryLimits.js';
import type { Logger } from '../logger.js';
import type { EventPayload } from '../resolvers/subscription.js';

export type Transport = 'sse' | 'ws';

/** A subscription request as a transport received it (a POST body, a `subscribe` payload). */
export interface StreamingRequest {
  readonly query?: unknown;
  readonly variables?: unknown;
  readonly operationName?: unknown;
  readonly extensions?: unknown;
  readonly documentId?: unknown;
}

/** A refusal before anything ran, with the HTTP status an SSE request answers with. */
export interface Refusal {
  readonly status: number;
  readonly errors: readonly GraphQLFormattedError[];
}

export type Prepared =
  | { readonly ok: true; readonly args: ExecutionArgs }
  | { readonly ok: false; readonly refusal: Refusal };

export type Results = AsyncIterableIterator<FormattedExecutionResult>;

export interface StreamingOperations {
  /**
   * The checks every query passes, in the same order and with the same errors — trusted
   * documents, tokens and the merge screen, parsing, validation (depth, aliases, directives,
   * introspection), cost and nodes — and one more: the operation must be a subscription. On
   * success, the arguments to run it with: the caller's setup context, which the subscription's
   * resolver uses to check its arguments and the caller's access before the first event.
   */
  prepare(
    request: StreamingRequest,
    identity: CallerIdentity,
    signal: AbortSignal,
    transport: Transport,
  ): Prepared;
  /**
   * Starts a prepared subscription: a formatted result per event, until the events end (the
   * caller's `return()`, a shutdown, an error). A subscription that cannot start (arguments,
   * credentials, the global cap) is one result with errors.
   */
  run(args: ExecutionArgs, transport: Transport): Promise<Results | FormattedExecutionResult>;
  /** Subscriptions running now. */
  readonly active: number;
}

export interface StreamingOptions {
  readonly schema: GraphQLSchema;
  readonly queryLimits: QueryLimits;
  readonly clusterCount: number;
  readonly logger: Logger;
  /** A context for the caller: the setup context (with `live`) of one subscription. */
  readonly setupContext: (identity: CallerIdentity, signal: AbortSignal) => GatewayContext;
  readonly trustedDocuments?: ((request: GatedRequest) => GateOutcome) | undefined;
  /** Subscriptions the gateway runs at once, over both transports (--max-subscriptions). */
  readonly maxSubscriptions: number;
  /** An event whose answer is larger is replaced by an error (--max-response-bytes). */
  readonly maxResponseBytes: number;
  readonly onStart?: ((transport: Transport) => void) | undefined;
  readonly onEnd?: ((transport: Transport) => void) | undefined;
  readonly onEvent?: ((transport: Transport) => void) | undefined;
}

/** The ExecutionArgs of a prepared subscription carry what run() needs besides them. */
interface PreparedArgs extends ExecutionArgs {
  readonly contextValue: GatewayContext;
}

/**
 * Largest subscription request (its query, variables, operation name and extensions as JSON). A
 * running subscription keeps its request for as long as it runs, so this, times
 * --max-subscriptions, bounds what subscriptions can hold; a real one is a few hundred bytes.
 */
export const MAX_SUBSCRIPTION_REQUEST_BYTES = 16 * 1024;

/**
 * Most upstream requests the selection of one event may cost (the static cost, as --max-cost
 * counts it). Unlike a query's, it is paid again at every change for every subscriber: an event's
 * selection is for what changed, not for browsing the cluster.
 */
export const MAX_SUBSCRIPTION_COST = 100;

const refusal = (status: number, errors: readonly GraphQLFormattedError[]): Prepared => ({
  ok: false,
  refusal: { status, errors },
});

export function createStreamingOperations(options: StreamingOptions): StreamingOperations {
  const { schema, queryLimits } = options;
  const limits = createQueryLimits(queryLimits, options.clusterCount);
  const rules: ValidationRule[] = [
    ...specifiedRules,
    subscriptionsOnly,
    ...limits.validationRules,
    ...(queryLimits.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const format = (error: GraphQLError): GraphQLFormattedError => {
    const out = formatError(error.toJSON(), error);
    return queryLimits.introspection ? out : { ...out, message: withoutSuggestions(out.message) };
  };
  /** A request error in the shape Apollo gives queries: BAD_USER_INPUT with a reason. */
  const requestError = (message: string, code: string): GraphQLFormattedError =>
    format(new GraphQLError(message, { extensions: { code } }));
  let active = 0;

  const subscriptionLimits: QueryLimits = {
    ...queryLimits,
    maxCost: Math.min(queryLimits.maxCost, MAX_SUBSCRIPTION_COST),
  };
  const prepare: StreamingOperations['prepare'] = (request, identity, signal) => {
    const size = sizeOf(request);
    if (size > MAX_SUBSCRIPTION_REQUEST_BYTES)
      return refusal(400, [
        format(
          new GatewayError(
            'BAD_USER_INPUT',
            `A subscription request is at most ${MAX_SUBSCRIPTION_REQUEST_BYTES} bytes (query, variables, operationName and extensions as JSON); this one is ${size === Infinity ? 'not JSON' : `${size} bytes`}.`,
            { reason: 'SUBSCRIPTION_TOO_LARGE' },
          ),
        ),
      ]);
    let body: unknown = request;
    if (options.trustedDocuments) {
      const outcome = options.trustedDocuments({
        method: 'POST',
        body,
        search: '',
        requestId: identity.requestId,
      });
      if (!outcome.ok)
        return refusal(400, [
          format(new GatewayError('BAD_USER_INPUT', outcome.message, { reason: outcome.reason })),
        ]);
      body = outcome.body;
    }
    const fields = isRecord(body) ? body : {};
    const { query, variables, operationName } = fields;
    if (typeof query !== 'string' || query === '')
      return refusal(400, [
        requestError('The request must carry a "query" string.', 'BAD_REQUEST'),
      ]);
    if (variables !== undefined && variables !== null && !isRecord(variables))
      return refusal(400, [
        requestError('"variables" must be an object when given.', 'BAD_REQUEST'),
      ]);
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
      return refusal(400, [
        requestError('"operationName" must be a string when given.', 'BAD_REQUEST'),
      ]);
    const refused = checkQuery(query, queryLimits.maxTokens);
    if (refused)
      return refusal(400, [
        format(
          new GatewayError('BAD_USER_INPUT', refused.error.message, { reason: refused.reason }),
        ),
      ]);
    let document: DocumentNode;
    try {
      document = parse(query, { maxLexicalTokens: queryLimits.maxTokens });
    } catch (err) {
      const message = err instanceof GraphQLError ? err.message : 'The query could not be parsed.';
      return refusal(400, [requestError(message, 'GRAPHQL_PARSE_FAILED')]);
    }
    const invalid = validate(schema, document, rules);
    if (invalid.length > 0)
      return refusal(
        400,
        invalid.map((error) =>
          format(
            new GraphQLError(error.message, {
              nodes: error.nodes ?? null,
              extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
          ),
        ),
      );
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation)
      return refusal(400, [
        requestError(
          typeof operationName === 'string'
            ? `Unknown operation named "${operationName.slice(0, 100)}".`
            : 'The document holds several operations: name the one to run with "operationName".',
          'OPERATION_RESOLUTION_FAILURE',
        ),
      ]);
    const variableValues = variables ?? {};
    const tooCostly = checkOperationCost(
      schema,
      document,
      operation,
      variableValues,
      subscriptionLimits,
      options.clusterCount,
      (cost, limit) =>
        `The selection of one event costs ${cost} upstream requests, more than the ${limit} a subscription may (it runs again at every change, for every subscriber): select what changed, and read more with a query.`,
    );
    if (tooCostly) return refusal(400, [format(tooCostly)]);
    const args: PreparedArgs = {
      schema,
      document,
      variableValues,
      operationName: typeof operationName === 'string' ? operationName : undefined,
      contextValue: options.setupContext(identity, signal),
    };
    return { ok: true, args };
  };

  /** An event's result within --max-response-bytes, its errors formatted as queries' are. */
  const formatResult = (
    result: { data?: unknown; errors?: readonly GraphQLError[] },
    extra: readonly GraphQLError[],
  ): FormattedExecutionResult => {
    const errors = [...(result.errors ?? []), ...extra].map(format);
    const out: FormattedExecutionResult = {
      ...(errors.length > 0 ? { errors } : {}),
      ...(result.data !== undefined ? { data: result.data as Record<string, unknown> } : {}),
    };
    const bytes = Buffer.byteLength(JSON.stringify(out));
    if (bytes <= options.maxResponseBytes) return out;
    return {
      errors: [
        format(
          new GatewayError(
            'BAD_USER_INPUT',
            `This event's answer would be larger than ${options.maxResponseBytes} bytes (--max-response-bytes): select fewer fields under the event.`,
            { reason: 'RESPONSE_TOO_LARGE' },
          ),
        ),
      ],
    };
  };

  const run: StreamingOperations['run'] = async (prepared, transport) => {
    const args = prepared as PreparedArgs;
    if (active >= options.maxSubscriptions)
      return {
        errors: [
          format(
            new GatewayError(
              'RATE_LIMITED',
              `This gateway runs at most ${options.maxSubscriptions} subscriptions at once (--max-subscriptions); try again later.`,
              { reason: 'TOO_MANY_SUBSCRIPTIONS' },
            ),
          ),
        ],
      };
    // Counted from here: the resolver's checks (access reviews) are part of a subscription.
    active += 1;
    let counted = true;
    const release = (): void => {
      if (!counted) return;
      counted = false;
      active -= 1;
      args.contextValue.dispose();
      options.onEnd?.(transport);
    };
    options.onStart?.(transport);
    let source: AsyncIterableIterator<EventPayload> | { errors?: readonly GraphQLError[] };
    try {
      source = (await createSourceEventStream(args)) as
        AsyncIterableIterator<EventPayload> | { errors?: readonly GraphQLError[] };
    } catch (err) {
      release();
      throw err;
    }
    if (!(Symbol.asyncIterator in source)) {
      release();
      return formatResult(source, []);
    }
    const events = source;
    let closed = false;
    // A function, not the variable: return() changes it while next() awaits.
    const isClosed = (): boolean => closed;
    const close = (): void => {
      if (closed) return;
      closed = true;
      release();
      void events.return?.();
    };
    const results: Results = {
      async next() {
        if (closed) return { done: true, value: undefined };
        let read: IteratorResult<EventPayload>;
        try {
          read = await events.next();
        } catch (err) {
          // The subscription ends with its reason (a slow reader, a token no longer valid).
          close();
          const error =
            err instanceof GraphQLError
              ? err
              : new GatewayError('INTERNAL_SERVER_ERROR', 'the subscription failed');
          if (!(err instanceof GraphQLError))
            options.logger.error(
              { err: err instanceof Error ? err.message : String(err) },
              'subscription failed',
            );
          return { done: false, value: formatResult({}, [error]) };
        }
        if (read.done || isClosed()) {
          close();
          return { done: true, value: undefined };
        }
        const { event, context } = read.value;
        let result;
        try {
          result = await execute({ ...args, rootValue: read.value, contextValue: context });
        } finally {
          context.dispose();
        }
        options.onEvent?.(transport);
        context.logger.debug(
          { requestId: context.requestId, cluster: event.cluster, transport },
          'subscription event',
        );
        return { done: false, value: formatResult(result, context.extraErrors) };
      },
      return() {
        close();
        return Promise.resolve({ done: true, value: undefined });
      },
      throw(err?: unknown) {
        close();
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      },
      [Symbol.asyncIterator]() {
        return results;
      },
    };
    return results;
  };

  return {
    prepare,
    run,
    get active() {
      return active;
    },
  };
}

/** The request's size as JSON, bytes (Infinity when it cannot be serialised). */
function sizeOf(request: StreamingRequest): number {
  try {
    return Buffer.byteLength(JSON.stringify(request));
  } catch {
    return Infinity;
  }
}
