import { GraphQLError, OperationTypeNode, type ValidationRule } from 'graphql';

/**
 * Plain HTTP runs queries only: a subscription there is the caller's mistake (it needs a
 * streaming transport) and a mutation is never served (the gateway is read-only). Both are
 * validation errors (400, BAD_USER_INPUT) before anything runs, not execution failures logged
 * as internal errors.
 */
export const queriesOnly: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === OperationTypeNode.QUERY) return;
    context.reportError(
      new GraphQLError(
        node.operation === OperationTypeNode.SUBSCRIPTION
          ? 'A subscription runs over Server-Sent Events (POST /graphql with "Accept: text/event-stream") or WebSocket (subprotocol graphql-transport-ws), not as a plain HTTP request.'
          : 'This gateway is read-only and serves queries only; a mutation cannot be run.',
        { nodes: node },
      ),
    );
  },
});

/**
 * The streaming transports (SSE, WebSocket) run subscriptions only: queries go over plain HTTP,
 * where the response size limit and HTTP caching apply.
 */
export const subscriptionsOnly: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === OperationTypeNode.SUBSCRIPTION) return;
    context.reportError(
      new GraphQLError(
        node.operation === OperationTypeNode.QUERY
          ? 'Send queries as plain HTTP requests (POST or GET /graphql with JSON); Server-Sent Events and WebSocket carry subscriptions only.'
          : 'This gateway is read-only and serves queries only; a mutation cannot be run.',
        { nodes: node },
      ),
    );
  },
});
