import type { GraphQLSchema, OperationDefinitionNode } from 'graphql';

/** Variable sets remembered per operation at most (the oldest is dropped first). */
export const MAX_MEMO_VARIABLE_SETS = 32;
/** Variables whose JSON text is longer than this are never remembered (computed each time). */
export const MAX_MEMO_KEY_LENGTH = 2_048;

/**
 * A verdict `compute()` gives on an operation and its variables, remembered for the next request
 * that sends the same operation with the same variables. Apollo hands out the same parsed document,
 * hence the same operation node, for the same query text (its document store), so a client that
 * polls one query skips the walk. Only for pure verdicts of (schema, operation, variables, `extra`):
 * the operation node and the schema are weakly held (forgotten with Apollo's entry); per operation
 * at most MAX_MEMO_VARIABLE_SETS variable sets, each named by its JSON text of at most
 * MAX_MEMO_KEY_LENGTH characters, so a client that varies its variables costs a bounded memo and
 * a computation per request, as without one.
 */
export function createOperationMemo<T>(): (
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
  extra: string,
  compute: () => T,
) => T {
  const bySchema = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, Map<string, T>>>();
  return (schema, operation, variables, extra, compute) => {
    const text = `${extra}\n${JSON.stringify(variables ?? {})}`;
    if (text.length > MAX_MEMO_KEY_LENGTH) return compute();
    let byOperation = bySchema.get(schema);
    if (!byOperation) {
      byOperation = new WeakMap();
      bySchema.set(schema, byOperation);
    }
    let sets = byOperation.get(operation);
    if (!sets) {
      sets = new Map();
      byOperation.set(operation, sets);
    }
    if (sets.has(text)) return sets.get(text) as T;
    const value = compute();
    if (sets.size >= MAX_MEMO_VARIABLE_SETS) sets.delete(sets.keys().next().value as string);
    sets.set(text, value);
    return value;
  };
}
