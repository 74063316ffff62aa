import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { GatewayError } from '../errors.js';
import {
  credentialOf,
  type CallOptions,
  type ImageApiClient,
} from '../upstream/createImageApiClient.js';
import type { AccessAttributes } from '../upstream/resources.js';

/**
 * "May this identity do that?", asked of the API server with the identity's own credentials
 * (SelfSubjectAccessReview, openshift-image-api.md §6.1) and remembered briefly. The content
 * cache uses it before serving an image to a caller: the API server authorizes each resource on
 * its own, so a caller who may `get imagestreams` but not `get imagestreamimages` must not get a
 * cached image another caller fetched.
 *
 * Answers are kept per identity — a hash of the token sent, never the token — for `ttlMs`.
 * A review that fails (network, 403 on the review itself) is not kept and counts as "no": the
 * caller is then served by the API server directly, which decides as it always does.
 */
export interface AccessReviews {
  allowed(
    client: ImageApiClient,
    identity: string,
    attributes: AccessAttributes,
    call: CallOptions,
  ): Promise<boolean>;
  /**
   * The same question, for a caller who must get an error when it cannot be asked (an invalid
   * token is UNAUTHENTICATED, not "no"): rejects with the review's error, which is not kept.
   */
  decide(
    client: ImageApiClient,
    identity: string,
    attributes: AccessAttributes,
    call: CallOptions,
  ): Promise<boolean>;
  /**
   * The namespaces the identity can see: its projects (project.openshift.io, which every user
   * may list and which shows each user only the projects it has a role in), asked with its own
   * credentials and remembered as answers are. A cluster without the project API, or one that
   * refuses the list, gives none (the caller then names namespaces); other failures reject and
   * are not kept.
   */
  projects(
    client: ImageApiClient,
    identity: string,
    call: CallOptions,
  ): Promise<ReadonlySet<string>>;
}

export interface AccessReviewOptions {
  readonly ttlMs: number;
  /** Answers kept at most. */
  readonly maxEntries?: number;
}

/**
 * The identity a call to a cluster acts as (credentialOf, the rule the transport sends by): the
 * caller's token, hashed; `anonymous` for a caller's call without one; else the gateway itself.
 */
export function identityOf(call: CallOptions, headerName: string): string {
  const credential = credentialOf(call, headerName);
  if (credential.kind !== 'caller') return credential.kind;
  return `token:${createHash('sha256').update(credential.token).digest('base64url')}`;
}

export function createAccessReviews(options: AccessReviewOptions): AccessReviews {
  const answers = new LRUCache<string, Promise<boolean>>({
    max: options.maxEntries ?? 10_000,
    ttl: Math.max(1, options.ttlMs),
  });
  const keyOf = (client: ImageApiClient, identity: string, attributes: AccessAttributes): string =>
    [
      identity,
      client.cluster.name,
      attributes.namespace,
      attributes.group,
      attributes.resource,
      attributes.subresource ?? '',
      attributes.verb,
    ].join('\0');
  const projects = new LRUCache<string, Promise<ReadonlySet<string>>>({
    max: Math.max(1, Math.floor((options.maxEntries ?? 10_000) / 10)),
    ttl: Math.max(1, options.ttlMs),
  });
  return {
    projects(client, identity, call) {
      const key = [identity, client.cluster.name].join('\0');
      const known = options.ttlMs > 0 ? projects.get(key) : undefined;
      if (known) return known;
      const answer = client.listProjects(call).then(
        (list) => new Set((list.items ?? []).map((p) => p.metadata.name ?? '')),
        (err: unknown) => {
          const status = err instanceof GatewayError ? err.upstream?.status : undefined;
          if (status === 403 || status === 404) return new Set<string>();
          throw err;
        },
      );
      if (options.ttlMs > 0) {
        projects.set(key, answer);
        answer.catch(() => projects.delete(key));
      }
      return answer;
    },
    decide(client, identity, attributes, call) {
      const key = keyOf(client, identity, attributes);
      const known = options.ttlMs > 0 ? answers.get(key) : undefined;
      if (known) return known;
      const answer = client
        .reviewAccess(attributes, call)
        .then((review) => review.status.allowed && review.status.denied !== true);
      if (options.ttlMs > 0) {
        answers.set(key, answer);
        answer.catch(() => answers.delete(key));
      }
      return answer;
    },
    allowed(client, identity, attributes, call) {
      const key = keyOf(client, identity, attributes);
      const known = options.ttlMs > 0 ? answers.get(key) : undefined;
      // A known answer may be decide()'s, which can reject: here a failure is "no".
      if (known) return known.catch(() => false);
      const answer = client.reviewAccess(attributes, call).then(
        (review) => review.status.allowed && review.status.denied !== true,
        () => {
          answers.delete(key);
          return false;
        },
      );
      if (options.ttlMs > 0) answers.set(key, answer);
      return answer;
    },
  };
}
