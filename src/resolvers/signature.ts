import type {
  SignatureConditionResolvers,
  SignatureResolvers,
  SignatureSubjectResolvers,
} from '../generated/graphql.js';
import { keyValues } from './keyValues.js';

const hasTrueCondition = (
  conditions: readonly { type: string; status: string }[],
  type: string,
): boolean => conditions.some((c) => c.type === type && c.status === 'True');

export const Signature: SignatureResolvers = {
  name: (s) => s.metadata?.name ?? '',
  type: (s) => s.type,
  content: (s) => s.content,
  imageIdentity: (s) => s.imageIdentity || null,
  created: (s) => s.created || null,
  signedClaims: (s) => keyValues(s.signedClaims),
  issuedBy: (s) => s.issuedBy ?? null,
  issuedTo: (s) => s.issuedTo ?? null,
  conditions: (s) => s.conditions ?? [],
  /** As `oc describe` and the API's validation pair them: Trusted and ForImage both True. */
  trusted: (s) =>
    hasTrueCondition(s.conditions ?? [], 'Trusted') &&
    hasTrueCondition(s.conditions ?? [], 'ForImage'),
};

/** Times the wire leaves empty (`""`) are unknown: null, as for every DateTime. */
export const SignatureCondition: SignatureConditionResolvers = {
  lastProbeTime: (c) => c.lastProbeTime || null,
  lastTransitionTime: (c) => c.lastTransitionTime || null,
};

export const SignatureSubject: SignatureSubjectResolvers = {
  commonName: (s) => s.commonName ?? null,
  organization: (s) => s.organization ?? null,
  publicKeyID: (s) => s.publicKeyID ?? '',
};
