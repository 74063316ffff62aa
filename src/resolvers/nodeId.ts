import { cutForMessage } from '../cutForMessage.js';
import { badUserInput } from '../errors.js';
import {
  checkDigest,
  checkNamespace,
  checkStreamName,
  parseImageStreamTagName,
} from '../validation.js';

/**
 * Global object ids (Relay Object Identification, `Node.id`). An id is the base64url of a JSON
 * array: the type name, then exactly what is needed to load the object again — the cluster name,
 * then namespace, stream and digest or tag as the type needs. Nothing else goes in (never a
 * token, a server URL or anything of the caller): the same object has the same id for every
 * caller, every request and every replica, and an id grants nothing (loading it asks the API
 * server with the caller's own credentials, as the direct fields do).
 *
 * To add a type: a `NodeRef` variant, its parts in `PARTS`, a check in `refOf`, an `id` resolver
 * calling `encodeNodeId`, a case in `loadNode` (node.ts) and an entry in ENTITY_TYPES
 * (createSubgraphSchema.ts).
 */
export type NodeRef =
  | { readonly type: 'Cluster'; readonly cluster: string }
  | {
      readonly type: 'ImageStream';
      readonly cluster: string;
      readonly namespace: string;
      readonly stream: string;
    }
  | {
      readonly type: 'ImageStreamImage';
      readonly cluster: string;
      readonly namespace: string;
      readonly stream: string;
      readonly digest: string;
    }
  | {
      readonly type: 'ImageStreamTag';
      readonly cluster: string;
      readonly namespace: string;
      readonly stream: string;
      readonly tag: string;
    }
  /** Per (cluster, digest): one image reached through two streams is one object. */
  | { readonly type: 'Image'; readonly cluster: string; readonly digest: string }
  /** The pods of one top owner running one digest (a rollout shows the owner once per digest). */
  | {
      readonly type: 'Workload';
      readonly cluster: string;
      readonly namespace: string;
      readonly kind: string;
      readonly name: string;
      readonly digest: string;
    };

export type NodeType = NodeRef['type'];

/** The parts after the type name, in order, per type. */
const PARTS = {
  Cluster: ['cluster'],
  ImageStream: ['cluster', 'namespace', 'stream'],
  ImageStreamImage: ['cluster', 'namespace', 'stream', 'digest'],
  ImageStreamTag: ['cluster', 'namespace', 'stream', 'tag'],
  Image: ['cluster', 'digest'],
  Workload: ['cluster', 'namespace', 'kind', 'name', 'digest'],
} as const satisfies Record<NodeType, readonly string[]>;

/**
 * Longer ids are refused before decoding. The longest real id (a 253-character cluster name of
 * 4-byte UTF-8 characters, a 255-character namespace/stream, a 128-character tag) is about 2,000.
 */
export const MAX_NODE_ID_LENGTH = 2048;
/** Cluster names are kubeconfig context names: any text, but bounded and without controls. */
function isClusterName(value: string): boolean {
  if (value.length < 1 || value.length > 253) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x1f || code === 0x7f) return false;
  }
  return true;
}
/** An owner's kind as an ownerReference gives it (Deployment, a custom controller's kind…). */
const KIND = /^[A-Z][A-Za-z0-9]{0,62}$/;
/** An object name (DNS subdomain, RFC 1123), as pods and their owners have. */
const OBJECT_NAME = /^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?$/;
/** Image names: a digest, or the bare 64-hex v1 id of very old images (Image.name). */
const IMAGE_NAME = /^(?:sha256:)?[0-9a-f]{64}$/;

export function encodeNodeId(ref: NodeRef): string {
  const values = PARTS[ref.type].map((part) => (ref as unknown as Record<string, string>)[part]);
  return Buffer.from(JSON.stringify([ref.type, ...values]), 'utf8').toString('base64url');
}

function isNodeType(value: unknown): value is NodeType {
  return typeof value === 'string' && Object.hasOwn(PARTS, value);
}

/** The ref the parts describe, every part checked as the direct field's argument would be. */
function refOf(type: NodeType, parts: readonly string[]): NodeRef {
  const [cluster = '', a = '', b = '', c = '', d = ''] = parts;
  if (!isClusterName(cluster)) throw new RangeError('cluster');
  switch (type) {
    case 'Cluster':
      return { type, cluster };
    case 'Image':
      if (!IMAGE_NAME.test(a)) throw new RangeError('digest');
      return { type, cluster, digest: a };
    case 'ImageStream':
      return { type, cluster, namespace: checkNamespace(a), stream: checkStreamName(b, a, 'id') };
    case 'ImageStreamImage':
      return {
        type,
        cluster,
        namespace: checkNamespace(a),
        stream: checkStreamName(b, a, 'id'),
        digest: checkDigest(c),
      };
    case 'ImageStreamTag': {
      const { stream, tag } = parseImageStreamTagName(`${b}:${c}`, checkNamespace(a));
      return { type, cluster, namespace: a, stream, tag };
    }
    case 'Workload':
      if (!KIND.test(b)) throw new RangeError('kind');
      if (!OBJECT_NAME.test(c)) throw new RangeError('name');
      return {
        type,
        cluster,
        namespace: checkNamespace(a),
        kind: b,
        name: c,
        digest: checkDigest(d),
      };
  }
}

/**
 * The ref an id names. Anything that is not exactly an id this gateway issues — too long, not
 * base64url, not canonical base64url (two spellings of one id would be two cache entries), not a
 * JSON array of strings, an unknown type, the wrong number of parts, a part the direct field
 * would refuse — is BAD_USER_INPUT naming the argument and showing (a cut of) the value.
 */
export function decodeNodeId(value: string, argument = 'id'): NodeRef {
  try {
    if (value.length === 0 || value.length > MAX_NODE_ID_LENGTH) throw new RangeError('length');
    if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new RangeError('alphabet');
    const bytes = Buffer.from(value, 'base64url');
    if (bytes.toString('base64url') !== value) throw new RangeError('not canonical');
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string'))
      throw new RangeError('shape');
    const [type, ...parts]: string[] = parsed;
    if (!isNodeType(type) || parts.length !== PARTS[type].length) throw new RangeError('type');
    const ref = refOf(type, parts);
    if (encodeNodeId(ref) !== value) throw new RangeError('not canonical');
    return ref;
  } catch {
    throw badUserInput(
      `Argument "${argument}" must be a Node id this gateway issued (the \`id\` field of a Cluster, ImageStream, ImageStreamImage, ImageStreamTag, Image or Workload); got ${JSON.stringify(cutForMessage(value))}.`,
    );
  }
}
