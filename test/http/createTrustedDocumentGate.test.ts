import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentHash, readTrustedDocuments } from '../../src/http/readTrustedDocuments.js';
import { startStack, type Stack } from '../helpers/startStack.js';

/** The manifest codegen wrote for examples/*.graphql: what a frontend build ships. */
const documents = readTrustedDocuments(
  new URL('../../examples/generated/persisted-documents.json', import.meta.url).pathname,
);
const [listHash, listDocument] = [...documents].find(([, d]) =>
  d.startsWith('query ListMyNamespaces'),
) ?? ['', ''];
const UNLISTED = '{ clusters { name server } }';

interface Answer {
  status: number;
  body: {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

async function post(stack: Stack, body: unknown): Promise<Answer> {
  const res = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function get(
  stack: Stack,
  params: Record<string, string>,
  headers: Record<string, string> = { 'apollo-require-preflight': 'true' },
): Promise<Answer> {
  const res = await fetch(`${stack.url}?${new URLSearchParams(params).toString()}`, { headers });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const namespacesOf = (answer: Answer): number | undefined =>
  (answer.body.data as { clusters?: { namespaces: { totalCount: number } }[] } | undefined)
    ?.clusters?.[0]?.namespaces.totalCount;

describe('--trusted-documents', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ trustedDocuments: { documents, allowUntrusted: false } });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('runs a listed document by hash: documentId (with or without sha256:) or APQ', async () => {
    expect(listHash).toMatch(/^[0-9a-f]{64}$/);
    for (const body of [
      { documentId: `sha256:${listHash}`, variables: { first: 2 } },
      { documentId: listHash, variables: { first: 2 } },
      {
        extensions: { persistedQuery: { version: 1, sha256Hash: listHash } },
        variables: { first: 2 },
      },
      // The exact text of a listed document runs as well.
      { query: listDocument, variables: { first: 2 } },
      { documentId: `sha256:${listHash}`, query: listDocument, variables: { first: 2 } },
    ]) {
      const answer = await post(stack, body);
      expect(answer.body.errors, JSON.stringify(body).slice(0, 80)).toBeUndefined();
      expect(namespacesOf(answer)).toBe(11);
    }
  });

  it('runs a listed document by hash over GET, with Apollo CSRF prevention intact', async () => {
    const ok = await get(stack, {
      documentId: `sha256:${listHash}`,
      variables: JSON.stringify({ first: 1 }),
    });
    expect(ok.status).toBe(200);
    expect(namespacesOf(ok)).toBe(11);
    const apq = await get(stack, {
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: listHash } }),
    });
    expect(namespacesOf(apq)).toBe(11);
    // A GET without a preflight-forcing header is what a cross-site form can send: refused.
    const simple = await get(stack, { documentId: `sha256:${listHash}` }, {});
    expect(simple.status).toBe(400);
    expect(simple.body.data).toBeUndefined();
  });

  it('refuses an unlisted operation, by text or by hash, with a clear reason', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ query: UNLISTED }, 'TRUSTED_DOCUMENT_REQUIRED', /runs trusted documents only/],
      // The listed text with one more space is another document.
      [{ query: `${listDocument} ` }, 'TRUSTED_DOCUMENT_REQUIRED', /runs trusted documents/],
      [
        { documentId: `sha256:${documentHash(UNLISTED)}` },
        'PERSISTED_DOCUMENT_NOT_FOUND',
        /is not one of them/,
      ],
      [
        { documentId: `sha256:${listHash}`, query: UNLISTED },
        'PERSISTED_DOCUMENT_MISMATCH',
        /is not the trusted document/,
      ],
      [
        { extensions: { persistedQuery: { version: 1, sha256Hash: listHash } }, query: UNLISTED },
        'PERSISTED_DOCUMENT_MISMATCH',
        /is not the trusted document/,
      ],
    ];
    for (const [body, reason, message] of cases) {
      const answer = await post(stack, body);
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason });
      expect(answer.body.errors?.[0]?.message).toMatch(message);
    }
    const viaGet = await get(stack, { query: UNLISTED });
    expect(viaGet.body.errors?.[0]?.extensions?.['reason']).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });

  it('refuses hostile hashes and shapes without a crash, and echoes only a cut of a query', async () => {
    for (const documentId of [
      'sha1:' + 'a'.repeat(40),
      'a'.repeat(63),
      'A'.repeat(64),
      `sha256:${'a'.repeat(65)}`,
      `sha256:${listHash}\n`,
      'x'.repeat(100_000),
      42,
      { sha256: listHash },
      ['sha256', listHash],
    ]) {
      const answer = await post(stack, { documentId });
      expect(answer.status, JSON.stringify(documentId).slice(0, 40)).toBe(400);
      expect(answer.body.errors?.[0]?.extensions?.['reason']).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
      expect(answer.body.errors?.[0]?.message.length).toBeLessThan(300);
    }
    const huge = await post(stack, { query: `{ clusters { name } } # ${'x'.repeat(50_000)}` });
    expect(huge.body.errors?.[0]?.extensions?.['reason']).toBe('TRUSTED_DOCUMENT_REQUIRED');
    expect(huge.body.errors?.[0]?.message.length).toBeLessThan(400);
    // Not an operation at all: Apollo's own answer, as without trusted documents.
    for (const body of [{}, [], 'text', { extensions: 'x' }]) {
      const answer = await post(stack, body);
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
  });
});

describe('--trusted-documents with --allow-untrusted-documents (development mode)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ trustedDocuments: { documents, allowUntrusted: true } });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('runs ad hoc documents too (GraphiQL), logging each by hash, and still checks hashes', async () => {
    const answer = await post(stack, { query: UNLISTED });
    expect(answer.body.errors).toBeUndefined();
    expect(stack.logs.some((l) => l.includes(documentHash(UNLISTED)))).toBe(true);
    expect(stack.logs.join('\n')).not.toContain('server }');
    const unknown = await post(stack, { documentId: `sha256:${documentHash(UNLISTED)}` });
    expect(unknown.body.errors?.[0]?.extensions?.['reason']).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
    expect(namespacesOf(await post(stack, { documentId: listHash }))).toBe(11);
  });
});

describe('without --trusted-documents (the default)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'warn' });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('runs any document, and a documentId alone is not a query', async () => {
    expect((await post(stack, { query: UNLISTED })).body.errors).toBeUndefined();
    const byId = await post(stack, { documentId: `sha256:${listHash}` });
    expect(byId.status).toBe(400);
    expect(byId.body.data).toBeUndefined();
  });
});
