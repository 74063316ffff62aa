import { readFileSync } from 'node:fs';
import { buildSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { IMMUTABLE_FIELDS, isImmutableOperation } from '../../src/graphql/isImmutableOperation.js';
import { encodeNodeId } from '../../src/resolvers/nodeId.js';

const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
const DIGEST = `sha256:${'a'.repeat(64)}`;
const ISI = `imageStreamImage(namespace: "ns", name: "s@${DIGEST}")`;
const IMAGE_ID = encodeNodeId({ type: 'Image', cluster: 'east', digest: DIGEST });
const STREAM_ID = encodeNodeId({
  type: 'ImageStream',
  cluster: 'east',
  namespace: 'ns',
  stream: 's',
});

function immutable(text: string, variables?: Record<string, unknown>, name?: string): boolean {
  const document = parse(text);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION && (name === undefined || d.name?.value === name),
  )!;
  return isImmutableOperation(schema, document, operation, variables);
}

describe('isImmutableOperation', () => {
  it('allows only (type, field) pairs that exist in the schema', () => {
    for (const [type, fields] of IMMUTABLE_FIELDS) {
      const t = schema.getType(type);
      expect(t, type).toBeDefined();
      for (const field of fields)
        expect(
          (t as { getFields(): Record<string, unknown> }).getFields()[field],
          `${type}.${field}`,
        ).toBeDefined();
    }
  });

  it('accepts image content reached by digest, with __typename, aliases, fragments and directives', () => {
    expect(
      immutable(`{ __typename ${ISI} { __typename name digest image { name layers { size } } } }`),
    ).toBe(true);
    expect(
      immutable(
        `query($on: Boolean!) { x: ${ISI} { i: image @include(if: $on) { ...F ... on Image { manifests { os image { id } } } } } } fragment F on Image { dockerImageMetadata { config { env { name } labels { key } } } }`,
        { on: true },
      ),
    ).toBe(true);
  });

  it('refuses any mutable field, however it is reached', () => {
    for (const q of [
      `{ ${ISI} { image { signatures { name } } } }`,
      `{ ${ISI} { image { n: signatures { name } } } }`,
      `{ ${ISI} { image { ...F } } } fragment F on Image { ... { annotations { key } } }`,
      `{ ${ISI} { image { signatures @skip(if: true) { name } } } }`,
      `{ ${ISI} { stream { name } } }`,
      `{ ${ISI} { cluster { name } } }`,
      `{ clusters { name } }`,
      `{ ...Q } fragment Q on Query { imageLocations(digest: "${DIGEST}") { stream } }`,
      `{ imageStreamTag(namespace: "ns", name: "s:t") { image { name } } }`,
    ])
      expect(immutable(q), q).toBe(false);
  });

  it('refuses introspection, mutations and subscriptions', () => {
    expect(immutable('{ __schema { types { name } } }')).toBe(false);
    expect(immutable('{ __type(name: "Image") { name } }')).toBe(false);
    expect(immutable(`mutation { ${ISI} { name } }`)).toBe(false);
    expect(immutable(`subscription { ${ISI} { name } }`)).toBe(false);
  });

  it('accepts node and nodes only for Image and ImageStreamImage ids, literal or in variables', () => {
    expect(immutable(`{ node(id: "${IMAGE_ID}") { id ... on Image { layers { name } } } }`)).toBe(
      true,
    );
    expect(immutable(`{ node(id: "${STREAM_ID}") { id } }`)).toBe(false);
    expect(immutable(`{ node(id: "garbage") { id } }`)).toBe(false);
    expect(immutable(`query($id: ID!) { node(id: $id) { id } }`, { id: IMAGE_ID })).toBe(true);
    expect(immutable(`query($id: ID!) { node(id: $id) { id } }`, { id: STREAM_ID })).toBe(false);
    expect(immutable(`query($id: ID!) { node(id: $id) { id } }`, {})).toBe(false);
    expect(immutable(`query($id: ID!) { node(id: $id) { id } }`, { id: 12 })).toBe(false);
    const nodes = `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
    expect(immutable(nodes, { ids: [IMAGE_ID, IMAGE_ID] })).toBe(true);
    expect(immutable(nodes, { ids: [IMAGE_ID, STREAM_ID] })).toBe(false);
    expect(immutable(nodes, { ids: IMAGE_ID })).toBe(true); // coerced to a one-item list
    expect(immutable(`{ nodes(ids: ["${IMAGE_ID}", "x"]) { id } }`)).toBe(false);
    // An Image id, but a selection on another type that could be mutable.
    expect(immutable(`{ node(id: "${IMAGE_ID}") { ... on ImageStream { tags { name } } } }`)).toBe(
      false,
    );
  });

  it('judges the operation that runs, not the others in the document', () => {
    const doc = `query A { ${ISI} { name } } query B { clusters { name } }`;
    expect(immutable(doc, undefined, 'A')).toBe(true);
    expect(immutable(doc, undefined, 'B')).toBe(false);
  });

  it('visits each fragment once, so exponentially nested spreads stay cheap', () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on Image { name ...F${i + 1} ...F${i + 1} }`,
    ).join(' ');
    const q = `{ ${ISI} { image { ...F0 } } } ${fragments} fragment F${levels} on Image { layers { size } }`;
    expect(immutable(q)).toBe(true);
    expect(immutable(q.replace('layers { size }', 'signatures { name }'))).toBe(false);
  });

  it('treats what validation would refuse as not immutable (unknown fragments, cycles, unknown fields)', () => {
    expect(immutable(`{ ${ISI} { image { ...Missing } } }`)).toBe(false);
    expect(immutable(`{ ${ISI} { image { ...A } } } fragment A on Image { ...A }`)).toBe(false);
    expect(immutable(`{ ${ISI} { image { nope } } }`)).toBe(false);
    expect(immutable(`{ ${ISI} { image { ... on Nope { name } } } }`)).toBe(false);
  });
});
