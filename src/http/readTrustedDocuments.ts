import { createHash } from 'node:crypto';
import { parse } from 'graphql';
import { ConfigError } from '../config/ConfigError.js';
import { readSmallFile, SmallFileError } from '../config/readSmallFile.js';
import { cutForMessage } from '../cutForMessage.js';
import { isRecord } from '../isRecord.js';

/** A manifest is a build artefact of a few hundred operations; more is a mistake. */
export const MAX_TRUSTED_DOCUMENTS_BYTES = 16 * 1024 * 1024;
export const MAX_TRUSTED_DOCUMENTS = 10_000;
const HASH = /^[0-9a-f]{64}$/;

/** The sha256 (hex) of a document's text, as the codegen client preset hashes it. */
export const documentHash = (document: string): string =>
  createHash('sha256').update(document, 'utf8').digest('hex');

/**
 * The manifest of `--trusted-documents`: the persisted-documents JSON that graphql-codegen's
 * client preset writes (`presetConfig.persistedDocuments`), an object of sha256 hex hash →
 * document text. Read like every file of the configuration (a regular file, bounded), and
 * checked whole at start-up: each key is 64 lowercase hex digits and the sha256 of its document
 * (a manifest edited by hand cannot make a hash run another document), each document parses.
 * Errors name the flag, the file and the entry; the process does not start.
 */
export function readTrustedDocuments(path: string): ReadonlyMap<string, string> {
  const fail = (why: string): never => {
    throw new ConfigError(`--trusted-documents: "${path}" ${why}`);
  };
  let bytes: Buffer;
  try {
    bytes = readSmallFile(path, MAX_TRUSTED_DOCUMENTS_BYTES);
  } catch (err) {
    throw new ConfigError(
      `--trusted-documents: ${err instanceof SmallFileError ? err.message : `cannot read "${path}"`}`,
    );
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return fail(
      'is not a JSON persisted-documents manifest (UTF-8 JSON: { "<sha256 hex>": "<document>" })',
    );
  }
  if (!isRecord(manifest) || Array.isArray(manifest))
    return fail('must hold a JSON object of sha256 hex hash → document');
  const entries = Object.entries(manifest);
  if (entries.length === 0) return fail('lists no documents: every operation would be refused');
  if (entries.length > MAX_TRUSTED_DOCUMENTS)
    return fail(`lists ${entries.length} documents; at most ${MAX_TRUSTED_DOCUMENTS} are taken`);
  const documents = new Map<string, string>();
  for (const [hash, document] of entries) {
    const key = JSON.stringify(cutForMessage(hash));
    if (!HASH.test(hash))
      fail(`has the key ${key}: keys are sha256 hashes, 64 lowercase hex digits`);
    if (typeof document !== 'string')
      return fail(`maps ${key} to something that is not a document`);
    if (documentHash(document) !== hash)
      fail(
        `maps ${key} to a document whose sha256 is ${documentHash(document)}: regenerate the manifest`,
      );
    try {
      parse(document);
    } catch (err) {
      fail(
        `maps ${key} to a document that does not parse (${err instanceof Error ? cutForMessage(err.message) : 'syntax error'})`,
      );
    }
    documents.set(hash, document);
  }
  return documents;
}
