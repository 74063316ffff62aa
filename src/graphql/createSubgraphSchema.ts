import type { GraphQLSchema } from 'graphql';
import { Kind, parse, type DefinitionNode, type DocumentNode } from 'graphql';
import type { GatewayContext } from '../context.js';
import { badUserInput } from '../errors.js';
import { isRecord } from '../isRecord.js';
import { loadNode, type NodeModel } from '../resolvers/node.js';
import { decodeNodeId, type NodeType } from '../resolvers/nodeId.js';
import type { Resolvers } from '../generated/graphql.js';

/** The Federation 2 version the subgraph schema links (supported by @apollo/composition 2.3+). */
export const FEDERATION_SPEC = 'https://specs.apollo.dev/federation/v2.3';

/** The entity types: every Node, keyed by its id. */
export const ENTITY_TYPES: readonly NodeType[] = [
  'Cluster',
  'ImageStream',
  'ImageStreamImage',
  'ImageStreamTag',
  'Image',
  'Workload',
];

/**
 * The contract's schema as an Apollo Federation 2 subgraph schema: schema.graphql unchanged,
 * plus `@link` to the federation spec and `@key(fields: "id")` on every Node type (the Node ids
 * are global, stable and opaque: exactly what a key must be).
 */
export function subgraphTypeDefs(schemaText: string): DocumentNode {
  const document = parse(schemaText);
  const entities = new Set<string>(ENTITY_TYPES);
  const definitions: DefinitionNode[] = document.definitions.map((definition) =>
    definition.kind === Kind.OBJECT_TYPE_DEFINITION && entities.has(definition.name.value)
      ? {
          ...definition,
          directives: [
            ...(definition.directives ?? []),
            {
              kind: Kind.DIRECTIVE,
              name: { kind: Kind.NAME, value: 'key' },
              arguments: [
                {
                  kind: Kind.ARGUMENT,
                  name: { kind: Kind.NAME, value: 'fields' },
                  value: { kind: Kind.STRING, value: 'id' },
                },
              ],
            },
          ],
        }
      : definition,
  );
  const link = parse(`extend schema @link(url: "${FEDERATION_SPEC}", import: ["@key"])`);
  return { kind: Kind.DOCUMENT, definitions: [...link.definitions, ...definitions] };
}

/**
 * An entity from a representation (`_entities`): its id decoded and checked like any Node id,
 * then loaded through loadNode — the same loaders, credentials and errors as node(id). A
 * representation whose id names another type than its `__typename` is BAD_USER_INPUT; fields
 * other than `id` and `__typename` are ignored (the router may send more than the key).
 */
function resolveReference(type: NodeType) {
  return async (reference: unknown, ctx: GatewayContext): Promise<NodeModel> => {
    const id = (reference as { id?: unknown } | null)?.id;
    if (typeof id !== 'string')
      throw badUserInput(`A representation of ${type} needs its key "id" as a string.`);
    const ref = decodeNodeId(id, 'representations[].id');
    if (ref.type !== type)
      throw badUserInput(`A representation of ${type} carries the id of a ${ref.type}.`);
    return loadNode(ctx, ref);
  };
}

/**
 * The subgraph schema of `--federation`: `_service { sdl }` and `_entities` from
 * @apollo/subgraph (loaded only in this mode), over the same resolvers as the plain schema.
 */
export async function createSubgraphSchema(
  schemaText: string,
  resolvers: Resolvers,
): Promise<GraphQLSchema> {
  // A CommonJS package: its module.exports is the default export whether Node loads it or the
  // bundle (scripts/bundle-server.mjs) does, which gives it no named exports.
  const { buildSubgraphSchema } = (await import('@apollo/subgraph')).default;
  const withReferences: Record<string, unknown> = { ...resolvers };
  for (const type of ENTITY_TYPES) {
    withReferences[type] = {
      ...(resolvers[type] as object),
      __resolveReference: resolveReference(type),
    };
  }
  type ResolverMap = NonNullable<
    Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>['resolvers']
  >;
  const schema = buildSubgraphSchema({
    typeDefs: subgraphTypeDefs(schemaText),
    resolvers: withReferences as ResolverMap,
  });
  // At most --max-refs representations per call, as nodes(ids) and imageStreamImages(refs), and
  // each one an object naming an entity type: @apollo/subgraph answers any other __typename (or
  // none, or a scalar) with a bare error that would leave as INTERNAL_SERVER_ERROR.
  const entityNames: ReadonlySet<string> = new Set(ENTITY_TYPES);
  const entities = schema.getQueryType()?.getFields()['_entities'];
  const resolve = entities?.resolve;
  if (!entities || !resolve) throw new Error('invariant: the subgraph schema has no _entities');
  entities.resolve = (root, args: { representations?: unknown }, ctx: GatewayContext, info) => {
    const count = Array.isArray(args.representations) ? args.representations.length : 0;
    if (count > ctx.limits.maxRefs)
      throw badUserInput(
        `Argument "representations" takes at most ${ctx.limits.maxRefs} items; got ${count}.`,
      );
    const representations = Array.isArray(args.representations) ? args.representations : [];
    representations.forEach((r: unknown, i) => {
      const typename = isRecord(r) && !Array.isArray(r) ? r['__typename'] : undefined;
      if (typeof typename !== 'string' || !entityNames.has(typename))
        throw badUserInput(
          `Argument "representations[${i}]" must be an object whose "__typename" is an entity type (${ENTITY_TYPES.join(', ')}) and whose "id" is its Node id.`,
        );
    });
    return resolve(root, args, ctx, info);
  };
  return schema;
}
