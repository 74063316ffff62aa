import { fragmentsOf } from './fragmentsOf.js';
import { Kind, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';
import { MAX_ANALYSIS_STEPS } from './analyzeOperation.js';

/**
 * Work of merging fields with the same response key, past which a document is refused before
 * validation: every distinct pair of fields merged in the same place counts 1, plus the
 * selections directly under each of the two.
 *
 * Why: graphql-js's OverlappingFieldsCanBeMergedRule compares every two fields that would be
 * merged, reading both selections and recursing into them. Pairs of fragments are memoised,
 * but fields written again and again (`manifests { digest }` 700 times, or two copies of a
 * field that each hold two copies, and so on down) are compared pair by pair, so its work grows
 * with the square of the document. graphql-js stops at 500,000 units of work; one 2,800-token
 * request took 50 to 130 ms of it alone, and blocked /healthz for 260 to 460 ms through the
 * whole server on a loaded 2-core machine. The rule compares each distinct pair about once, so
 * bounding this count bounds its work: at 10,000 the rule took 0.3 to 3 ms. A large
 * legitimate document counts under a thousand (twelve fragments that all select the same seven
 * fields merge 66 pairs per field, wherever they are spread).
 */
export const MAX_MERGE_WORK = 10_000;

export type DocumentScreen =
  | { readonly kind: 'passed'; readonly steps: number; readonly mergeWork: number }
  /** The step budget or the merge-work bound was passed; the screen stopped there. */
  | { readonly kind: 'tooComplex'; readonly steps: number; readonly mergeWork: number };

export interface ScreenOptions {
  /** Default MAX_ANALYSIS_STEPS. */
  readonly maxSteps?: number;
  /** Default MAX_MERGE_WORK. */
  readonly maxMergeWork?: number;
}

/** Thrown inside the screen when a bound is passed; never escapes it. */
class ScreenBoundPassed extends Error {}

/**
 * Screens a parsed document before validation, so that validation cannot be made to spend
 * quadratic work on fields merged pair by pair (MAX_MERGE_WORK). Walks every operation and
 * every fragment definition (used or not: validation reads all of them) as graphql-js merges
 * fields at execution — inline fragments and spreads flattened, a fragment once per merged
 * selection, fields grouped by response key, the selections of a group merged below it — and
 * adds up the merge work of the distinct pairs of fields merged together. Needs no schema and
 * no variables: every directive counts as including and every type condition as matching, so
 * the screen sees a superset of what any execution merges.
 *
 * Linear in the document, like analyzeOperation: a merged selection is walked once, keyed on the
 * set of selection sets it merges (a fragment cycle, which validation reports, comes back to a
 * key already seen and stops there), the pairs of a group are listed once per distinct group,
 * and every unit of work is a step of the same budget as the analysis.
 */
export function screenDocument(
  document: DocumentNode,
  options: ScreenOptions = {},
): DocumentScreen {
  const maxSteps = options.maxSteps ?? MAX_ANALYSIS_STEPS;
  const maxMergeWork = options.maxMergeWork ?? MAX_MERGE_WORK;
  const fragments = fragmentsOf(document);

  let steps = 0;
  const step = (n = 1): void => {
    steps += n;
    if (steps > maxSteps) throw new ScreenBoundPassed();
  };
  const ids = new Map<SelectionSetNode | FieldNode, number>();
  const idOf = (node: SelectionSetNode | FieldNode): number => {
    let id = ids.get(node);
    if (id === undefined) {
      id = ids.size;
      ids.set(node, id);
    }
    return id;
  };
  const keyOf = (nodes: readonly (SelectionSetNode | FieldNode)[]): string => {
    step(nodes.length);
    return nodes
      .map(idOf)
      .sort((a, b) => a - b)
      .join(',');
  };

  const pairs = new Set<string>();
  const groupsSeen = new Set<string>();
  let mergeWork = 0;
  const countPairs = (group: readonly FieldNode[]): void => {
    const key = keyOf(group);
    if (groupsSeen.has(key)) return;
    groupsSeen.add(key);
    const sorted = [...group].sort((a, b) => idOf(a) - idOf(b));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        step();
        const a = sorted[i];
        const b = sorted[j];
        if (!a || !b) continue;
        const pair = `${idOf(a)},${idOf(b)}`;
        if (pairs.has(pair)) continue;
        pairs.add(pair);
        mergeWork +=
          1 + (a.selectionSet?.selections.length ?? 0) + (b.selectionSet?.selections.length ?? 0);
        if (mergeWork > maxMergeWork) throw new ScreenBoundPassed();
      }
    }
  };

  const collect = (selectionSets: readonly SelectionSetNode[]): Map<string, FieldNode[]> => {
    const groups = new Map<string, FieldNode[]>();
    const visited = new Set<string>();
    const walk = (selectionSet: SelectionSetNode): void => {
      for (const selection of selectionSet.selections) {
        step();
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const group = groups.get(key);
          if (group) group.push(selection);
          else groups.set(key, [selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          walk(selection.selectionSet);
        } else if (!visited.has(selection.name.value)) {
          visited.add(selection.name.value);
          const fragment = fragments.get(selection.name.value);
          if (fragment) walk(fragment.selectionSet);
        }
      }
    };
    for (const selectionSet of selectionSets) walk(selectionSet);
    return groups;
  };

  const seen = new Set<string>();
  const visit = (selectionSets: readonly SelectionSetNode[]): void => {
    const key = keyOf(selectionSets);
    if (seen.has(key)) return;
    seen.add(key);
    for (const group of collect(selectionSets).values()) {
      step();
      if (group.length > 1) countPairs(group);
      const below: SelectionSetNode[] = [];
      for (const node of group) if (node.selectionSet) below.push(node.selectionSet);
      if (below.length > 0) visit(below);
    }
  };

  try {
    for (const definition of document.definitions) {
      if (
        definition.kind === Kind.OPERATION_DEFINITION ||
        definition.kind === Kind.FRAGMENT_DEFINITION
      )
        visit([definition.selectionSet]);
    }
  } catch (err) {
    if (err instanceof ScreenBoundPassed) return { kind: 'tooComplex', steps, mergeWork };
    throw err;
  }
  return { kind: 'passed', steps, mergeWork };
}
