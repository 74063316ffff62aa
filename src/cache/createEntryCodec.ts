import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Image } from '../upstream/types.js';
import { IMAGE } from '../upstream/wire/wireShapes.js';
import { isRecord } from '../isRecord.js';

/** Image content is kept by the cluster it was read from and its digest. */
export interface CacheKey {
  readonly cluster: string;
  readonly digest: string;
}

/**
 * What an entry says, as JSON: the key it was written for, when its content was read from the
 * API server (epoch ms), and the image. The in-process tier keeps this text as it is.
 */
export interface EntryPayload {
  readonly cluster: string;
  readonly digest: string;
  readonly fetchedAt: number;
  readonly image: Image;
}

/** An entry read from Redis that passed every check. */
export interface OpenedEntry {
  /** The payload text, as signed (what the in-process tier keeps). */
  readonly payload: string;
  readonly image: Image;
  /** When the content was read, never later than now. */
  readonly fetchedAt: number;
}

export type OpenResult =
  | { readonly ok: true; readonly entry: OpenedEntry }
  | { readonly ok: false; readonly problem: string };

export interface EntryCodec {
  /** The payload text for an image read now from the API server. */
  payload(key: CacheKey, image: Image, fetchedAt: number): string;
  /** The Redis value for a payload (UTF-8): `v1:<signature>:<payload>`, the signature empty without a key. */
  seal(key: CacheKey, payload: Buffer): Buffer;
  /** A value read from Redis under `key`, checked as untrusted input; a problem when refused. */
  open(key: CacheKey, value: Buffer, now: number): OpenResult;
}

export interface EntryCodecOptions {
  /** HMAC-SHA256 key (at least 32 bytes); without one, entries are written and accepted unsigned. */
  readonly signingKey?: Buffer | undefined;
  /** Entries read longer ago than this are refused (the cache's TTL). */
  readonly ttlMs: number;
  /** Values longer than this are refused without being parsed. */
  readonly maxEntryBytes: number;
  /** How far in the future `fetchedAt` may be (clocks of replicas differ); default 60 s. */
  readonly clockSkewMs?: number;
}

const VERSION = 'v1';
const HEADER = Buffer.from(`${VERSION}:`, 'latin1');
const COLON = 0x3a;
/** base64url of a 32-byte HMAC-SHA256, without padding. */
const SIGNATURE_CHARS = 43;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The format of content-cache entries in Redis, and the checks a read entry must pass. Whoever
 * can write to Redis controls what is read back, so an entry is untrusted input: it must be a
 * v1 envelope, carry a valid signature when the gateway has a key (and none when it has not),
 * parse as JSON, name the same cluster and digest as the Redis key it was read from, hold an
 * image of the shape the API server sends (`IMAGE` in wireShapes) whose name is that digest, and
 * have been read from the API server neither in the future (beyond the clock skew; then it is
 * clamped to now, so a forged timestamp cannot stop the refresh of signatures) nor longer ago
 * than the TTL. Anything else is refused with a short description of the first problem.
 *
 * The signature is an HMAC-SHA256 over the version, the key's identity (cluster and digest, not
 * the configurable prefix, so replicas with different prefixes can share entries) and the
 * payload bytes, compared in constant time. Without the key a writer cannot make an entry a
 * keyed gateway accepts; with Redis access alone it can only replay genuine entries under the
 * same cluster and digest, whose content is immutable and whose age still bounds it.
 *
 * A gateway without a key accepts unsigned entries only: it could not tell a genuine signature
 * from a forged one, and refusing signed entries keeps a fleet whose replicas disagree about the
 * key visible (as `invalid` lookups) instead of silently mixed.
 */
export function createEntryCodec(options: EntryCodecOptions): EntryCodec {
  const key = options.signingKey;
  const skew = options.clockSkewMs ?? 60_000;
  const signatureOf = (signingKey: Buffer, id: CacheKey, payload: Buffer): Buffer =>
    createHmac('sha256', signingKey)
      .update(`oig-content-cache:${VERSION}\n${JSON.stringify([id.cluster, id.digest])}\n`)
      .update(payload)
      .digest();

  const refuse = (problem: string): OpenResult => ({ ok: false, problem });

  return {
    payload(id, image, fetchedAt) {
      const payload: EntryPayload = { cluster: id.cluster, digest: id.digest, fetchedAt, image };
      return JSON.stringify(payload);
    },
    seal(id, payload) {
      const signature = key ? signatureOf(key, id, payload).toString('base64url') : '';
      return Buffer.concat([Buffer.from(`${VERSION}:${signature}:`, 'latin1'), payload]);
    },
    open(id, value, now) {
      if (value.length > options.maxEntryBytes)
        return refuse(`is larger than ${options.maxEntryBytes} bytes`);
      if (value.length < HEADER.length || !value.subarray(0, HEADER.length).equals(HEADER))
        return refuse(`is not a ${VERSION} entry`);
      const end = value.indexOf(COLON, HEADER.length);
      if (end < 0 || end > HEADER.length + SIGNATURE_CHARS) return refuse('has no signature field');
      const signature = value.subarray(HEADER.length, end).toString('latin1');
      const body = value.subarray(end + 1);
      if (key) {
        if (signature === '') return refuse('is not signed');
        const given = Buffer.from(signature, 'base64url');
        if (
          !SIGNATURE.test(signature) ||
          given.length !== 32 ||
          !timingSafeEqual(given, signatureOf(key, id, body))
        )
          return refuse('has a wrong signature');
      } else if (signature !== '') {
        return refuse('is signed, and this gateway has no signing key');
      }
      const payload = body.toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(payload);
      } catch {
        return refuse('is not JSON');
      }
      if (!isRecord(parsed)) return refuse('is not an object');
      if (parsed['cluster'] !== id.cluster) return refuse('names another cluster');
      if (parsed['digest'] !== id.digest) return refuse('names another digest');
      const fetchedAt = parsed['fetchedAt'];
      if (typeof fetchedAt !== 'number' || !Number.isFinite(fetchedAt))
        return refuse('has no fetchedAt time');
      if (fetchedAt > now + skew) return refuse('was fetched in the future');
      if (now - fetchedAt > options.ttlMs) return refuse('is older than the TTL');
      const image = parsed['image'];
      const problem = IMAGE(image, 'image');
      if (problem) return refuse(`has an invalid image: ${problem.slice(0, 200)}`);
      // IMAGE has checked the shape Image is read as.
      const checked = image as Image;
      if (checked.metadata.name !== id.digest) return refuse('holds an image of another digest');
      return { ok: true, entry: { payload, image: checked, fetchedAt: Math.min(fetchedAt, now) } };
    },
  };
}
