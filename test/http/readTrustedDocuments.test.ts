import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/ConfigError.js';
import {
  documentHash,
  MAX_TRUSTED_DOCUMENTS,
  readTrustedDocuments,
} from '../../src/http/readTrustedDocuments.js';

const dir = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `manifest-${++n}.json`);
  writeFileSync(path, content);
  return path;
}

const DOC = 'query Clusters { clusters { name } }';
const manifest = (entries: Record<string, unknown>): string => file(JSON.stringify(entries));

function refusal(path: string): string {
  try {
    readTrustedDocuments(path);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('readTrustedDocuments', () => {
  it('reads the manifest the codegen client preset writes (examples/generated)', () => {
    const documents = readTrustedDocuments(
      new URL('../../examples/generated/persisted-documents.json', import.meta.url).pathname,
    );
    expect(documents.size).toBe(9);
    for (const [hash, document] of documents) expect(documentHash(document)).toBe(hash);
    expect([...documents.values()].some((d) => d.startsWith('query ListMyNamespaces'))).toBe(true);
  });

  it('reads hash → document', () => {
    const documents = readTrustedDocuments(manifest({ [documentHash(DOC)]: DOC }));
    expect([...documents]).toEqual([[documentHash(DOC), DOC]]);
  });

  it('refuses a manifest that is not one, naming the flag, the file and the entry', () => {
    const cases: [string, string, RegExp][] = [
      ['not JSON', file('{ nope'), /is not a JSON persisted-documents manifest/],
      ['not UTF-8', file(Buffer.from([0x7b, 0xff, 0x7d])), /is not a JSON persisted-documents/],
      ['a list', file(JSON.stringify([DOC])), /must hold a JSON object/],
      ['a string', file(JSON.stringify(DOC)), /must hold a JSON object/],
      ['empty', manifest({}), /lists no documents/],
      [
        'a sha1 key',
        manifest({ ['a'.repeat(40)]: DOC }),
        /keys are sha256 hashes, 64 lowercase hex/,
      ],
      [
        'an uppercase key',
        manifest({ [documentHash(DOC).toUpperCase()]: DOC }),
        /keys are sha256 hashes/,
      ],
      ['a prefixed key', manifest({ [`sha256:${documentHash(DOC)}`]: DOC }), /keys are sha256/],
      ['a number', manifest({ [documentHash(DOC)]: 42 }), /to something that is not a document/],
      [
        'a hash of another document',
        manifest({ [documentHash(DOC)]: '{ clusters { name server } }' }),
        /to a document whose sha256 is [0-9a-f]{64}: regenerate the manifest/,
      ],
      [
        'a document that does not parse',
        manifest({ [documentHash('{ clusters {')]: '{ clusters {' }),
        /to a document that does not parse \(Syntax Error/,
      ],
    ];
    for (const [what, path, message] of cases) {
      const text = refusal(path);
      expect(text, what).toMatch(/^--trusted-documents: "/);
      expect(text, what).toContain(path);
      expect(text, what).toMatch(message);
    }
  });

  it(`takes at most ${MAX_TRUSTED_DOCUMENTS} documents`, () => {
    const entries: Record<string, string> = {};
    for (let i = 0; i <= MAX_TRUSTED_DOCUMENTS; i++) {
      const doc = `{ c${i}: clusters { name } }`;
      entries[documentHash(doc)] = doc;
    }
    expect(refusal(manifest(entries))).toMatch(/lists 10001 documents; at most 10000 are taken/);
  });

  it('reads only a small regular file: not a huge one, a directory or a FIFO', () => {
    const huge = file(Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
    expect(refusal(huge)).toMatch(/is 16777217 bytes; at most 16777216 are read/);
    expect(refusal(dir)).toMatch(/EISDIR/);
    expect(refusal(join(dir, 'missing.json'))).toMatch(/ENOENT/);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(refusal(fifo)).toMatch(/is not a regular file/);
  });
});
