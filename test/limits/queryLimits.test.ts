import { Lexer, Source, TokenKind } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

let stack: Stack;
const LIMITS = {
  maxDepth: 4,
  maxAliases: 3,
  maxTokens: 60,
  maxDirectives: 2,
  maxCost: 20,
  maxNodes: 100_000,
  introspection: false,
};

beforeAll(async () => {
  stack = await startStack({
    clusters: [{ name: 'east' }, { name: 'west' }],
    queryLimits: LIMITS,
    limits: { maxRefs: 5, maxPageSize: 500 },
    maxBodyBytes: 4096,
  });
});
afterAll(async () => {
  await stack.close();
});

const calls = (): number => Object.values(stack.sims).reduce((n, s) => n + s.count(), 0);

/** Runs a query that must be refused: 400, BAD_USER_INPUT, a message naming the limit, no upstream call. */
async function refused(
  query: string,
  message: RegExp,
  variables?: Record<string, unknown>,
): Promise<void> {
  for (const sim of Object.values(stack.sims)) sim.resetCounts();
  const { status, body } = await stack.gql(query, variables);
  expect(status).toBe(400);
  expect(body.data).toBeUndefined();
  expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  expect(body.errors?.[0]?.message).toMatch(message);
  expect(calls()).toBe(0);
}

async function accepted(query: string, variables?: Record<string, unknown>): Promise<void> {
  const { status, body } = await stack.gql(query, variables);
  expect((body.errors ?? []).filter((e) => e.extensions?.['code'] === 'BAD_USER_INPUT')).toEqual(
    [],
  );
  expect(status).toBe(200);
}

function tokenCount(query: string): number {
  const lexer = new Lexer(new Source(query));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) n++;
  return n;
}

describe('query limits at their boundaries', () => {
  it('depth: 4 passes, 5 fails, also when hidden in fragments', async () => {
    await accepted(
      '{ imageStream(cluster: "east", namespace: "openshift", name: "python") { tags { history { digest } } } }',
    );
    await refused(
      '{ imageStream(cluster: "east", namespace: "openshift", name: "python") { tags { history { imageStreamImage { digest } } } } }',
      /^Query depth limit of 4 exceeded, found 5\.$/,
    );
    await refused(
      'query { imageStream(cluster: "east", namespace: "openshift", name: "python") { ...T } } fragment T on ImageStream { tags { ...H } } fragment H on StreamTag { history { imageStreamImage { digest } } }',
      /depth limit of 4 exceeded/,
    );
  });

  it('aliases: 3 pass, 4 fail', async () => {
    await accepted('{ a: clusters { name } b: clusters { name } c: clusters { name } }');
    await refused(
      '{ a: clusters { name } b: clusters { name } c: clusters { name } d: clusters { name } }',
      /^Aliases limit of 3 exceeded, found 4\.$/,
    );
    await refused(
      '{ a: clusters { name } ...F } fragment F on Query { b: clusters { name } c: clusters { name } d: clusters { name } }',
      /Aliases limit of 3 exceeded/,
    );
  });

  it('directives: 2 pass, 3 fail', async () => {
    await accepted('{ clusters { name @include(if: true) server @skip(if: false) } }');
    await refused(
      '{ clusters { name @include(if: true) server @skip(if: false) status @include(if: true) { reachable } } }',
      /Directives limit of 2 exceeded, found 3/,
    );
  });

  it('tokens: 60 pass, 61 fail', async () => {
    const base = '{ clusters { name } }';
    const padded = (n: number): string =>
      `{ clusters { name ${'server '.repeat(n - tokenCount(base))}} }`;
    expect(tokenCount(padded(60))).toBe(60);
    await accepted(padded(60));
    await refused(padded(61), /Token limit of 60 exceeded/);
  });

  it('cost: counts upstream calls, list sizes and every cluster of a fan-out', async () => {
    const digest = historyOf(stack.sims['east']!, 'apps', 'frontend')[0];
    const refs = Array.from({ length: 5 }, () => ({
      cluster: 'east',
      namespace: 'apps',
      name: `frontend@${digest}`,
    }));
    // 5 images + 5 streams, twice: 20 calls, at the limit.
    const twenty =
      'query($refs: [ImageStreamImageRef!]!) { a: imageStreamImages(refs: $refs) { stream { name } } b: imageStreamImages(refs: $refs) { stream { name } } }';
    await accepted(twenty, { refs });
    await refused(
      twenty.replace(/ }$/, ' cluster(name: "east") { status { reachable } } }'),
      /^Query cost 21 exceeds the limit of 20\./,
      { refs },
    );
    // Named like every other limit, so a client can tell it apart without reading the message.
    const { body } = await stack.gql(
      twenty.replace(/ }$/, ' cluster(name: "east") { status { reachable } } }'),
      { refs },
    );
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'MAX_COST' });
    // A listing is one call however many streams it returns.
    await accepted(
      '{ imageStreams(cluster: "east", namespace: "apps", first: 500) { edges { node { name } } } }',
    );
    // imageLocations scans clusters x namespaces (2 x 10 = 20); the locations found count 1,
    // each with its image: 21. The upstream budget bounds what only the data decides.
    const namespaces = Array.from({ length: 10 }, (_, i) => `ns${i}`);
    const locations = `query($ns: [String!]) { imageLocations(digest: "${digest}", namespaces: $ns) { imageStreamImage { digest } } }`;
    await refused(locations, /^Query cost 21 exceeds the limit of 20\. /, { ns: namespaces });
    await accepted(locations.replace('namespaces: $ns', 'clusters: ["east"], namespaces: $ns'), {
      ns: namespaces,
    });
  });

  it('cost: a response key selected again and a fragment spread again count once', async () => {
    const digest = historyOf(stack.sims['east']!, 'apps', 'frontend')[0];
    const refs = Array.from({ length: 5 }, () => ({
      cluster: 'east',
      namespace: 'apps',
      name: `frontend@${digest}`,
    }));
    // Each copy alone costs 10 (5 images + 5 streams); three copies merged are still 10.
    const copy = 'a: imageStreamImages(refs: $refs) { stream { name } }';
    await accepted(`query($refs: [ImageStreamImageRef!]!) { ${copy} ${copy} ${copy} }`, { refs });
    await accepted(
      'query($refs: [ImageStreamImageRef!]!) { ...A ...A ...A } fragment A on Query { imageStreamImages(refs: $refs) { stream { name } } }',
      { refs },
    );
  });

  it('variables: refused before execution, repeating at most 80 characters of them', async () => {
    for (const sim of Object.values(stack.sims)) sim.resetCounts();
    const huge = 'h'.repeat(3_500); // as much as the 4,096-byte body limit of this stack allows
    const res = await stack.gql(
      'query($first: Int) { imageStreams(cluster: "east", namespace: "apps", first: $first) { pageInfo { hasNextPage } } }',
      { first: huge },
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        {
          message: `Variable "$first" of type Int has a value it does not accept: Int cannot represent non-integer value: "${'h'.repeat(39)}…`,
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(res.text.length).toBeLessThan(300);
    expect(calls()).toBe(0);
    await refused(
      'query($v: Boolean = true) { clusters @include(if: $v) { name } }',
      /^Argument "if" of directive "@include" must not be null, and variable "\$v" is null\.$/,
      { v: null },
    );
  });

  it('refs: 5 pass, 6 fail', async () => {
    const digest = historyOf(stack.sims['east']!, 'apps', 'frontend')[0];
    const refs = (n: number): unknown[] =>
      Array.from({ length: n }, () => ({
        cluster: 'east',
        namespace: 'apps',
        name: `frontend@${digest}`,
      }));
    const q = 'query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name } }';
    await accepted(q, { refs: refs(5) });
    for (const sim of Object.values(stack.sims)) sim.resetCounts();
    const { body } = await stack.gql(q, { refs: refs(6) });
    expect(body.errors?.[0]?.message).toBe('Argument "refs" takes at most 5 items; got 6.');
    expect(calls()).toBe(0);
  });

  it('body size: 4096 bytes pass, 4097 fail with 413', async () => {
    const post = (size: number): Promise<Response> => {
      const head = '{"query":"{ clusters { name } }","extensions":{"pad":"';
      const tail = '"}}';
      const body = head + 'x'.repeat(size - head.length - tail.length) + tail;
      expect(Buffer.byteLength(body)).toBe(size);
      return fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    };
    expect((await post(4096)).status).toBe(200);
    const over = await post(4097);
    expect(over.status).toBe(413);
    expect(((await over.json()) as any).errors[0].message).toBe(
      'The request body is larger than 4096 bytes.',
    );
  });
});

describe('introspection off', () => {
  it('refuses __schema and __type, also under an operation named __schema and through fragments', async () => {
    await refused('{ __schema { queryType { name } } }', /introspection/i);
    await refused('query __schema { __schema { types { name } } }', /introspection/i);
    await refused(
      '{ ...F } fragment F on Query { __type(name: "Image") { name } }',
      /introspection/i,
    );
    await accepted('{ __typename clusters { __typename name } }');
  });

  it('hides field suggestions', async () => {
    const { body } = await stack.gql('{ clusterz { name } }');
    expect(body.errors?.[0]?.message).toMatch(/Cannot query field "clusterz"/);
    expect(body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});

describe('HTTP', () => {
  it('refuses batched requests', async () => {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { query: '{ clusters { name } }' },
        { query: '{ clusters { name } }' },
      ]),
    });
    expect(res.status).toBe(400);
  });

  it('blocks simple GET requests that could be cross-site (CSRF prevention)', async () => {
    const res = await fetch(`${stack.url}?query=${encodeURIComponent('{ clusters { name } }')}`);
    expect(res.status).toBe(400);
    const ok = await fetch(`${stack.url}?query=${encodeURIComponent('{ clusters { name } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(ok.status).toBe(200);
  });
});

describe('analysis work', () => {
  let wide: Stack;
  beforeAll(async () => {
    wide = await startStack({
      clusters: [{ name: 'east' }],
      logLevel: 'silent',
      queryLimits: {
        maxDepth: 12,
        maxAliases: 1000,
        maxTokens: 20_000,
        maxDirectives: 20,
        maxNodes: 10_000_000,
        maxCost: 1_000_000_000,
        introspection: true,
      },
    });
  });
  afterAll(async () => {
    await wide.close();
  });

  it('refuses an operation too complex to analyse: 400, BAD_USER_INPUT, no upstream call', async () => {
    // 200 aliased images, each merging a different set of fragment lines at every level below.
    const lines = 8;
    const levels = 10;
    const fragments: string[] = [];
    for (let l = 0; l < levels; l++) {
      for (let j = 0; j < lines; j++) {
        const platform = l + 1 < levels ? `platform(architecture: "x") { ...X${l + 1}_${j} }` : '';
        const manifests = l + 2 < levels ? `manifests { image { ...X${l + 2}_${j} } }` : '';
        fragments.push(
          `fragment X${l}_${j} on Image { ${'name '.repeat(20)} ${platform} ${manifests} }`,
        );
      }
    }
    const digest = 'sha256:' + 'a'.repeat(64);
    const roots = Array.from({ length: 200 }, (_, i) => {
      const subset = (i % (2 ** lines - 1)) + 1;
      const spreads = Array.from({ length: lines }, (_, j) =>
        (subset >> j) & 1 ? `...X0_${j}` : '',
      ).join(' ');
      return `r${i}: imageStreamImage(namespace: "n${i}", name: "f@${digest}") { image { ${spreads} } }`;
    });
    const query = `query Worst { ${roots.join(' ')} } ${fragments.join(' ')}`;
    wide.sims['east']!.resetCounts();
    const { status, body } = await wide.gql(query);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toMatchObject([
      {
        message:
          'The operation is too complex to analyse: it needs more than 100000 steps or merges fields in more than 10000 ways. Select each field once and merge fewer fragments into the same fields.',
        extensions: { code: 'BAD_USER_INPUT' },
      },
    ]);
    expect(wide.sims['east']!.count()).toBe(0);
    expect((await fetch(wide.url.replace('/graphql', '/healthz'))).status).toBe(200);
  });

  it('refuses fields merged pair by pair before validation compares them all', async () => {
    const digest = 'sha256:' + 'a'.repeat(64);
    const copies = 'manifests { digest } '.repeat(700);
    wide.sims['east']!.resetCounts();
    for (const query of [
      `{ imageStreamImage(namespace: "apps", name: "f@${digest}") { image { ${copies} } } }`,
      // Also in a fragment no operation uses: validation reads it all the same.
      `{ clusters { name } } fragment Unused on Image { ${copies} }`,
    ]) {
      const { status, body } = await wide.gql(query);
      expect(status).toBe(400);
      expect(body.errors?.[0]?.message).toMatch(/^The operation is too complex to analyse: /);
      expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
    expect(wide.sims['east']!.count()).toBe(0);
  });
});

describe('nodes: the values an answer is known to hold (--max-nodes)', () => {
  let small: Stack;
  beforeAll(async () => {
    small = await startStack({
      clusters: [{ name: 'east' }],
      logLevel: 'silent',
      queryLimits: {
        ...LIMITS,
        maxAliases: 100,
        maxTokens: 20_000,
        maxCost: 1_000_000,
        maxNodes: 15,
      },
      limits: { maxRefs: 500, maxPageSize: 500 },
    });
  });
  afterAll(async () => {
    await small.close();
  });

  /** n refs to one image of apps/frontend. */
  const refs = (n: number) => {
    const digest = historyOf(small.sims['east']!, 'apps', 'frontend')[0];
    return Array.from({ length: n }, () => ({ namespace: 'apps', name: `frontend@${digest}` }));
  };
  const query =
    'query($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name digest } }';

  it('counts every field of every object, times the list sizes the arguments give: 15 pass, 16 fail', async () => {
    // 5 refs x (the item + name + digest) = 15.
    const ok = await small.gql(query, { refs: refs(5) });
    expect(ok.body.errors).toBeUndefined();
    small.sims['east']!.resetCounts();
    // 4 refs x (the item + name + digest + namespace) = 16.
    const over = await small.gql(query.replace('name digest', 'name digest namespace'), {
      refs: refs(4),
    });
    expect(over.status).toBe(400);
    expect(over.body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'MAX_NODES',
    });
    expect(over.body.errors?.[0]?.message).toMatch(
      /^The answer would hold at least 16 values, more than the limit of 15 \(--max-nodes\)/,
    );
    expect(small.sims['east']!.count()).toBe(0);
  });

  it('judges the same query text again by its new variables (the analysis is remembered per variables)', async () => {
    const statuses: number[] = [];
    // 5 refs pass, 6 do not (18 values), whatever was asked before, in any order, repeatedly.
    for (const n of [5, 6, 5, 6, 6, 5])
      statuses.push((await small.gql(query, { refs: refs(n) })).status);
    expect(statuses).toEqual([200, 400, 200, 400, 400, 200]);
    // Padded with variables the operation does not declare, the verdict is the same.
    for (let n = 1; n <= 40; n++) {
      const { status } = await small.gql(query, {
        refs: refs(n % 7),
        [`pad${n}`]: 'x'.repeat(100),
      });
      expect(status).toBe(n % 7 <= 5 ? 200 : 400);
    }
  });

  it('refuses variables nested deeper than JSON.stringify recurses with a 400, not a 500', async () => {
    const depth = 50_000;
    const res = await fetch(small.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"query":${JSON.stringify(query)},"variables":{"refs":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('multiplies by aliases: ten aliases of the same refs cannot build ten answers (one call, 25 MB, before)', async () => {
    const digest = historyOf(small.sims['east']!, 'apps', 'frontend')[0];
    const aliases = Array.from(
      { length: 10 },
      (_, i) => `a${i}: imageStreamImages(refs: $r) { name }`,
    ).join(' ');
    const { status, body } = await small.gql(`query($r: [ImageStreamImageRef!]!) { ${aliases} }`, {
      r: [{ namespace: 'apps', name: `frontend@${digest}` }],
    });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/^The answer would hold at least 20 values/);
  });
});
