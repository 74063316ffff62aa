import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client/core/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNodeId } from '../../src/resolvers/nodeId.js';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

const DIGEST = 'sha256:a874dcabc74ca202b92b826521ff79dede61caca00ceab0b65024e895baceb58';
const raw = (value: unknown): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** One object of every Node type, reached through the direct fields, with its id. */
const DIRECT = `{
  cluster(name: "east") { __typename id name }
  imageStream(cluster: "east", namespace: "openshift", name: "python") { __typename id name namespace }
  imageStreamImage(cluster: "east", namespace: "openshift", name: "python@${DIGEST}") {
    __typename id name image { __typename id name }
  }
  imageStreamTag(cluster: "east", namespace: "openshift", name: "python:3.8") { __typename id name }
}`;

/** What every type projects through node(id). */
const NODE_FIELDS = `
  __typename id
  ... on Cluster { name }
  ... on ImageStream { name namespace }
  ... on ImageStreamImage { name }
  ... on ImageStreamTag { name }
  ... on Image { name }
`;

/** The ids of east's python stream, its image by digest, its 3.8 tag and the image itself. */
const PYTHON_IDS = [
  encodeNodeId({ type: 'ImageStream', cluster: 'east', namespace: 'openshift', stream: 'python' }),
  encodeNodeId({
    type: 'ImageStreamImage',
    cluster: 'east',
    namespace: 'openshift',
    stream: 'python',
    digest: DIGEST,
  }),
  encodeNodeId({
    type: 'ImageStreamTag',
    cluster: 'east',
    namespace: 'openshift',
    stream: 'python',
    tag: '3.8',
  }),
  encodeNodeId({ type: 'Image', cluster: 'east', digest: DIGEST }),
];

type Obj = Record<string, unknown>;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ logLevel: 'warn' });
});
afterAll(async () => {
  await stack.close();
});

async function direct(): Promise<Obj[]> {
  const { body } = await stack.gql(DIRECT);
  expect(body.errors).toBeUndefined();
  const data = body.data as Record<string, Obj>;
  const isi = data['imageStreamImage'] as Obj;
  const { image, ...isiOwn } = isi;
  return [
    data['cluster'] as Obj,
    data['imageStream'] as Obj,
    isiOwn,
    data['imageStreamTag'] as Obj,
    image as Obj,
  ];
}

describe('Node ids on every type', () => {
  it('give each type an id that names exactly its coordinates', async () => {
    const objects = await direct();
    expect(objects.map((o) => o['id'])).toEqual([
      encodeNodeId({ type: 'Cluster', cluster: 'east' }),
      ...PYTHON_IDS,
    ]);
    // Never a credential, nor the server URL: the ids hold only names.
    for (const o of objects) {
      const decoded = Buffer.from(o['id'] as string, 'base64url').toString('utf8');
      expect(decoded).not.toContain('token');
      expect(decoded).not.toContain('127.0.0.1');
    }
  });

  it('give one image one id per cluster, whatever the path, and another id on another cluster', async () => {
    const { body } = await stack.gql(`{
      e: imageStreamImage(cluster: "east", namespace: "openshift", name: "python@${DIGEST}") { image { id } }
      t: imageStreamTag(cluster: "east", namespace: "openshift", name: "python:latest") { image { id } }
      s: imageStream(cluster: "east", namespace: "openshift", name: "python") {
        tags { name history { digest imageStreamImage { image { id } } } }
      }
      w: imageStreamImage(cluster: "west", namespace: "openshift", name: "python@${DIGEST}") { image { id } }
    }`);
    expect(body.errors).toBeUndefined();
    const data = body.data as Record<string, Obj>;
    const east = encodeNodeId({ type: 'Image', cluster: 'east', digest: DIGEST });
    expect((data['e'] as { image: Obj }).image['id']).toBe(east);
    expect((data['t'] as { image: Obj }).image['id']).toBe(east);
    const tags = (
      data['s'] as { tags: { history: { digest: string; imageStreamImage: { image: Obj } }[] }[] }
    ).tags;
    const viaHistory = tags.flatMap((t) => t.history).filter((h) => h.digest === DIGEST);
    expect(viaHistory.length).toBeGreaterThan(0);
    for (const h of viaHistory) expect(h.imageStreamImage.image['id']).toBe(east);
    expect((data['w'] as { image: Obj }).image['id']).toBe(
      encodeNodeId({ type: 'Image', cluster: 'west', digest: DIGEST }),
    );
  });
});

describe('node(id) and nodes(ids): Relay refetch', () => {
  it('refetches every type by its id, as the direct field answered it', async () => {
    const objects = await direct();
    for (const object of objects) {
      const { body } = await stack.gql(`query($id: ID!) { node(id: $id) { ${NODE_FIELDS} } }`, {
        id: object['id'],
      });
      expect(body.errors, String(object['__typename'])).toBeUndefined();
      const node = (body.data as { node: Obj }).node;
      expect(node).toEqual(
        Object.fromEntries(Object.keys(node).map((k) => [k, object[k] ?? node[k]])),
      );
      expect(node['__typename']).toBe(object['__typename']);
      expect(node['id']).toBe(object['id']);
      expect(node['name']).toBe(object['name']);
    }
  });

  it('loads many ids in order, each through the batched loaders, each failing alone', async () => {
    const objects = await direct();
    const ids = [...objects.map((o) => o['id'] as string), 'forged', objects[1]?.['id'] as string];
    stack.resetCounts();
    const { body } = await stack.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, {
      ids,
    });
    const nodes = (body.data as { nodes: (Obj | null)[] }).nodes;
    expect(nodes.map((n) => n?.['__typename'] ?? null)).toEqual([
      'Cluster',
      'ImageStream',
      'ImageStreamImage',
      'ImageStreamTag',
      'Image',
      null,
      'ImageStream',
    ]);
    expect(nodes.map((n) => n?.['id'] ?? null)).toEqual([...ids.slice(0, 5), null, ids[6]]);
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['nodes', 5],
        extensions: { code: 'BAD_USER_INPUT' },
        message: expect.stringMatching(
          /^Argument "ids\[5\]" must be a Node id this gateway issued/,
        ),
      }),
    ]);
    // The stream asked twice is read once (the loaders deduplicate within the request).
    expect(stack.loaderBatches('imageStream').reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('refuses more ids than --max-refs, and 10,000 ids, before any upstream call', async () => {
    for (const count of [501, 10_000]) {
      stack.resetCounts();
      const ids = Array.from({ length: count }, () =>
        encodeNodeId({ type: 'Cluster', cluster: 'east' }),
      );
      const { body } = await stack.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(stack.sims['east']?.count()).toBe(0);
    }
  });

  it('counts what node ids cost in the static cost model (an Image costs its location scan)', async () => {
    const image = encodeNodeId({ type: 'Image', cluster: 'east', digest: DIGEST });
    const platforms = Array.from(
      { length: 9 },
      (_, i) => `p${i}: platform(architecture: "amd64") { name }`,
    ).join(' ');
    stack.resetCounts();
    const { body } = await stack.gql(
      `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Image { ${platforms} } } }`,
      { ids: Array.from({ length: 500 }, () => image) },
    );
    expect(body.data ?? null).toBeNull();
    // 500 x (2 for the image + 9 platforms)
    expect(body.errors?.[0]?.message).toMatch(/^Query cost 5500 exceeds the limit of 5000\./);
    expect(stack.sims['east']?.count()).toBe(0);
  });

  it('answers forged, foreign and unknown-cluster ids with a clean error, never data', async () => {
    const cases: [string, string, string][] = [
      ['garbage', 'not base64', 'BAD_USER_INPUT'],
      [raw(['Secret', 'east', 'openshift', 'x']), 'a type that is not a Node', 'BAD_USER_INPUT'],
      [raw(['Cluster', 'east', 'demo-token-east']), 'an extra part', 'BAD_USER_INPUT'],
      [raw(['ImageStream', 'east', 'kube-system', '../../secrets']), 'a path', 'BAD_USER_INPUT'],
      [
        encodeNodeId({ type: 'Cluster', cluster: 'north' }),
        'a cluster not configured',
        'NOT_FOUND',
      ],
      [
        encodeNodeId({ type: 'ImageStream', cluster: 'prod-east', namespace: 'a', stream: 'b' }),
        'an id of another deployment',
        'NOT_FOUND',
      ],
      [
        encodeNodeId({
          type: 'ImageStream',
          cluster: 'east',
          namespace: 'openshift',
          stream: 'nope',
        }),
        'a stream that does not exist',
        'NOT_FOUND',
      ],
      [
        encodeNodeId({ type: 'Image', cluster: 'east', digest: `sha256:${'0'.repeat(64)}` }),
        'an image no stream holds',
        'NOT_FOUND',
      ],
    ];
    for (const [id, what, code] of cases) {
      const { status, body } = await stack.gql(`query($id: ID!) { node(id: $id) { id } }`, { id });
      expect(status, what).toBe(200);
      expect(body.data, what).toEqual({ node: null });
      expect(body.errors?.[0]?.extensions?.['code'], what).toBe(code);
      expect(body.errors?.[0]?.path, what).toEqual(['node']);
    }
    const { body } = await stack.gql(`{ node(id: "${'A'.repeat(5000)}") { id } }`);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message.length).toBeLessThan(400);
  });
});

describe('node(id) under --auth passthrough: an id is not a capability', () => {
  let guarded: Stack;
  beforeAll(async () => {
    guarded = await startStack({
      clusters: [
        {
          name: 'east',
          token: 'gateway-own-token',
          grants: {
            alice: { user: 'alice', namespaces: ['apps'] },
            bob: { user: 'bob', namespaces: ['openshift'] },
            admin: { user: 'admin', namespaces: '*' },
          },
        },
      ],
      auth: 'passthrough',
      logLevel: 'warn',
    });
  });
  afterAll(async () => {
    await guarded.close();
  });

  const as = (token: string | undefined, ids: string[]) =>
    guarded.gql(
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Image { name } } }`,
      { ids },
      token ? { authorization: `Bearer ${token}` } : {},
    );

  it("answers another caller's ids exactly as the direct fields would: FORBIDDEN, never the data", async () => {
    const ids = PYTHON_IDS;
    const bob = await as('bob', ids.slice(0, 3));
    expect(bob.body.errors).toBeUndefined();
    expect((bob.body.data as { nodes: Obj[] }).nodes.map((n) => n['id'])).toEqual(ids.slice(0, 3));

    const alice = await as('alice', ids);
    expect(alice.body.data).toEqual({ nodes: [null, null, null, null] });
    const errors = [...(alice.body.errors ?? [])].sort(
      (a, b) => Number(a.path?.[1]) - Number(b.path?.[1]),
    );
    expect(errors.map((e) => [e.path, e.extensions?.['code']])).toEqual([
      [['nodes', 0], 'FORBIDDEN'],
      [['nodes', 1], 'FORBIDDEN'],
      [['nodes', 2], 'FORBIDDEN'],
      [['nodes', 3], 'FORBIDDEN'],
    ]);
    expect(alice.text).not.toContain('__typename');

    // An Image by (cluster, digest) is found where the caller's own credentials see it tagged.
    const admin = await as('admin', [ids[3] as string]);
    expect(admin.body.errors).toBeUndefined();
    expect(admin.body.data).toEqual({ nodes: [{ __typename: 'Image', id: ids[3], name: DIGEST }] });

    const nobody = await as(undefined, [ids[0] as string]);
    expect(nobody.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(nobody.body.data).toEqual({ nodes: [null] });
  });
});

describe('Workload ids (issue 13 types are Nodes too)', () => {
  const WORKLOADS = `query($d: String!) {
    workloads(digest: $d, clusters: ["east"]) { __typename id kind name namespace runningDigest pods }
  }`;

  it('refetches every workload of a search by its id, as the search answered it', async () => {
    const frontend = historyOf(stack.sims['east']!, 'apps', 'frontend');
    for (const digest of frontend) {
      const { body } = await stack.gql(WORKLOADS, { d: digest });
      expect(body.errors).toBeUndefined();
      const found = (body.data as { workloads: Obj[] }).workloads;
      for (const workload of found) {
        const again = await stack.gql(
          `query($id: ID!) { node(id: $id) { __typename id ... on Workload { kind name namespace runningDigest pods } } }`,
          { id: workload['id'] },
        );
        expect(again.body.errors).toBeUndefined();
        expect((again.body.data as { node: Obj }).node).toEqual(workload);
      }
    }
  });

  it('answers a workload id whose pods no longer run the digest NOT_FOUND, and a forged one BAD_USER_INPUT', async () => {
    const other = 'sha256:' + 'e'.repeat(64);
    const gone = encodeNodeId({
      type: 'Workload',
      cluster: 'east',
      namespace: 'apps',
      kind: 'Deployment',
      name: 'frontend',
      digest: other,
    });
    const { body } = await stack.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: gone });
    expect(body.data).toEqual({ node: null });
    expect(body.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    for (const forged of [
      raw(['Workload', 'east', 'apps', 'deployment', 'frontend', other]),
      raw(['Workload', 'east', 'apps', 'Deployment', '../x', other]),
      raw(['Workload', 'east', 'apps', 'Deployment', 'frontend', 'sha256:abc']),
      raw(['Workload', 'east', 'apps', 'Deployment', 'frontend']),
    ]) {
      const res = await stack.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: forged });
      expect(res.body.errors?.[0]?.extensions?.['code'], forged).toBe('BAD_USER_INPUT');
    }
  });
});

describe("Apollo Client's InMemoryCache (default key fields __typename + id)", () => {
  it('normalises one image reached by two paths into one cache entry', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: stack.url, fetch }),
      cache: new InMemoryCache(),
    });
    await client.query({
      query: gql`
        query ByDigest($name: String!) {
          imageStreamImage(cluster: "east", namespace: "openshift", name: $name) {
            id
            image {
              id
              name
              totalLayerSize
            }
          }
        }
      `,
      variables: { name: `python@${DIGEST}` },
    });
    await client.query({
      query: gql`
        query ByTag {
          imageStreamTag(cluster: "east", namespace: "openshift", name: "python:3.8") {
            id
            image {
              id
              name
              manifestMediaType
            }
          }
        }
      `,
    });
    const cache = client.cache.extract() as Record<string, Obj>;
    const imageKey = `Image:${encodeNodeId({ type: 'Image', cluster: 'east', digest: DIGEST })}`;
    const imageEntries = Object.keys(cache).filter((k) => k.startsWith('Image:'));
    expect(imageEntries).toEqual([imageKey]);
    // One entry, holding the fields both queries asked for.
    expect(cache[imageKey]).toMatchObject({
      __typename: 'Image',
      name: DIGEST,
      totalLayerSize: 347478492,
      manifestMediaType: expect.any(String),
    });
    expect(Object.keys(cache).filter((k) => k.startsWith('ImageStreamImage:'))).toHaveLength(1);
    expect(Object.keys(cache).filter((k) => k.startsWith('ImageStreamTag:'))).toHaveLength(1);

    // A Relay-style refetch through node(id) lands on the same entry.
    const { data } = await client.query<{ node: { __typename: string; id: string } }>({
      query: gql`
        query Refetch($id: ID!) {
          node(id: $id) {
            id
            ... on Image {
              dockerImageReference
            }
          }
        }
      `,
      variables: { id: imageKey.slice('Image:'.length) },
    });
    expect(data.node.__typename).toBe('Image');
    const after = client.cache.extract() as Record<string, Obj>;
    expect(Object.keys(after).filter((k) => k.startsWith('Image:'))).toEqual([imageKey]);
    expect(after[imageKey]).toMatchObject({
      totalLayerSize: 347478492,
      dockerImageReference: expect.any(String),
    });
    client.stop();
  });
});
