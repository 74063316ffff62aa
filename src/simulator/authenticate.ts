import { ANONYMOUS, type Identity, type TokenGrant } from './authorize.js';

/**
 * Who sent a request, from its Authorization header: no bearer token is system:anonymous (the
 * API server lets anonymous requests through to authorization, which then answers 403); a
 * bearer token the simulator does not know is `undefined` (the server answers 401).
 */
export function authenticate(
  authorization: string | undefined,
  tokens: Readonly<Record<string, TokenGrant>>,
): Identity | undefined {
  const match = /^Bearer (.+)$/i.exec(authorization ?? '');
  if (!match) return ANONYMOUS;
  const token = match[1] ?? '';
  // Own keys only: `Bearer constructor` must not find Object.prototype.constructor.
  const grant = Object.hasOwn(tokens, token) ? tokens[token] : undefined;
  return grant === undefined ? undefined : { user: grant.user, grant };
}
