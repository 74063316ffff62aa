import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/startStack.js';
import { SEED_NAMESPACES } from '../helpers/seedNamespaces.js';

/** Every namespace the demo seed has image streams in, sorted. */
const ALL = SEED_NAMESPACES;

const PAGE = `query($first: Int, $after: String, $search: String) {
  cluster(name: "east") {
    namespaces(first: $first, after: $after, search: $search) {
      totalCount
      edges { cursor node { name displayName phase created cluster { name } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

interface Page {
  totalCount: number;
  edges: { cursor: string; node: { name: string; displayName: string | null } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const pageOf = (data: unknown): Page =>
  (data as { cluster: { namespaces: Page } }).cluster.namespaces;

describe('Cluster.namespaces', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'warn' });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('pages through the projects by name with opaque cursors, never repeating or skipping one', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { body } = await stack.gql(PAGE, { first: 3, after });
      expect(body.errors).toBeUndefined();
      const page = pageOf(body.data);
      expect(page.totalCount).toBe(ALL.length);
      seen.push(...page.edges.map((e) => e.node.name));
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(ALL);
    expect(pages).toBe(Math.ceil(ALL.length / 3));
    const { body } = await stack.gql(PAGE, { first: 1 });
    expect(pageOf(body.data).edges[0]?.node).toEqual({
      name: 'apps',
      displayName: 'The apps project',
      phase: 'Active',
      created: '2024-03-01T00:00:00Z',
      cluster: { name: 'east' },
    });
  });

  it('continues after any edge cursor, and reads the projects once per request', async () => {
    const first = pageOf((await stack.gql(PAGE, { first: 5 })).body.data);
    stack.resetCounts();
    const { body } = await stack.gql(
      `query($a: String, $b: String) { cluster(name: "east") {
        a: namespaces(first: 2, after: $a) { edges { node { name } } }
        b: namespaces(first: 2, after: $b) { edges { node { name } } }
      } }`,
      { a: first.edges[1]?.cursor, b: first.edges[3]?.cursor },
    );
    const cluster = (body.data as { cluster: Record<string, Page> }).cluster;
    expect(cluster['a']?.edges.map((e) => e.node.name)).toEqual(ALL.slice(2, 4));
    expect(cluster['b']?.edges.map((e) => e.node.name)).toEqual(ALL.slice(4, 6));
    expect(stack.sims['east']?.count('projects')).toBe(1);
  });

  it('searches names and display names, case-insensitively', async () => {
    const names = async (search: string): Promise<string[]> =>
      pageOf((await stack.gql(PAGE, { search })).body.data).edges.map((e) => e.node.name);
    expect(await names('SHIFT')).toEqual(['openshift']);
    expect(await names('HELLO-')).toEqual(['hello-world']);
    // Every display name is "The <name> project".
    expect(await names('the ')).toEqual(ALL);
    expect(await names('nothing-like-this')).toEqual([]);
    const { body } = await stack.gql(PAGE, { search: 'é東🙂' });
    expect(pageOf(body.data)).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });

  const encode = (value: unknown): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    [
      'not a cursor',
      { after: 'garbage!' },
      'Argument "after" must be a cursor returned by namespaces',
    ],
    ['another object', { after: encode({ c: '', s: 1 }) }, 'Argument "after" must be a cursor'],
    ['a name that is no namespace', { after: encode({ n: '../x' }) }, 'Argument "after" must be'],
    ['a non-canonical spelling', { after: `${encode({ n: 'apps' })}=` }, 'Argument "after" must'],
    ['an oversized cursor', { after: encode({ n: 'a'.repeat(5000) }) }, 'Argument "after" must'],
    ['first 0', { first: 0 }, 'Argument "first" must be an integer from 1 to 500; got 0.'],
    ['first 501', { first: 501 }, 'Argument "first" must be an integer from 1 to 500; got 501.'],
    ['an empty search', { search: '' }, 'Argument "search" must be 1 to 253 characters'],
    ['a huge search', { search: 'x'.repeat(254) }, 'Argument "search" must be 1 to 253 characters'],
    ['a control character', { search: 'a\u0000b' }, 'Argument "search" must be 1 to 253'],
  ])('refuses %s before any upstream call', async (_what, variables, message) => {
    stack.resetCounts();
    const { body } = await stack.gql(PAGE, variables);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain(message);
    expect(body.errors?.[0]?.message.length).toBeLessThan(400);
    expect(stack.sims['east']?.count()).toBe(0);
  });
});

describe('Cluster.namespaces: each caller sees its own', () => {
  let stack: Stack;
  beforeAll(async () => {
    const grants = {
      alice: { user: 'alice', namespaces: ['apps', 'no-such-namespace'] },
      bob: { user: 'bob', namespaces: ['openshift', 'shared'] },
      admin: { user: 'admin', namespaces: '*' as const },
    };
    stack = await startStack({
      clusters: [
        { name: 'east', token: 'gateway-own-token', grants },
        // A plain Kubernetes API server: no project API, namespaces for cluster-wide readers.
        { name: 'kube', token: 'gateway-own-token', grants, projects: false },
      ],
      auth: 'passthrough',
      logLevel: 'warn',
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  const names = async (cluster: string, token: string) => {
    const { body } = await stack.gql(
      `{ cluster(name: "${cluster}") { namespaces { totalCount edges { node { name } } } } }`,
      undefined,
      { authorization: `Bearer ${token}` },
    );
    return body;
  };

  it('lists the projects each caller may see, through its own token', async () => {
    const alice = await names('east', 'alice');
    expect(alice.errors).toBeUndefined();
    expect(alice.data).toEqual({
      cluster: { namespaces: { totalCount: 1, edges: [{ node: { name: 'apps' } }] } },
    });
    const bob = await names('east', 'bob');
    expect(
      (bob.data as { cluster: { namespaces: Page } }).cluster.namespaces.edges.map(
        (e) => e.node.name,
      ),
    ).toEqual(['openshift', 'shared']);
    const admin = await names('east', 'admin');
    expect((admin.data as { cluster: { namespaces: Page } }).cluster.namespaces.totalCount).toBe(
      ALL.length,
    );
    const stranger = await names('east', 'not-a-known-token');
    expect(stranger.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('falls back to core namespaces where the project API is absent, as the API server decides', async () => {
    stack.resetCounts();
    const admin = await names('kube', 'admin');
    expect(admin.errors).toBeUndefined();
    expect(
      (admin.data as { cluster: { namespaces: Page } }).cluster.namespaces.edges.map(
        (e) => e.node.name,
      ),
    ).toEqual(ALL);
    expect(stack.sims['kube']?.count('projects')).toBe(1);
    expect(stack.sims['kube']?.count('namespaces')).toBe(1);
    // Listing core namespaces needs a cluster-wide grant: the API server's 403, never the list.
    const alice = await names('kube', 'alice');
    expect(alice.data).toEqual({ cluster: null });
    expect(alice.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', cluster: 'kube' });
  });
});
