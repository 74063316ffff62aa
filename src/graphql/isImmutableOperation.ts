import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isCompositeType,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fragmentsOf } from '../limits/fragmentsOf.js';
import { decodeNodeId } from '../resolvers/nodeId.js';

/**
 * The (type, field) pairs whose value can never change for the same arguments: what an image
 * addressed by digest is made of (its manifest, layers, child manifests, configuration), and the
 * parts of an ImageStreamImage that are its own arguments. Everything else is mutable, and one
 * mutable field anywhere makes the whole answer uncacheable. Left out on purpose:
 * - `Image.signatures` (signatures are added to an image over time) and `Image.annotations`
 *   (editable on the Image object);
 * - `Image.created` and `Image.dockerImageReference`: properties of the Image *object*, which
 *   is pruned and created again by a later import or push (a new creationTimestamp, perhaps
 *   another pull spec), not of the content the digest names;
 * - `ImageStreamImage.stream`, `.annotations` (copied from the stream), `.cluster` (its status
 *   changes every probe), and everything about streams, tags, locations, namespaces, clusters.
 * `KeyValue` and `EnvVar` are allowed only because the fields that reach them here
 * (`DockerConfig.labels`, `.env`) are; `Image.annotations` stays refused at its own field.
 * README.md "HTTP caching" shows this table; keep the two equal.
 */
export const IMMUTABLE_FIELDS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    ImageStreamImage: ['id', 'name', 'namespace', 'digest', 'image'],
    Image: [
      'id',
      'name',
      'manifestMediaType',
      'isManifestList',
      'layers',
      'totalLayerSize',
      'manifests',
      'dockerImageMetadata',
      'platform',
    ],
    Layer: ['name', 'size', 'mediaType'],
    Manifest: ['digest', 'mediaType', 'manifestSize', 'architecture', 'os', 'variant', 'image'],
    DockerImageMetadata: [
      'id',
      'parent',
      'created',
      'author',
      'dockerVersion',
      'architecture',
      'size',
      'config',
      'containerConfig',
    ],
    DockerConfig: [
      'user',
      'workingDir',
      'cmd',
      'entrypoint',
      'env',
      'labels',
      'exposedPorts',
      'volumes',
    ],
    EnvVar: ['name', 'value'],
    KeyValue: ['key', 'value'],
    // Under node/nodes, whose ids were checked to name an Image or an ImageStreamImage.
    Node: ['id'],
  }).map(([type, fields]) => [type, new Set(fields)]),
);

/**
 * Entry points whose answer is immutable. `imageStreamImage(s)` always address a digest (the
 * name must be `<stream>@sha256:<64 hex>`; anything else is an error, and an answer with an error
 * is never cached). `node`/`nodes` only when every id names an Image or an ImageStreamImage.
 */
const NODE_TYPES: ReadonlySet<string> = new Set(['Image', 'ImageStreamImage']);

function namesImmutableNode(id: unknown): boolean {
  if (typeof id !== 'string') return false;
  try {
    return NODE_TYPES.has(decodeNodeId(id).type);
  } catch {
    return false;
  }
}

function isImmutableEntryPoint(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Record<string, unknown>,
): boolean {
  switch (field.name) {
    case 'imageStreamImage':
    case 'imageStreamImages':
      return true;
    case 'node':
    case 'nodes': {
      let args: Record<string, unknown>;
      try {
        args = getArgumentValues(field, node, variables);
      } catch {
        return false;
      }
      if (field.name === 'node') return namesImmutableNode(args['id']);
      const ids = args['ids'];
      return Array.isArray(ids) && ids.every(namesImmutableNode);
    }
    default:
      return false;
  }
}

/**
 * Whether every field the operation can select is immutable (IMMUTABLE_FIELDS), decided from
 * the document alone: every selection counts, whatever its alias, and whether or not an
 * `@include`/`@skip` would drop it (more fields can only make the answer less cacheable);
 * fragments and inline fragments are followed, each named fragment once (its verdict depends only
 * on its own selections and the request's variables, so a document that spreads fragments into
 * each other exponentially still costs one visit per selection). Only queries qualify; an
 * introspection field (`__schema`, `__type`) never does; `__typename` always does.
 *
 * Runs after Apollo has validated the operation; anything unexpected (an unknown field or type,
 * variables that do not coerce) is simply "not immutable".
 */
export function isImmutableOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Readonly<Record<string, unknown>> | undefined,
): boolean {
  if (operation.operation !== OperationTypeNode.QUERY) return false;
  const queryType = schema.getQueryType();
  if (!queryType) return false;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], {
    ...rawVariables,
  });
  if (coerced.errors) return false;
  const variables = coerced.coerced;
  const fragments = fragmentsOf(document);
  const fragmentVerdicts = new Map<string, boolean>();

  const selectionsAreImmutable = (set: SelectionSetNode, parent: GraphQLCompositeType): boolean => {
    for (const selection of set.selections) {
      switch (selection.kind) {
        case Kind.FIELD: {
          const name = selection.name.value;
          if (name === '__typename') continue;
          if (name.startsWith('__')) return false;
          if (!('getFields' in parent)) return false;
          const field = parent.getFields()[name];
          if (!field) return false;
          const allowed =
            parent === queryType
              ? isImmutableEntryPoint(field, selection, variables)
              : (IMMUTABLE_FIELDS.get(parent.name)?.has(name) ?? false);
          if (!allowed) return false;
          if (selection.selectionSet) {
            const type = getNamedType(field.type);
            if (!isCompositeType(type) || !selectionsAreImmutable(selection.selectionSet, type))
              return false;
          }
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const type = selection.typeCondition
            ? schema.getType(selection.typeCondition.name.value)
            : parent;
          if (!isCompositeType(type) || !selectionsAreImmutable(selection.selectionSet, type))
            return false;
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          let verdict = fragmentVerdicts.get(name);
          if (verdict === undefined) {
            // Provisionally false: a cycle (which validation refuses anyway) ends here.
            fragmentVerdicts.set(name, false);
            const fragment = fragments.get(name);
            const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
            verdict =
              fragment !== undefined &&
              isCompositeType(type) &&
              selectionsAreImmutable(fragment.selectionSet, type);
            fragmentVerdicts.set(name, verdict);
          }
          if (!verdict) return false;
          break;
        }
      }
    }
    return true;
  };
  return selectionsAreImmutable(operation.selectionSet, queryType);
}
