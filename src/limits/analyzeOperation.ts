import { fragmentsOf } from './fragmentsOf.js';
import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isNonNullType,
  isObjectType,
  Kind,
  print,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentSpreadNode,
  type GraphQLCompositeType,
  type GraphQLDirective,
  type GraphQLError,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type NamedTypeNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import { createCostModel, type Args, type CostModel } from './createCostModel.js';
import { cutForMessage } from '../cutForMessage.js';

/**
 * Steps after which an operation is refused as too complex to analyse.
 *
 * Why the bound is sound: every unit of work the analysis does is one step — each selection
 * looked at while collecting fields, each merged field, each selection set named in a memo key,
 * each argument list read — and no step does more than a constant amount of work, apart from
 * sorting the ids of a memo key (charged one step per id) and reading one argument literal,
 * which is part of the document (at most `maxTokens` tokens) and is read once. So the time and the memory (memo entries, merged fields) of one analysis are
 * O(MAX_ANALYSIS_STEPS) whatever the document, and the refusal is deterministic: the same
 * document and variables always give the same answer, on a fast machine or a loaded one.
 *
 * Why legitimate documents stay far below it: the analysis is memoised per merged selection,
 * so it costs about one step per selection of the document plus one per selection a fragment
 * adds where it is spread. A large legitimate document within the default limits (3,000
 * tokens, depth 12, 30 aliases) — 67 images nested as deep as allowed, each spreading twelve
 * overlapping fragments — takes 7,231 steps; the most we could make a document within those
 * limits need, by merging a different set of fragments under each of the 30 aliases so that
 * no memo entry is shared, is 36,026 (both in test/limits/analyzeOperation.test.ts). Beyond
 * that, only raised limits let a document merge the same fields through enough different
 * combinations of fragments to reach the bound, and no client needs that. Reaching the bound
 * took 7 to 26 ms (fastest of several runs) on a 2-core machine shared with other work.
 */
export const MAX_ANALYSIS_STEPS = 100_000;

/** Costs saturate here, so that products of list sizes stay exact integers and never NaN. */
export const COST_CEILING = Number.MAX_SAFE_INTEGER;

export interface AnalysisOptions {
  /** Configured clusters: the size of `clusters` and of an `imageLocations` without `clusters`. */
  readonly clusterCount: number;
  /** Refuse past this many steps (default MAX_ANALYSIS_STEPS). */
  readonly maxSteps?: number;
  /** The cost model (default createCostModel(clusterCount)). */
  readonly model?: CostModel;
}

export type OperationAnalysis =
  /**
   * The static cost (saturating at COST_CEILING), the values the answer holds at least (every
   * field of every object, each list as many times as the arguments say), and the steps it took.
   */
  | {
      readonly kind: 'analysed';
      readonly cost: number;
      readonly nodes: number;
      readonly steps: number;
    }
  /**
   * More than maxSteps steps were needed and the analysis stopped there (or the document has a
   * fragment cycle, which validation refuses before this runs).
   */
  | { readonly kind: 'tooComplex'; readonly steps: number }
  /**
   * The variables do not coerce to the operation's variable definitions (graphql-js
   * getVariableValues, as execution coerces them). The message names the first culprit and
   * repeats at most MAX_ECHOED_CHARS characters of anything the caller sent: graphql-js's own
   * message repeats the whole value, which turned a 78 KB variable into a 153 KB answer.
   */
  | { readonly kind: 'invalidVariables'; readonly message: string }
  /**
   * A variable gives a non-null argument (of a field or of `@skip`/`@include`) no value:
   * null, or not sent where the argument has no default. Execution would fail that field (or
   * the whole operation, for a directive at the top) with an error that carries no code; the
   * caller is told why instead, before anything runs. The message repeats no more than
   * MAX_ECHOED_CHARS characters of the variable's name.
   */
  | { readonly kind: 'invalidArgument'; readonly message: string };

/** Thrown inside the analysis when the step budget is spent; never escapes it. */
class StepBudgetSpent extends Error {}

/** Thrown inside the analysis when an argument has no valid value; never escapes it. */
class ArgumentWithoutValue extends Error {}

/**
 * What is wrong with the first variable graphql-js refused, in words that repeat at most
 * MAX_ECHOED_CHARS characters of the caller's names, types and values.
 */
function invalidVariable(
  errors: readonly GraphQLError[],
  definitions: readonly VariableDefinitionNode[],
  variables: Readonly<Record<string, unknown>>,
): string {
  const [error] = errors;
  const definition =
    definitions.find((d) => error?.nodes?.includes(d)) ??
    definitions.find((d) => error?.message.startsWith(`Variable "$${d.variable.name.value}" `));
  if (!error || !definition) return 'The variables do not fit the operation.';
  const name = `$${cutForMessage(definition.variable.name.value)}`;
  const type = cutForMessage(print(definition.type));
  const value = variables[definition.variable.name.value];
  if (value === undefined && definition.type.kind === Kind.NON_NULL_TYPE)
    return `Variable "${name}" of type ${type} was not sent.`;
  if (value === null && definition.type.kind === Kind.NON_NULL_TYPE)
    return `Variable "${name}" of type ${type} must not be null.`;
  const reason = error.originalError?.message ?? error.message;
  return `Variable "${name}" of type ${type} has a value it does not accept: ${cutForMessage(reason)}`;
}

/**
 * Why graphql-js getArgumentValues refused the arguments of `node`: the first non-null
 * argument given a variable that is null, or absent with no default to fall back on. After
 * validation nothing else can make it throw (literals are checked by ValuesOfCorrectTypeRule).
 */
function argumentWithoutValue(
  definition: GraphQLField<unknown, unknown> | GraphQLDirective,
  node: FieldNode | DirectiveNode,
  coerced: Readonly<Record<string, unknown>>,
  where: string,
): string {
  for (const argument of definition.args) {
    if (!isNonNullType(argument.type)) continue;
    const value = node.arguments?.find((a) => a.name.value === argument.name)?.value;
    if (value?.kind !== Kind.VARIABLE) continue;
    const name = value.name.value;
    const state = !Object.hasOwn(coerced, name)
      ? argument.defaultValue === undefined
        ? 'was not sent'
        : undefined
      : coerced[name] === null || coerced[name] === undefined
        ? 'is null'
        : undefined;
    if (state)
      return `Argument "${argument.name}" of ${where} must not be null, and variable "$${cutForMessage(name)}" ${state}.`;
  }
  return `The arguments of ${where} have no valid value.`;
}

const add = (a: number, b: number): number => Math.min(COST_CEILING, a + b);
const multiply = (a: number, b: number): number => Math.min(COST_CEILING, a * b);

/**
 * Analyses one operation of a validated document with the request's variables, in time linear
 * in the document for every shape a client writes, and never more than `maxSteps` steps.
 *
 * Fields are collected as graphql-js's `collectFields` does at execution: `@skip`/`@include`
 * are honoured with the coerced variables, a fragment spread twice into one selection set
 * counts once, and fields with the same response key are one field whose selection is the
 * union of theirs (`a: f { x }` and `a: f { y }` is `a: f { x y }`). The cost of a merged
 * field is `calls + size x cost(merged selection)` from the cost model.
 *
 * Linear: the cost of a merged selection is memoised on the set of selection sets it merges.
 * A fragment's fields are collected where it is spread, but the selections below them are
 * keyed by their own selection-set nodes, so a fragment spread in many places (or through
 * many levels of fragments, each spreading the previous one many times) is analysed below
 * its top level once. Spreads are deduplicated per merged selection, as at execution, so a
 * fragment is collected at most once per merged selection set.
 */
export function analyzeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  options: AnalysisOptions,
): OperationAnalysis {
  const definitions = operation.variableDefinitions ?? [];
  const coercion = getVariableValues(schema, definitions, variables, { maxErrors: 1 });
  if (coercion.errors) {
    return {
      kind: 'invalidVariables',
      message: invalidVariable(coercion.errors, definitions, variables),
    };
  }
  const coerced = coercion.coerced;
  const model = options.model ?? createCostModel(options.clusterCount);
  const maxSteps = options.maxSteps ?? MAX_ANALYSIS_STEPS;

  const fragments = fragmentsOf(document);

  let steps = 0;
  const step = (n = 1): void => {
    steps += n;
    if (steps > maxSteps) throw new StepBudgetSpent();
  };

  const ids = new Map<SelectionSetNode, number>();
  const idOf = (node: SelectionSetNode): number => {
    let id = ids.get(node);
    if (id === undefined) {
      id = ids.size;
      ids.set(node, id);
    }
    return id;
  };

  const directiveValue = (
    directive: GraphQLDirective,
    node: FieldNode | FragmentSpreadNode | InlineFragmentNode,
  ): unknown => {
    try {
      return getDirectiveValues(directive, node, coerced)?.['if'];
    } catch {
      const used = node.directives?.find((d) => d.name.value === directive.name);
      throw new ArgumentWithoutValue(
        used
          ? argumentWithoutValue(directive, used, coerced, `directive "@${directive.name}"`)
          : `The arguments of directive "@${directive.name}" have no valid value.`,
      );
    }
  };
  // graphql-js shouldIncludeNode, read once per node (a node is looked at once per merged
  // selection it is part of).
  const inclusion = new Map<FieldNode | FragmentSpreadNode | InlineFragmentNode, boolean>();
  const included = (node: FieldNode | FragmentSpreadNode | InlineFragmentNode): boolean => {
    if (!node.directives?.length) return true;
    let known = inclusion.get(node);
    if (known === undefined) {
      known =
        directiveValue(GraphQLSkipDirective, node) !== true &&
        directiveValue(GraphQLIncludeDirective, node) !== false;
      inclusion.set(node, known);
    }
    return known;
  };

  // graphql-js doesFragmentConditionMatch.
  const conditionMatches = (
    condition: NamedTypeNode | undefined,
    type: GraphQLObjectType,
  ): boolean => {
    if (!condition) return true;
    const conditionType = schema.getType(condition.name.value);
    if (conditionType === type) return true;
    return isAbstractType(conditionType) && schema.isSubType(conditionType, type);
  };

  /** The fields of a merged selection by response key, as graphql-js collectFields groups them. */
  const collect = (
    type: GraphQLObjectType,
    selectionSets: readonly SelectionSetNode[],
  ): Map<string, FieldNode[]> => {
    const groups = new Map<string, FieldNode[]>();
    const visited = new Set<string>();
    const walk = (selectionSet: SelectionSetNode): void => {
      for (const selection of selectionSet.selections) {
        step();
        if (!included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const group = groups.get(key);
          if (group) group.push(selection);
          else groups.set(key, [selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (conditionMatches(selection.typeCondition, type)) walk(selection.selectionSet);
        } else {
          const name = selection.name.value;
          if (visited.has(name)) continue;
          visited.add(name);
          const fragment = fragments.get(name);
          if (fragment && conditionMatches(fragment.typeCondition, type))
            walk(fragment.selectionSet);
        }
      }
    };
    for (const selectionSet of selectionSets) walk(selectionSet);
    return groups;
  };

  // Every field given arguments has them read, as execution will read them, so that an
  // argument without a value is the caller's error here rather than a field error later.
  const argsCache = new Map<FieldNode, Args>();
  const argsOf = (
    type: GraphQLObjectType,
    field: GraphQLField<unknown, unknown>,
    node: FieldNode,
  ): Args => {
    let args = argsCache.get(node);
    if (args === undefined) {
      step();
      try {
        args = getArgumentValues(field, node, coerced);
      } catch {
        throw new ArgumentWithoutValue(
          argumentWithoutValue(field, node, coerced, `field "${type.name}.${field.name}"`),
        );
      }
      argsCache.set(node, args);
    }
    return args;
  };

  /**
   * Upstream calls (`cost`) and the values of the answer (`nodes`: each field of each object
   * counts 1, a list multiplies what it holds by its size) of a merged selection. Nodes bound
   * what the caller's own multipliers (aliases, `refs`, `first`) make the gateway build and send:
   * 10 aliases of 500 repeated refs once cost 5,000 upstream calls' worth of cost and one call, and
   * built a 25 MB answer.
   */
  interface Measure {
    readonly cost: number;
    readonly nodes: number;
  }
  const memo = new Map<string, Measure>();
  const inProgress = new Set<string>();
  const costOf = (
    type: GraphQLCompositeType,
    selectionSets: readonly SelectionSetNode[],
  ): Measure => {
    if (!isObjectType(type)) {
      // An abstract type resolves to one of its possible types: the dearest bounds them all.
      let most: Measure = { cost: 0, nodes: 0 };
      for (const possible of schema.getPossibleTypes(type)) {
        step();
        const measure = costOf(possible, selectionSets);
        most = {
          cost: Math.max(most.cost, measure.cost),
          nodes: Math.max(most.nodes, measure.nodes),
        };
      }
      return most;
    }
    step(selectionSets.length);
    const key = `${type.name}:${selectionSets
      .map(idOf)
      .sort((a, b) => a - b)
      .join(',')}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    // Only a fragment cycle, which validation refuses (NoFragmentCyclesRule), comes back to a
    // selection still being analysed; refuse rather than recurse without end.
    if (inProgress.has(key)) throw new StepBudgetSpent();
    inProgress.add(key);
    let cost = 0;
    let values = 0;
    for (const nodes of collect(type, selectionSets).values()) {
      step();
      const first = nodes[0];
      const field = first && type.getFields()[first.name.value];
      if (!first || !field) {
        values = add(values, 1); // __typename and other meta fields: one value, no cost
        continue;
      }
      const entry = model.get(`${type.name}.${field.name}`);
      const args = entry || first.arguments?.length ? argsOf(type, field, first) : {};
      const calls = Math.max(0, entry?.calls?.(args) ?? 0);
      const size = Math.max(0, entry?.size?.(args) ?? 1);
      const below: SelectionSetNode[] = [];
      for (const node of nodes) if (node.selectionSet) below.push(node.selectionSet);
      const child = getNamedType(field.type);
      const measured =
        below.length > 0 && (isObjectType(child) || isAbstractType(child))
          ? costOf(child, below)
          : { cost: 0, nodes: 0 };
      cost = add(cost, add(calls, multiply(size, measured.cost)));
      values = add(values, multiply(size, add(1, measured.nodes)));
    }
    inProgress.delete(key);
    const measure = { cost, nodes: values };
    memo.set(key, measure);
    return measure;
  };

  const root = schema.getRootType(operation.operation);
  if (!root) return { kind: 'analysed', cost: 0, nodes: 0, steps };
  try {
    const { cost, nodes } = costOf(root, [operation.selectionSet]);
    return { kind: 'analysed', cost, nodes, steps };
  } catch (err) {
    if (err instanceof StepBudgetSpent) return { kind: 'tooComplex', steps };
    if (err instanceof ArgumentWithoutValue)
      return { kind: 'invalidArgument', message: err.message };
    throw err;
  }
}
