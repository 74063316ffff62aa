import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEntryCodec, type CacheKey } from '../../src/cache/createEntryCodec.js';
import { readFixture } from '../../src/simulator/createSeed.js';
import type { Image } from '../../src/upstream/types.js';

const IMAGE = readFixture('image-python-3.8.12-schema2.json') as Image;
const DIGEST = IMAGE.metadata.name!;
const KEY: CacheKey = { cluster: 'east', digest: DIGEST };
const NOW = 1_800_000_000_000;
const TTL = 3_600_000;
const SIGNING_KEY = Buffer.from('0123456789abcdef0123456789abcdef0123456789abcdef');
const OTHER_KEY = Buffer.from('fedcba9876543210fedcba9876543210fedcba9876543210');

const keyed = createEntryCodec({ signingKey: SIGNING_KEY, ttlMs: TTL, maxEntryBytes: 1 << 20 });
const keyless = createEntryCodec({ ttlMs: TTL, maxEntryBytes: 1 << 20 });

/** A payload as a writer chooses it, with any fields. */
const payloadOf = (fields: Record<string, unknown>): Buffer =>
  Buffer.from(
    JSON.stringify({
      cluster: 'east',
      digest: DIGEST,
      fetchedAt: NOW - 1000,
      image: IMAGE,
      ...fields,
    }),
  );

const unsigned = (payload: Buffer | string): Buffer =>
  Buffer.concat([Buffer.from('v1::'), Buffer.from(payload)]);

/** Signed as the codec signs: version, the key's identity, then the payload bytes. */
const signedWith = (secret: Buffer, id: CacheKey, payload: Buffer): Buffer => {
  const mac = createHmac('sha256', secret)
    .update(`oig-content-cache:v1\n${JSON.stringify([id.cluster, id.digest])}\n`)
    .update(payload)
    .digest('base64url');
  return Buffer.concat([Buffer.from(`v1:${mac}:`), payload]);
};

const problemOf = (result: ReturnType<typeof keyless.open>): string =>
  result.ok ? 'accepted' : result.problem;

describe('createEntryCodec', () => {
  it('opens what it sealed, with the payload text and image as written', () => {
    for (const codec of [keyed, keyless]) {
      const payload = codec.payload(KEY, IMAGE, NOW - 5000);
      const opened = codec.open(KEY, codec.seal(KEY, Buffer.from(payload)), NOW);
      expect(opened).toEqual({ ok: true, entry: { payload, image: IMAGE, fetchedAt: NOW - 5000 } });
    }
  });

  it('writes `v1:<base64url HMAC-SHA256>:<payload>` with a key and `v1::<payload>` without', () => {
    const payload = Buffer.from(keyed.payload(KEY, IMAGE, NOW));
    expect(keyed.seal(KEY, payload)).toEqual(signedWith(SIGNING_KEY, KEY, payload));
    expect(keyless.seal(KEY, payload)).toEqual(unsigned(payload));
    expect(JSON.parse(payload.toString())).toEqual({
      cluster: 'east',
      digest: DIGEST,
      fetchedAt: NOW,
      image: IMAGE,
    });
  });

  it('refuses garbage, each with the first problem it has', () => {
    const cases: [string, Buffer, string][] = [
      ['an empty value', Buffer.alloc(0), 'is not a v1 entry'],
      ['not JSON at all', Buffer.from('hello'), 'is not a v1 entry'],
      ['a bare JSON entry (the old format)', payloadOf({}), 'is not a v1 entry'],
      ['no second separator', Buffer.from('v1:abc'), 'has no signature field'],
      ['a payload that is not JSON', unsigned('{"cluster":'), 'is not JSON'],
      ['a JSON list', unsigned('[1,2]'), 'is not an object'],
      ['JSON null', unsigned('null'), 'is not an object'],
      ['another cluster', unsigned(payloadOf({ cluster: 'west' })), 'names another cluster'],
      [
        'another digest',
        unsigned(payloadOf({ digest: `sha256:${'0'.repeat(64)}` })),
        'names another digest',
      ],
      ['no fetchedAt', unsigned(payloadOf({ fetchedAt: undefined })), 'has no fetchedAt time'],
      [
        'a fetchedAt string',
        unsigned(payloadOf({ fetchedAt: String(NOW) })),
        'has no fetchedAt time',
      ],
      [
        'a fetchedAt an hour ahead',
        unsigned(payloadOf({ fetchedAt: NOW + 3_600_000 })),
        'was fetched in the future',
      ],
      [
        'a fetchedAt of 1e308',
        unsigned(payloadOf({ fetchedAt: 1e308 })),
        'was fetched in the future',
      ],
      ['an ancient fetchedAt', unsigned(payloadOf({ fetchedAt: 0 })), 'is older than the TTL'],
      [
        'a fetchedAt just past the TTL',
        unsigned(payloadOf({ fetchedAt: NOW - TTL - 1 })),
        'is older than the TTL',
      ],
      [
        'no image',
        unsigned(payloadOf({ image: undefined })),
        'has an invalid image: image is undefined, not an object',
      ],
      [
        'layers that are a string',
        unsigned(payloadOf({ image: { ...IMAGE, dockerImageLayers: 'many' } })),
        'has an invalid image: image.dockerImageLayers is string, not a list',
      ],
      [
        'a signature whose content is a number',
        unsigned(
          payloadOf({
            image: { ...IMAGE, signatures: [{ type: 'atomic', content: 1, conditions: [] }] },
          }),
        ),
        'has an invalid image: image.signatures[0].content is number, not a string',
      ],
      [
        'an image of another digest',
        unsigned(
          payloadOf({
            image: { ...IMAGE, metadata: { ...IMAGE.metadata, name: `sha256:${'1'.repeat(64)}` } },
          }),
        ),
        'holds an image of another digest',
      ],
      [
        'an image without a name',
        unsigned(payloadOf({ image: { ...IMAGE, metadata: {} } })),
        'holds an image of another digest',
      ],
    ];
    for (const [what, value, problem] of cases)
      expect({ what, problem: problemOf(keyless.open(KEY, value, NOW)) }).toEqual({
        what,
        problem,
      });
  });

  it('refuses a value longer than maxEntryBytes before parsing it', () => {
    const small = createEntryCodec({ ttlMs: TTL, maxEntryBytes: 1000 });
    const payload = Buffer.from(small.payload(KEY, IMAGE, NOW));
    const value = small.seal(KEY, payload);
    expect(value.length).toBeGreaterThan(1000);
    expect(problemOf(small.open(KEY, value, NOW))).toBe('is larger than 1000 bytes');
    expect(problemOf(small.open(KEY, Buffer.alloc(1001, 'x'), NOW))).toBe(
      'is larger than 1000 bytes',
    );
  });

  it('accepts a fetchedAt up to 60 s ahead (clock skew between replicas) as now', () => {
    const ahead = keyless.open(KEY, unsigned(payloadOf({ fetchedAt: NOW + 60_000 })), NOW);
    expect(ahead.ok && ahead.entry.fetchedAt).toBe(NOW);
    expect(
      problemOf(keyless.open(KEY, unsigned(payloadOf({ fetchedAt: NOW + 60_001 })), NOW)),
    ).toBe('was fetched in the future');
    const old = keyless.open(KEY, unsigned(payloadOf({ fetchedAt: NOW - TTL })), NOW);
    expect(old.ok && old.entry.fetchedAt).toBe(NOW - TTL);
  });

  describe('with a signing key', () => {
    const genuine = payloadOf({});

    it('accepts only entries signed with the key, for this cluster and digest', () => {
      expect(keyed.open(KEY, signedWith(SIGNING_KEY, KEY, genuine), NOW).ok).toBe(true);
      const cases: [string, Buffer, string][] = [
        ['unsigned', unsigned(genuine), 'is not signed'],
        ['signed with another key', signedWith(OTHER_KEY, KEY, genuine), 'has a wrong signature'],
        [
          "another cluster's genuine entry",
          signedWith(SIGNING_KEY, { cluster: 'west', digest: DIGEST }, genuine),
          'has a wrong signature',
        ],
        [
          "another digest's genuine entry",
          signedWith(SIGNING_KEY, { cluster: 'east', digest: `sha256:${'2'.repeat(64)}` }, genuine),
          'has a wrong signature',
        ],
        [
          'a truncated signature',
          Buffer.from(`v1:${'A'.repeat(42)}:${genuine.toString()}`),
          'has a wrong signature',
        ],
        [
          'a signature with characters outside base64url',
          Buffer.from(`v1:${'+'.repeat(43)}:${genuine.toString()}`),
          'has a wrong signature',
        ],
        [
          'a signature field too long',
          Buffer.from(`v1:${'A'.repeat(44)}:{}`),
          'has no signature field',
        ],
      ];
      for (const [what, value, problem] of cases)
        expect({ what, problem: problemOf(keyed.open(KEY, value, NOW)) }).toEqual({
          what,
          problem,
        });
    });

    it('refuses a genuine entry whose payload was changed, even by one byte', () => {
      const value = signedWith(SIGNING_KEY, KEY, genuine);
      const text = value.toString();
      const forged = Buffer.from(text.replace('"fetchedAt":', '"fetchedAt": '));
      expect(problemOf(keyed.open(KEY, forged, NOW))).toBe('has a wrong signature');
      const flipped = Buffer.from(value);
      flipped[flipped.length - 2]! ^= 1;
      expect(problemOf(keyed.open(KEY, flipped, NOW))).toBe('has a wrong signature');
    });

    it('still checks what a genuine signature covers: age and shape', () => {
      const stale = payloadOf({ fetchedAt: NOW - TTL - 1 });
      expect(problemOf(keyed.open(KEY, signedWith(SIGNING_KEY, KEY, stale), NOW))).toBe(
        'is older than the TTL',
      );
    });
  });

  it('without a key, refuses signed entries: it could not tell them from forged ones', () => {
    const payload = payloadOf({});
    expect(problemOf(keyless.open(KEY, signedWith(SIGNING_KEY, KEY, payload), NOW))).toBe(
      'is signed, and this gateway has no signing key',
    );
    expect(keyless.open(KEY, unsigned(payload), NOW).ok).toBe(true);
  });
});
