import { GraphQLError, OperationTypeNode, type ValidationRule } from 'graphql';

/**
 * The schema has a query type only: a mutation or subscription is the caller's mistake, answered
 * as a validation error (400, BAD_USER_INPUT) before anything runs — not an execution failure
 * logged as an internal error.
 */
export const queriesOnly: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === OperationTypeNode.QUERY) return;
    context.reportError(
      new GraphQLError(
        `This gateway is read-only and serves queries only; a ${node.operation} cannot be run.`,
        { nodes: node },
      ),
    );
  },
});
