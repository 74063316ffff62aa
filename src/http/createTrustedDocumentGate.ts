import { cutForMessage } from '../cutForMessage.js';
import { isRecord } from '../isRecord.js';
import type { Logger } from '../logger.js';
import { documentHash } from './readTrustedDocuments.js';

/** A GraphQL request as it arrived: the parsed POST body, or the raw GET query string. */
export interface GatedRequest {
  readonly method: string;
  readonly body: unknown;
  /** `?…` or ''. */
  readonly search: string;
  readonly requestId: string;
}

export type GateOutcome =
  | { readonly ok: true; readonly body: unknown; readonly search: string }
  | { readonly ok: false; readonly message: string; readonly reason: string };

export interface TrustedDocumentGateOptions {
  /** sha256 hex → document text (readTrustedDocuments). */
  readonly documents: ReadonlyMap<string, string>;
  /** Development mode: documents outside the manifest run too, each logged (GraphiQL). */
  readonly allowUntrusted: boolean;
  readonly logger: Logger;
}

const HASH = /^(?:sha256:)?([0-9a-f]{64})$/;

/** The hash a request names: `documentId` (GraphQL over HTTP persisted documents) or APQ's. */
function hashNamed(
  documentId: unknown,
  extensions: unknown,
): { readonly hash?: string; readonly invalid?: true } | undefined {
  const apq =
    isRecord(extensions) && isRecord(extensions['persistedQuery'])
      ? extensions['persistedQuery']['sha256Hash']
      : undefined;
  const named = documentId ?? apq;
  if (named === undefined || named === null) return undefined;
  const match = typeof named === 'string' ? HASH.exec(named) : null;
  return match?.[1] ? { hash: match[1] } : { invalid: true };
}

/**
 * Trusted documents (`--trusted-documents`): only the operations of the manifest run. A request
 * names one by hash (`documentId: "sha256:<hex>"`, or Apollo's
 * `extensions.persistedQuery.sha256Hash`) and the gate puts the manifest's text in its place; a
 * request that sends a query runs only when that exact text is in the manifest (so GraphiQL's
 * example tabs still run). Anything else is refused with BAD_USER_INPUT and a reason:
 * TRUSTED_DOCUMENT_REQUIRED, PERSISTED_DOCUMENT_NOT_FOUND, or PERSISTED_DOCUMENT_MISMATCH
 * (a hash sent with another text: a client must not make a listed hash run its own query).
 * GET and POST alike; Apollo's CSRF rules are untouched (they apply after the gate).
 */
export function createTrustedDocumentGate(
  options: TrustedDocumentGateOptions,
): (request: GatedRequest) => GateOutcome {
  const { documents } = options;
  const check = (
    query: unknown,
    documentId: unknown,
    extensions: unknown,
    requestId: string,
  ): { ok: true; document?: string } | { ok: false; message: string; reason: string } => {
    const named = hashNamed(documentId, extensions);
    if (named?.invalid)
      return {
        ok: false,
        message:
          'A trusted document is named by "documentId": "sha256:<64 lowercase hex>" (or extensions.persistedQuery.sha256Hash).',
        reason: 'PERSISTED_DOCUMENT_NOT_FOUND',
      };
    if (named?.hash !== undefined) {
      const document = documents.get(named.hash);
      if (document === undefined)
        return {
          ok: false,
          message: `This gateway runs trusted documents only, and sha256:${named.hash} is not one of them (--trusted-documents).`,
          reason: 'PERSISTED_DOCUMENT_NOT_FOUND',
        };
      if (query !== undefined && query !== null && query !== document)
        return {
          ok: false,
          message: `The query sent is not the trusted document sha256:${named.hash}: send the hash alone.`,
          reason: 'PERSISTED_DOCUMENT_MISMATCH',
        };
      return { ok: true, document };
    }
    if (typeof query !== 'string') return { ok: true };
    if (documents.has(documentHash(query))) return { ok: true };
    if (options.allowUntrusted) {
      options.logger.warn(
        { requestId, documentHash: documentHash(query) },
        'untrusted document run (--allow-untrusted-documents)',
      );
      return { ok: true };
    }
    return {
      ok: false,
      message: `This gateway runs trusted documents only (--trusted-documents): send "documentId": "sha256:<hash>" of a document of its manifest; the query sent (${JSON.stringify(cutForMessage(query))}) is not one.`,
      reason: 'TRUSTED_DOCUMENT_REQUIRED',
    };
  };

  return (request) => {
    if (request.method === 'POST') {
      const body = request.body;
      if (!isRecord(body) || Array.isArray(body)) return { ok: true, body, search: request.search };
      const result = check(
        body['query'],
        body['documentId'],
        body['extensions'],
        request.requestId,
      );
      if (!result.ok) return result;
      if (result.document === undefined) return { ok: true, body, search: request.search };
      const { documentId: _id, extensions, ...rest } = body;
      const kept = isRecord(extensions)
        ? Object.fromEntries(Object.entries(extensions).filter(([k]) => k !== 'persistedQuery'))
        : undefined;
      return {
        ok: true,
        body: { ...rest, query: result.document, ...(kept ? { extensions: kept } : {}) },
        search: request.search,
      };
    }
    const params = new URLSearchParams(
      request.search.startsWith('?') ? request.search.slice(1) : '',
    );
    let extensions: unknown;
    const rawExtensions = params.get('extensions');
    if (rawExtensions !== null) {
      try {
        extensions = JSON.parse(rawExtensions);
      } catch {
        extensions = undefined;
      }
    }
    const result = check(
      params.get('query') ?? undefined,
      params.get('documentId') ?? undefined,
      extensions,
      request.requestId,
    );
    if (!result.ok) return result;
    if (result.document === undefined)
      return { ok: true, body: request.body, search: request.search };
    params.set('query', result.document);
    params.delete('documentId');
    if (isRecord(extensions)) {
      const kept = Object.fromEntries(
        Object.entries(extensions).filter(([k]) => k !== 'persistedQuery'),
      );
      if (Object.keys(kept).length > 0) params.set('extensions', JSON.stringify(kept));
      else params.delete('extensions');
    }
    return { ok: true, body: request.body, search: `?${params.toString()}` };
  };
}
