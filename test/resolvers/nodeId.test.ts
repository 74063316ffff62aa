import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeNodeId,
  encodeNodeId,
  MAX_NODE_ID_LENGTH,
  type NodeRef,
} from '../../src/resolvers/nodeId.js';
import { GatewayError } from '../../src/errors.js';

const DIGEST = 'sha256:a874dcabc74ca202b92b826521ff79dede61caca00ceab0b65024e895baceb58';
const raw = (value: unknown): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

const REFS: readonly NodeRef[] = [
  { type: 'Cluster', cluster: 'east' },
  { type: 'ImageStream', cluster: 'east', namespace: 'openshift', stream: 'python' },
  {
    type: 'ImageStreamImage',
    cluster: 'east',
    namespace: 'openshift',
    stream: 'python',
    digest: DIGEST,
  },
  { type: 'ImageStreamTag', cluster: 'east', namespace: 'openshift', stream: 'python', tag: '3.8' },
  { type: 'Image', cluster: 'east', digest: DIGEST },
  // Very old images are named by a bare 64-hex v1 id (Image.name).
  { type: 'Image', cluster: 'west', digest: DIGEST.slice('sha256:'.length) },
  // Kubeconfig context names are free text.
  { type: 'Cluster', cluster: 'admin/api-ocp:6443/kube:admin é 東' },
];

/** The message of the BAD_USER_INPUT that decoding throws. */
function refusal(value: string, argument?: string): string {
  try {
    decodeNodeId(value, argument);
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe('BAD_USER_INPUT');
    return (err as GatewayError).message;
  }
  throw new Error(`${value} was accepted`);
}

describe('encodeNodeId / decodeNodeId', () => {
  it('round-trips every type, and the id holds only the type and the coordinates', () => {
    for (const ref of REFS) {
      const id = encodeNodeId(ref);
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeNodeId(id)).toEqual(ref);
      const { type, ...rest } = ref;
      expect(JSON.parse(Buffer.from(id, 'base64url').toString('utf8'))).toEqual([
        type,
        ...Object.values(rest),
      ]);
    }
  });

  it('is stable: the same object has the same id (no time, no caller, no randomness)', () => {
    expect(encodeNodeId({ type: 'Image', cluster: 'east', digest: DIGEST })).toBe(
      'WyJJbWFnZSIsImVhc3QiLCJzaGEyNTY6YTg3NGRjYWJjNzRjYTIwMmI5MmI4MjY1MjFmZjc5ZGVkZTYxY2FjYTAwY2VhYjBiNjUwMjRlODk1YmFjZWI1OCJd',
    );
  });

  it('refuses what is not an id, naming the argument and showing a cut of the value', () => {
    expect(refusal('garbage!', 'ids[3]')).toBe(
      'Argument "ids[3]" must be a Node id this gateway issued (the `id` field of a Cluster, ImageStream, ImageStreamImage, ImageStreamTag, Image or Workload); got "garbage!".',
    );
    const cases: Record<string, string> = {
      empty: '',
      'not base64url': 'WyJDbHVzdGVyIiwiZWFzdCJd=',
      'standard base64 alphabet': '+/+/',
      'base64 of garbage': Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64url'),
      'base64 of invalid UTF-8': Buffer.from([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]).toString(
        'base64url',
      ),
      'not JSON': Buffer.from('Cluster:east').toString('base64url'),
      'a JSON object': raw({ type: 'Cluster', cluster: 'east' }),
      'a JSON string': raw('east'),
      'a number part': raw(['Cluster', 1]),
      'an unknown type': raw(['Secret', 'east', 'openshift', 'pull-secret']),
      'a prototype key as type': raw(['__proto__', 'east']),
      'a type of another case': raw(['cluster', 'east']),
      'too few parts': raw(['ImageStream', 'east', 'openshift']),
      'too many parts (an extra field)': raw(['Cluster', 'east', 'token']),
      'an empty cluster': raw(['Cluster', '']),
      'a control character in the cluster': raw(['Cluster', 'ea\nst']),
      'a cluster name of 254 characters': raw(['Cluster', 'x'.repeat(254)]),
      'an invalid namespace': raw(['ImageStream', 'east', '../kube-system', 'python']),
      'an invalid stream': raw(['ImageStream', 'east', 'openshift', 'Python']),
      'a short digest': raw(['Image', 'east', 'sha256:a874']),
      'a digest of the wrong algorithm': raw(['Image', 'east', `sha512:${'a'.repeat(64)}`]),
      'an uppercase digest': raw(['Image', 'east', DIGEST.toUpperCase()]),
      'a tag with a colon': raw(['ImageStreamTag', 'east', 'openshift', 'python', '3:8']),
      'a tag with an @': raw(['ImageStreamTag', 'east', 'openshift', 'python', `3.8@${DIGEST}`]),
      'a stream with a colon': raw(['ImageStreamTag', 'east', 'openshift', 'py:thon', '3.8']),
      'an ImageStreamImage without a full digest': raw([
        'ImageStreamImage',
        'east',
        'openshift',
        'python',
        'a874',
      ]),
      'a non-canonical spelling (JSON spaces)':
        Buffer.from('["Cluster", "east"]').toString('base64url'),
      'a non-canonical spelling (escaped letter)': Buffer.from('["Cluster","\\u0065ast"]').toString(
        'base64url',
      ),
      oversized: 'A'.repeat(MAX_NODE_ID_LENGTH + 1),
    };
    for (const [what, value] of Object.entries(cases)) {
      expect(refusal(value), what).toMatch(/^Argument "id" must be a Node id this gateway issued/);
    }
  });

  it('never repeats more than a cut of a huge value', () => {
    const message = refusal('A'.repeat(100_000));
    expect(message.length).toBeLessThan(400);
  });

  it('refuses ids with trailing bits that decode like a real one (one object, one spelling)', () => {
    const id = encodeNodeId({ type: 'Cluster', cluster: 'east' });
    // `WyJDbHVzdGVyIiwiZWFzdCJd` has no padding bits; a changed last character decodes to other bytes.
    expect(refusal(`${id}A`)).toMatch(/^Argument "id"/);
    expect(refusal(id.slice(0, -1))).toMatch(/^Argument "id"/);
  });

  it('decodes nothing but the ids it encodes (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
        let ref: NodeRef;
        try {
          ref = decodeNodeId(value);
        } catch (err) {
          expect((err as GatewayError).code).toBe('BAD_USER_INPUT');
          return;
        }
        expect(encodeNodeId(ref)).toBe(value);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 6 }),
        (parts) => {
          const value = raw(parts);
          try {
            expect(encodeNodeId(decodeNodeId(value))).toBe(value);
          } catch (err) {
            expect((err as GatewayError).code).toBe('BAD_USER_INPUT');
          }
        },
      ),
    );
  });
});
