import { createHash } from 'node:crypto';

/**
 * A strong entity tag (RFC 9110 §8.8.3) for an answer: the base64url SHA-256 of its bytes,
 * quoted. Strong, because the same tag means the same bytes; the tag holds nothing but the hash.
 */
export function strongEtagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/** If-None-Match values longer than this, or entries past MAX_ENTRIES, are not read. */
const MAX_HEADER_LENGTH = 4096;
const MAX_ENTRIES = 64;

/**
 * Whether If-None-Match holds `etag` (RFC 9110 §13.1.2: `*`, or a list of entity tags compared
 * weakly, so `W/"x"` matches `"x"`). The header is the client's and may be hostile: past
 * MAX_HEADER_LENGTH it is ignored (the full answer is sent, which is always correct), only the
 * first MAX_ENTRIES entries are looked at, and an entry that is not a tag simply does not match.
 * Splitting on commas is safe for our tags, which never hold one.
 */
export function ifNoneMatchHas(header: string | undefined, etag: string): boolean {
  if (header === undefined || header.length > MAX_HEADER_LENGTH) return false;
  for (const entry of header.split(',', MAX_ENTRIES)) {
    const tag = entry.trim();
    if (tag === '*') return true;
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === etag) return true;
  }
  return false;
}
