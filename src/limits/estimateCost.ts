import {
  getNamedType,
  isObjectType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * The cost of a query in estimated upstream calls, computed from the operation and its
 * variables before anything executes. A field that fetches costs 1 per resolution; a list
 * multiplies its children by its size: the real size where the arguments say it (refs, first,
 * clusters x namespaces), an estimate otherwise. This is what a fan-out across clusters costs
 * the API servers, so it is what the limit bounds.
 */

export interface CostEstimates {
  readonly tagsPerStream: number;
  readonly eventsPerTag: number;
  readonly manifestsPerList: number;
  readonly locationsPerScope: number;
  readonly defaultPageSize: number;
}

export const DEFAULT_COST_ESTIMATES: CostEstimates = Object.freeze({
  tagsPerStream: 10,
  eventsPerTag: 10,
  manifestsPerList: 8,
  locationsPerScope: 5,
  defaultPageSize: 50,
});

type Args = Record<string, unknown>;

interface FieldCost {
  /** Upstream calls of one resolution. */
  calls?: (args: Args) => number;
  /** Items a list yields, multiplying the cost of its selection. */
  size?: (args: Args) => number;
}

const lengthOf = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

function costModel(clusterCount: number, e: CostEstimates): Record<string, FieldCost> {
  const one = { calls: () => 1 };
  const page = {
    calls: () => 1,
    size: (a: Args) => (typeof a['first'] === 'number' ? a['first'] : e.defaultPageSize),
  };
  const scopes = (a: Args): number =>
    (lengthOf(a['clusters']) || clusterCount) * Math.max(1, lengthOf(a['namespaces']));
  return {
    'Query.clusters': { size: () => clusterCount },
    'Query.imageStreamImage': one,
    'Query.imageStreamImages': {
      calls: (a) => lengthOf(a['refs']),
      size: (a) => lengthOf(a['refs']),
    },
    'Query.imageStream': one,
    'Query.imageStreams': page,
    'Query.imageStreamTag': one,
    'Query.imageLocations': { calls: scopes, size: (a) => scopes(a) * e.locationsPerScope },
    'Cluster.status': one,
    'Cluster.imageStreamImage': one,
    'Cluster.imageStream': one,
    'Cluster.imageStreams': page,
    'Cluster.imageStreamTag': one,
    'ImageStreamImage.stream': one,
    'ImageStream.tags': { size: () => e.tagsPerStream },
    'StreamTag.history': { size: () => e.eventsPerTag },
    'TagEvent.imageStreamImage': one,
    'Image.manifests': { size: () => e.manifestsPerList },
    'Image.platform': one,
    'Manifest.image': one,
    'ImageLocation.imageStreamImage': one,
    'ImageStreamConnection.edges': { size: () => 1 },
  };
}

export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  clusterCount: number,
  estimates: CostEstimates = DEFAULT_COST_ESTIMATES,
): number {
  const model = costModel(clusterCount, estimates);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }

  const argsOf = (field: GraphQLField<unknown, unknown>, node: FieldNode): Args => {
    const out: Args = {};
    for (const arg of node.arguments ?? []) {
      const def = field.args.find((a) => a.name === arg.name.value);
      if (def)
        out[arg.name.value] = valueFromAST(
          arg.value,
          def.type,
          variables as Record<string, unknown>,
        );
    }
    return out;
  };

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLObjectType,
    seen: ReadonlySet<string>,
  ): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (isObjectType(type)) cost += walk(fragment.selectionSet, type, new Set([...seen, name]));
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        if (isObjectType(type)) cost += walk(selection.selectionSet, type, seen);
        continue;
      }
      const field = parent.getFields()[selection.name.value];
      if (!field) continue;
      const entry = model[`${parent.name}.${field.name}`];
      const args = entry ? argsOf(field, selection) : {};
      const calls = entry?.calls?.(args) ?? 0;
      const size = entry?.size?.(args) ?? 1;
      const child = getNamedType(field.type);
      const below =
        selection.selectionSet && isObjectType(child)
          ? walk(selection.selectionSet, child, seen)
          : 0;
      cost += calls + size * below;
    }
    return cost;
  };

  const root = schema.getQueryType();
  return root ? walk(operation.selectionSet, root, new Set()) : 0;
}
