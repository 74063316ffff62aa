import { Kind, type DocumentNode, type FragmentDefinitionNode } from 'graphql';

/**
 * The fragment definitions of a document by name. A name defined twice keeps its first
 * definition (validation refuses such a document anyway; analysis must not depend on order).
 */
export function fragmentsOf(document: DocumentNode): ReadonlyMap<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value))
      fragments.set(definition.name.value, definition);
  }
  return fragments;
}
