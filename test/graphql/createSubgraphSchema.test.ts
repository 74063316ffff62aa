import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNodeId } from '../../src/resolvers/nodeId.js';
import { startStack, type Stack } from '../helpers/startStack.js';

const DIGEST = 'sha256:a874dcabc74ca202b92b826521ff79dede61caca00ceab0b65024e895baceb58';
const IMAGE_ID = encodeNodeId({ type: 'Image', cluster: 'east', digest: DIGEST });
const STREAM_ID = encodeNodeId({
  type: 'ImageStream',
  cluster: 'east',
  namespace: 'openshift',
  stream: 'python',
});

/** A tiny second subgraph: vulnerability scans that extend Image and point at images by id. */
const SCANS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Image @key(fields: "id") {
    id: ID!
    scanFindings: [String!]!
  }
  type Scan {
    severity: String!
    image: Image!
  }
  type Query {
    scans: [Scan!]!
  }
`;

const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Image { id name totalLayerSize }
    ... on ImageStream { id name namespace }
    ... on Cluster { id name }
  }
}`;

describe('--federation: an Apollo Federation 2 subgraph', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ federation: true, logLevel: 'warn' });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('serves its SDL with @key(fields: "id") on every Node type and the federation link', async () => {
    const { body } = await stack.gql('{ _service { sdl } }');
    expect(body.errors).toBeUndefined();
    const sdl = (body.data as { _service: { sdl: string } })._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    for (const type of ['Cluster', 'ImageStream', 'ImageStreamImage', 'ImageStreamTag', 'Image'])
      expect(sdl).toMatch(new RegExp(`type ${type} implements Node[^{]*@key\\(fields: "id"\\)`));
    expect(sdl).not.toMatch(/type ImageStreamConnection[^{]*@key/);
  });

  it('resolves _entities through the same loaders, each representation failing alone', async () => {
    stack.resetCounts();
    const { body } = await stack.gql(ENTITIES, {
      representations: [
        { __typename: 'Image', id: IMAGE_ID },
        // Fields beyond the key are ignored, never trusted.
        { __typename: 'ImageStream', id: STREAM_ID, name: 'forged', namespace: 'kube-system' },
        { __typename: 'Cluster', id: encodeNodeId({ type: 'Cluster', cluster: 'west' }) },
        { __typename: 'Image', id: STREAM_ID },
        { __typename: 'Image', id: 'forged' },
        { __typename: 'Image' },
        {
          __typename: 'Image',
          id: encodeNodeId({ type: 'Image', cluster: 'north', digest: DIGEST }),
        },
        { __typename: 'ImageStream', id: STREAM_ID },
      ],
    });
    const entities = (body.data as { _entities: (Record<string, unknown> | null)[] })._entities;
    expect(entities[0]).toEqual({
      __typename: 'Image',
      id: IMAGE_ID,
      name: DIGEST,
      totalLayerSize: 347478492,
    });
    expect(entities[1]).toEqual({
      __typename: 'ImageStream',
      id: STREAM_ID,
      name: 'python',
      namespace: 'openshift',
    });
    expect(entities[2]).toEqual({ __typename: 'Cluster', id: expect.any(String), name: 'west' });
    expect(entities.slice(3, 7)).toEqual([null, null, null, null]);
    expect(entities[7]).toEqual(entities[1]);
    const errors = [...(body.errors ?? [])].sort(
      (a, b) => Number(a.path?.[1]) - Number(b.path?.[1]),
    );
    expect(errors.map((e) => [e.path?.[1], e.extensions?.['code'], e.message])).toEqual([
      [3, 'BAD_USER_INPUT', 'A representation of Image carries the id of a ImageStream.'],
      [
        4,
        'BAD_USER_INPUT',
        expect.stringMatching(/^Argument "representations\[\]\.id" must be a Node id/),
      ],
      [5, 'BAD_USER_INPUT', 'A representation of Image needs its key "id" as a string.'],
      [6, 'NOT_FOUND', expect.stringContaining('which this gateway does not serve')],
    ]);
    // The stream asked twice was read once.
    expect(stack.loaderBatches('imageStream').reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('refuses a representation that names no entity type with BAD_USER_INPUT, before any upstream call', async () => {
    for (const representation of [
      { __typename: 'Secret', id: IMAGE_ID },
      { __typename: 'Query' },
      { __typename: 'ImageStreamConnection', id: IMAGE_ID },
      { __typename: '__proto__', id: IMAGE_ID },
      { __typename: 'image', id: IMAGE_ID },
      { __typename: ['Image'], id: IMAGE_ID },
      { id: IMAGE_ID },
      'Image',
      1,
      [IMAGE_ID],
    ]) {
      stack.resetCounts();
      const { body } = await stack.gql(ENTITIES, {
        representations: [{ __typename: 'Image', id: IMAGE_ID }, representation],
      });
      expect(body.data ?? null, JSON.stringify(representation)).toBeNull();
      expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.message).toMatch(
        /^Argument "representations\[1\]" must be an object whose "__typename" is an entity type/,
      );
      expect(stack.sims['east']?.count()).toBe(0);
    }
  });

  it('bounds representations by --max-refs and counts them in the query cost', async () => {
    stack.resetCounts();
    const many = Array.from({ length: 501 }, () => ({ __typename: 'Image', id: IMAGE_ID }));
    const { body } = await stack.gql(ENTITIES, { representations: many });
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(stack.sims['east']?.count()).toBe(0);
  });

  it('composes with a second subgraph, and a router answers an entity query across both', async () => {
    const scans = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: parse(SCANS_SDL),
        resolvers: {
          Query: { scans: () => [{ severity: 'high', image: { id: IMAGE_ID } }] },
          Image: {
            __resolveReference: (ref: { id: string }) => ref,
            scanFindings: (image: { id: string }) =>
              image.id === IMAGE_ID ? ['CVE-2024-0001'] : [],
          },
        },
      }),
    });
    const scansUrl = (
      await startStandaloneServer(scans, { listen: { port: 0, host: '127.0.0.1' } })
    ).url;
    const ours = await stack.gql('{ _service { sdl } }');
    const sdl = (ours.body.data as { _service: { sdl: string } })._service.sdl;
    const composed = composeServices([
      { name: 'images', typeDefs: parse(sdl), url: stack.url },
      { name: 'scans', typeDefs: parse(SCANS_SDL), url: scansUrl },
    ]);
    expect(composed.errors ?? []).toEqual([]);
    const router = new ApolloServer({
      gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl ?? '' }),
    });
    const { url } = await startStandaloneServer(router, { listen: { port: 0, host: '127.0.0.1' } });
    try {
      const ask = async (query: string) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        });
        return (await res.json()) as { data?: unknown; errors?: unknown };
      };
      // Our image, extended by the other subgraph (the router calls its _entities).
      const forward = await ask(`{
        imageStreamImage(cluster: "east", namespace: "openshift", name: "python@${DIGEST}") {
          image { id name scanFindings }
        }
      }`);
      expect(forward).toEqual({
        data: {
          imageStreamImage: {
            image: { id: IMAGE_ID, name: DIGEST, scanFindings: ['CVE-2024-0001'] },
          },
        },
      });
      // The other subgraph's reference, completed by ours (the router calls our _entities).
      stack.resetCounts();
      const backward = await ask(
        `{ scans { severity image { id name totalLayerSize scanFindings } } }`,
      );
      expect(backward).toEqual({
        data: {
          scans: [
            {
              severity: 'high',
              image: {
                id: IMAGE_ID,
                name: DIGEST,
                totalLayerSize: 347478492,
                scanFindings: ['CVE-2024-0001'],
              },
            },
          ],
        },
      });
      expect(stack.sims['east']?.count('imagestreamimages')).toBe(1);
    } finally {
      await router.stop();
      await scans.stop();
    }
  });
});

describe('--federation under --auth passthrough: a representation is not a capability', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      federation: true,
      auth: 'passthrough',
      logLevel: 'warn',
      clusters: [
        {
          name: 'east',
          token: 'gateway-own-token',
          grants: {
            alice: { user: 'alice', namespaces: ['apps'] },
            bob: { user: 'bob', namespaces: ['openshift'] },
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it("answers another caller's entity exactly as the direct field would", async () => {
    const representations = [{ __typename: 'ImageStream', id: STREAM_ID }];
    const bob = await stack.gql(ENTITIES, { representations }, { authorization: 'Bearer bob' });
    expect(bob.body.errors).toBeUndefined();
    const alice = await stack.gql(ENTITIES, { representations }, { authorization: 'Bearer alice' });
    expect(alice.body.data).toEqual({ _entities: [null] });
    expect(alice.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});
