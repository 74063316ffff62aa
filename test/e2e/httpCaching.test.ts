import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenGrant } from '../../src/simulator/createSimulator.js';
import { encodeNodeId } from '../../src/resolvers/nodeId.js';
import { documentHash } from '../../src/http/readTrustedDocuments.js';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** A GraphQL GET as Apollo Client sends it (with the CSRF preflight header unless told not to). */
async function get(
  url: string,
  query: string,
  options: {
    variables?: unknown;
    headers?: Record<string, string>;
    search?: Record<string, string>;
    preflight?: boolean;
  } = {},
): Promise<Answer> {
  const target = new URL(url);
  target.searchParams.set('query', query);
  if (options.variables !== undefined)
    target.searchParams.set('variables', JSON.stringify(options.variables));
  for (const [k, v] of Object.entries(options.search ?? {})) target.searchParams.set(k, v);
  const res = await fetch(target, {
    headers: {
      accept: 'application/graphql-response+json',
      ...(options.preflight === false ? {} : { 'apollo-require-preflight': 'true' }),
      ...options.headers,
    },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function expectCacheable(answer: Answer, maxAge = 60): string {
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.text)).not.toHaveProperty('errors');
  expect(answer.headers.get('cache-control')).toBe(`private, max-age=${maxAge}`);
  const etag = answer.headers.get('etag') ?? '';
  expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
  const vary = (answer.headers.get('vary') ?? '').toLowerCase();
  for (const name of ['accept', 'authorization', 'x-cluster-authorization-east'])
    expect(vary).toContain(name);
  return etag;
}

function expectNoCachingHeaders(answer: Answer): void {
  expect(answer.status).toBe(200);
  expect(answer.headers.get('cache-control')).toBeNull();
  expect(answer.headers.get('etag')).toBeNull();
}

function expectNoStore(answer: Answer): void {
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.headers.get('etag')).toBeNull();
}

describe('HTTP caching of immutable answers (GET)', () => {
  let stack: Stack;
  let digest: string;
  let other: string;
  let query: string;
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'warn' });
    [digest, other] = historyOf(stack.sims['east']!, 'bench', 'stream-000') as [string, string];
    query = `{ imageStreamImage(cluster: "east", namespace: "bench", name: "stream-000@${digest}") { __typename id name digest image { id name manifestMediaType totalLayerSize layers { name size mediaType } dockerImageMetadata { id size config { env { name value } labels { key value } cmd } } } } }`;
  });
  afterAll(async () => {
    await stack.close();
  });

  it('gives a digest-addressed image Cache-Control private with a max-age, a strong ETag and Vary', async () => {
    const answer = await get(stack.url, query);
    expectCacheable(answer);
    expect(answer.headers.get('vary')).not.toBe('*');
  });

  it('answers If-None-Match with that ETag (strong, weak, in a list, or *) with a bodiless 304', async () => {
    const first = await get(stack.url, query);
    const etag = expectCacheable(first);
    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const again = await get(stack.url, query, { headers: { 'if-none-match': header } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe('private, max-age=60');
    }
  });

  it('executes every conditional request: a changed body gets a new ETag and the full answer', async () => {
    const first = await get(stack.url, query);
    const etag = expectCacheable(first);
    const image = stack.sims['east']!.data.images.get(digest)!;
    const saved = image.dockerImageLayers;
    image.dockerImageLayers = [
      ...(saved ?? []),
      { name: `sha256:${'e'.repeat(64)}`, size: 1, mediaType: 'x' },
    ];
    try {
      const again = await get(stack.url, query, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(200);
      expect(expectCacheable(again)).not.toBe(etag);
      expect(again.text).toContain('e'.repeat(64));
    } finally {
      image.dockerImageLayers = saved;
    }
  });

  it("never answers 304 for another answer's ETag", async () => {
    const otherQuery = query.replace(digest, other);
    const etag = expectCacheable(await get(stack.url, otherQuery));
    const answer = await get(stack.url, query, { headers: { 'if-none-match': etag } });
    expect(answer.status).toBe(200);
    expectCacheable(answer);
  });

  it('caches imageStreamImages, fragments, inline fragments, aliases and directives over immutable fields', async () => {
    const q = `query($refs: [ImageStreamImageRef!]!, $on: Boolean!) { a: imageStreamImages(refs: $refs) { ...Isi } b: imageStreamImages(refs: $refs) @include(if: $on) { image { ... on Image { layers { size } } ... { name } } } }
      fragment Isi on ImageStreamImage { name image { ...Content } }
      fragment Content on Image { isManifestList manifests { digest } platform(architecture: "amd64") { name } }`;
    const refs = [{ cluster: 'east', namespace: 'bench', name: `stream-000@${digest}` }];
    expectCacheable(await get(stack.url, q, { variables: { refs, on: false } }));
  });

  it('caches node and nodes only when every id names an Image or an ImageStreamImage', async () => {
    const imageId = encodeNodeId({ type: 'Image', cluster: 'east', digest });
    const isiId = encodeNodeId({
      type: 'ImageStreamImage',
      cluster: 'east',
      namespace: 'bench',
      stream: 'stream-000',
      digest,
    });
    const streamId = encodeNodeId({
      type: 'ImageStream',
      cluster: 'east',
      namespace: 'bench',
      stream: 'stream-000',
    });
    const one = `query($id: ID!) { node(id: $id) { id ... on Image { layers { name } } } }`;
    expectCacheable(await get(stack.url, one, { variables: { id: imageId } }));
    const many = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on ImageStreamImage { digest } } }`;
    expectCacheable(await get(stack.url, many, { variables: { ids: [imageId, isiId] } }));
    expectNoCachingHeaders(await get(stack.url, one, { variables: { id: streamId } }));
    expectNoCachingHeaders(await get(stack.url, many, { variables: { ids: [imageId, streamId] } }));
    expectNoCachingHeaders(
      await get(
        stack.url,
        `{ node(id: "${encodeNodeId({ type: 'Cluster', cluster: 'east' })}") { id } }`,
      ),
    );
  });

  it('gives no caching headers to an answer with any mutable field, however it is smuggled in', async () => {
    const isi = `imageStreamImage(cluster: "east", namespace: "bench", name: "stream-000@${digest}")`;
    const mutable = [
      `{ ${isi} { image { signatures { name } } } }`,
      `{ ${isi} { image { annotations { key } } } }`,
      `{ ${isi} { image { created } } }`,
      `{ ${isi} { stream { tags { name } } } }`,
      `{ ${isi} { annotations { key } } }`,
      `{ ${isi} { cluster { name } } }`,
      `{ ${isi} { name } imageStream(cluster: "east", namespace: "bench", name: "stream-000") { name } }`,
      `{ ${isi} { name } imageLocations(digest: "${digest}") { namespace } }`,
      `{ ${isi} { name } clusters { status { reachable } } }`,
      `{ ${isi} { name } imageStreamTag(cluster: "east", namespace: "bench", name: "stream-000:latest") { name } }`,
      // A fragment spread, an alias, a nested fragment, a skipped field: still selected.
      `{ ${isi} { image { ...F } } } fragment F on Image { name sigs: signatures { name } }`,
      `{ ${isi} { image { name: signatures { name } } } }`,
      `{ ${isi} { image { ...A } } } fragment A on Image { ...B } fragment B on Image { ... on Image { signatures { type } } }`,
      `{ ${isi} { image { signatures @skip(if: true) { name } } } }`,
      `{ ...Q } fragment Q on Query { clusters { name } }`,
      `{ ${isi} { image { manifests { image { signatures { name } } } } } }`,
    ];
    for (const q of mutable) {
      const answer = await get(stack.url, q);
      expect(JSON.parse(answer.text), q).not.toHaveProperty('errors');
      expectNoCachingHeaders(answer);
    }
  });

  it('does not cache introspection', async () => {
    expectNoCachingHeaders(await get(stack.url, '{ __schema { queryType { name } } }'));
    expectNoCachingHeaders(await get(stack.url, '{ __type(name: "Image") { name } }'));
  });

  it('caches nothing sent by POST, and ignores If-None-Match there', async () => {
    const first = await get(stack.url, query);
    const etag = expectCacheable(first);
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'if-none-match': etag },
      body: JSON.stringify({ query }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBeNull();
    expect(res.headers.get('etag')).toBeNull();
    expect(await res.text()).toBe(first.text);
  });

  it('answers an unknown digest (NOT_FOUND) with no-store and never a 304', async () => {
    const q = query.replace(digest, `sha256:${'0'.repeat(64)}`);
    const answer = await get(stack.url, q, { headers: { 'if-none-match': '*' } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('NOT_FOUND');
    expectNoStore(answer);
  });

  it('keeps CSRF prevention: a GET without a preflight-forcing header is refused, no-store', async () => {
    const answer = await get(stack.url, query, { preflight: false });
    expect(answer.status).toBe(400);
    expect(answer.text).not.toContain('"data"');
    expectNoStore(answer);
  });

  it('refuses GET mutations and subscriptions as before', async () => {
    for (const q of ['mutation { x }', 'subscription { x }']) {
      const answer = await get(stack.url, q);
      expect(answer.status).not.toBe(200);
      expectNoStore(answer);
    }
  });

  it('shrugs off hostile If-None-Match headers: huge, many values, garbage', async () => {
    const etag = expectCacheable(await get(stack.url, query));
    const hostile = [
      `${'x'.repeat(8000)}, ${etag}`, // past the length read: the full answer
      `${Array.from({ length: 200 }, (_, i) => `"${i}"`).join(', ')}, ${etag}`, // past 64 entries
      'W/',
      '"',
      ',,,,',
      'W/W/' + etag,
      etag.slice(1),
      etag.toLowerCase() === etag ? `${etag} ` + 'x' : etag.toLowerCase(),
      '\t*x',
    ];
    for (const header of hostile) {
      const answer = await get(stack.url, query, { headers: { 'if-none-match': header } });
      expect(answer.status, header.slice(0, 40)).toBe(200);
      expectCacheable(answer);
    }
    // Still a match with whitespace and weak prefixes around it, within the limits.
    const answer = await get(stack.url, query, { headers: { 'if-none-match': ` W/${etag} ,"a"` } });
    expect(answer.status).toBe(304);
  });

  it('refuses malformed variables and extensions in a GET query string with no-store', async () => {
    const cases: Record<string, string>[] = [
      { variables: '{' },
      { variables: '[1]' },
      { variables: '"x"' },
      { extensions: '{' },
      { operationName: '{}' },
    ];
    for (const search of cases) {
      const answer = await get(stack.url, query, { search });
      expect(answer.status, JSON.stringify(search)).toBe(400);
      expectNoStore(answer);
    }
    // Apollo answers an APQ request 200 with PersistedQueryNotSupported and its own
    // `private, no-cache, must-revalidate`: an error, so no-store here.
    const apq = await get(stack.url, query, {
      search: { extensions: '{"persistedQuery": {"version": 1, "sha256Hash": "00"}}' },
      headers: { 'if-none-match': '*' },
    });
    expect(apq.text).toContain('PERSISTED_QUERY_NOT_SUPPORTED');
    expectNoStore(apq);
    // A variable named __proto__ is only an unused variable: answered, and nothing polluted.
    const proto = await get(stack.url, query, {
      search: { variables: '{"__proto__": {"polluted": 1}}' },
    });
    expect(proto.status).toBe(200);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('HTTP caching and authorization (--auth passthrough)', () => {
  let stack: Stack;
  let digest: string;
  let query: string;
  const grants: Record<string, TokenGrant> = {
    alice: { user: 'alice', namespaces: ['bench'] },
    bob: { user: 'bob', namespaces: ['apps'] },
  };
  beforeAll(async () => {
    stack = await startStack({
      clusters: [{ name: 'east', token: 'gateway-own-token', grants }],
      auth: 'passthrough',
      logLevel: 'warn',
    });
    digest = historyOf(stack.sims['east']!, 'bench', 'stream-000')[0]!;
    query = `{ imageStreamImage(namespace: "bench", name: "stream-000@${digest}") { name image { name layers { size } } } }`;
  });
  afterAll(async () => {
    await stack.close();
  });

  it('answers a caller who may not read the image FORBIDDEN with no-store, even with a matching ETag', async () => {
    const etag = expectCacheable(
      await get(stack.url, query, { headers: { authorization: 'Bearer alice' } }),
    );
    const bob = await get(stack.url, query, {
      headers: { authorization: 'Bearer bob', 'if-none-match': etag },
    });
    expect(bob.status).toBe(200);
    expect(JSON.parse(bob.text).errors[0].extensions.code).toBe('FORBIDDEN');
    expectNoStore(bob);
  });

  it('sends FORBIDDEN, never a 304, to a caller whose access was removed upstream since', async () => {
    const etag = expectCacheable(
      await get(stack.url, query, { headers: { authorization: 'Bearer alice' } }),
    );
    const revalidated = await get(stack.url, query, {
      headers: { authorization: 'Bearer alice', 'if-none-match': etag },
    });
    expect(revalidated.status).toBe(304);
    const granted = grants['alice']!;
    grants['alice'] = { user: 'alice', namespaces: [] };
    try {
      const answer = await get(stack.url, query, {
        headers: { authorization: 'Bearer alice', 'if-none-match': etag },
      });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('FORBIDDEN');
      expectNoStore(answer);
    } finally {
      grants['alice'] = granted;
    }
  });
});

describe('--http-cache-max-age-s', () => {
  it('sets the max-age, and 0 turns the caching headers off', async () => {
    for (const maxAge of [5, 0]) {
      const stack = await startStack({
        clusters: [{ name: 'east' }],
        http: { httpCacheMaxAgeS: maxAge },
        logLevel: 'warn',
      });
      try {
        const digest = historyOf(stack.sims['east']!, 'bench', 'stream-000')[0]!;
        const q = `{ imageStreamImage(namespace: "bench", name: "stream-000@${digest}") { name } }`;
        const answer = await get(stack.url, q);
        const conditional = await get(stack.url, q, { headers: { 'if-none-match': '*' } });
        if (maxAge > 0) {
          expectCacheable(answer, maxAge);
          expect(conditional.status).toBe(304);
        } else {
          expectNoCachingHeaders(answer);
          expectNoCachingHeaders(conditional);
          expect(conditional.text).toBe(answer.text);
        }
      } finally {
        await stack.close();
      }
    }
  });
});

describe('HTTP caching behind the other gates', () => {
  it("keeps CORS's Vary: Origin next to its own", async () => {
    const origin = 'https://console.example.com';
    const stack = await startStack({
      clusters: [{ name: 'east' }],
      corsOrigins: [origin],
      logLevel: 'warn',
    });
    try {
      const digest = historyOf(stack.sims['east']!, 'bench', 'stream-000')[0]!;
      const q = `{ imageStreamImage(namespace: "bench", name: "stream-000@${digest}") { name } }`;
      const answer = await get(stack.url, q, { headers: { origin } });
      expectCacheable(answer);
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      expect(
        answer.headers
          .get('vary')
          ?.toLowerCase()
          .split(/\s*,\s*/),
      ).toEqual(['origin', 'accept', 'authorization', 'x-cluster-authorization-east']);
    } finally {
      await stack.close();
    }
  });

  it('runs a trusted document by hash over GET with caching headers, and refuses an unlisted one with no-store', async () => {
    const east = await startStack({ clusters: [{ name: 'east' }], logLevel: 'warn' });
    const digest = historyOf(east.sims['east']!, 'bench', 'stream-000')[0]!;
    await east.close();
    const listed = `query Image($name: String!) { imageStreamImage(namespace: "bench", name: $name) { digest image { layers { size } } } }`;
    const stack = await startStack({
      clusters: [{ name: 'east' }],
      trustedDocuments: {
        documents: new Map([[documentHash(listed), listed]]),
        allowUntrusted: false,
      },
      logLevel: 'warn',
    });
    try {
      const byHash = async (headers: Record<string, string> = {}): Promise<Answer> => {
        const target = new URL(stack.url);
        target.searchParams.set('documentId', `sha256:${documentHash(listed)}`);
        target.searchParams.set('variables', JSON.stringify({ name: `stream-000@${digest}` }));
        const res = await fetch(target, {
          headers: { 'apollo-require-preflight': 'true', ...headers },
        });
        return { status: res.status, headers: res.headers, text: await res.text() };
      };
      const etag = expectCacheable(await byHash());
      expect((await byHash({ 'if-none-match': etag })).status).toBe(304);
      const unlisted = await get(
        stack.url,
        `{ imageStreamImage(namespace: "bench", name: "stream-000@${digest}") { digest } }`,
        { headers: { 'if-none-match': '*' } },
      );
      expect(unlisted.status).toBe(400);
      expect(unlisted.text).toContain('TRUSTED_DOCUMENT_REQUIRED');
      expectNoStore(unlisted);
    } finally {
      await stack.close();
    }
  });

  it('replaces an answer larger than --max-response-bytes with an error, no-store, never a 304', async () => {
    const stack = await startStack({
      clusters: [{ name: 'east', seedOptions: { benchLabelBytes: 80_000 } }],
      http: { maxResponseBytes: 64 * 1024 },
      logLevel: 'warn',
    });
    try {
      const digest = historyOf(stack.sims['east']!, 'bench', 'stream-000')[0]!;
      const q = `{ imageStreamImage(namespace: "bench", name: "stream-000@${digest}") { image { dockerImageMetadata { config { labels { key value } } } } } }`;
      const answer = await get(stack.url, q, { headers: { 'if-none-match': '*' } });
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('RESPONSE_TOO_LARGE');
      expectNoStore(answer);
    } finally {
      await stack.close();
    }
  });
});
