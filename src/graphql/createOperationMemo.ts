import type { GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Characters of keys one memo holds at most (its entries are small beside their keys). */
export const MAX_MEMO_KEY_CHARS = 1024 * 1024;
/** Entries one memo holds at most. */
export const MAX_MEMO_ENTRIES = 4_096;
/** Variables whose JSON text is longer than this are never remembered (computed each time). */
export const MAX_MEMO_KEY_LENGTH = 2_048;
/** What an entry costs besides its key, counted against MAX_MEMO_KEY_CHARS. */
const ENTRY_CHARS = 64;

/**
 * A verdict `compute()` gives on an operation and its variables, remembered for the next request
 * that sends the same operation with the same variables. Apollo hands out the same parsed
 * document, hence the same operation node, for the same query text (its document store), so a
 * client that polls one query skips the walk. Only for pure verdicts of (schema, operation, the
 * values of the variables it declares, `extra`): variables it does not declare are not part of
 * the key (graphql-js ignores them, so they cannot change a verdict, and padding with them
 * cannot multiply entries). One memo holds at most MAX_MEMO_ENTRIES entries and
 * MAX_MEMO_KEY_CHARS characters of keys across all operations, the least recently used dropped
 * first; an operation or schema is named by a number given on first sight (weakly held, so
 * forgotten with Apollo's entry), and variables whose JSON text is longer than
 * MAX_MEMO_KEY_LENGTH are computed each time, as without a memo.
 */
export function createOperationMemo<T extends object | boolean | number | string>(): (
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
  extra: string,
  compute: () => T,
) => T {
  const ids = new WeakMap<object, number>();
  let nextId = 0;
  const idOf = (node: object): number => {
    let id = ids.get(node);
    if (id === undefined) {
      id = nextId++;
      ids.set(node, id);
    }
    return id;
  };
  const entries = new LRUCache<string, T>({
    max: MAX_MEMO_ENTRIES,
    maxSize: MAX_MEMO_KEY_CHARS,
    sizeCalculation: (_value, key) => key.length + ENTRY_CHARS,
  });
  return (schema, operation, variables, extra, compute) => {
    // Each declared variable as `[value]`, or `[]` when absent: absent and null coerce
    // differently when the variable has a default.
    const declared = (operation.variableDefinitions ?? []).map((definition) => {
      const name = definition.variable.name.value;
      return variables !== undefined && Object.hasOwn(variables, name) ? [variables[name]] : [];
    });
    let values: string;
    try {
      values = JSON.stringify(declared);
    } catch {
      // Nested deeper than JSON.stringify recurses (a hostile body): not remembered; the
      // computation answers for it as without a memo.
      return compute();
    }
    if (values.length > MAX_MEMO_KEY_LENGTH) return compute();
    const key = `${idOf(schema)}:${idOf(operation)}:${extra}:${values}`;
    const known = entries.get(key);
    if (known !== undefined) return known;
    const value = compute();
    entries.set(key, value);
    return value;
  };
}
