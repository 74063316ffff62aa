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

/** An answer being asked (or asked) for one identity, and the call of the request that asked it. */
interface Shared<T> {
  readonly answer: Promise<T>;
  readonly owner: CallOptions;
}

/**
 * Whether a shared answer failed because of the request that asked it rather than the API
 * server: its deadline or client went away (its signal), or its budget was spent. Another
 * request waiting on that answer then asks again with its own call.
 */
function ownersFault(owner: CallOptions, err: unknown): boolean {
  if (owner.signal?.aborted === true) return true;
  return err instanceof GatewayError && err.extensions['reason'] === 'UPSTREAM_BUDGET_EXHAUSTED';
}

export function createAccessReviews(options: AccessReviewOptions): AccessReviews {
  const answers = new LRUCache<string, Shared<boolean>>({
    max: options.maxEntries ?? 10_000,
    ttl: Math.max(1, options.ttlMs),
  });
  const projects = new LRUCache<string, Shared<ReadonlySet<string>>>({
    max: Math.max(1, Math.floor((options.maxEntries ?? 10_000) / 10)),
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

  /**
   * The answer for `key`: a known or in-flight one, else asked with this request's call and
   * shared with the requests that ask meanwhile (each request counts, in its budget, only the
   * calls it makes). A failure is not kept; a request whose shared answer failed because of the
   * request that asked it (gone, out of budget) asks again with its own call.
   */
  function shared<T>(
    cache: LRUCache<string, Shared<T>>,
    key: string,
    call: CallOptions,
    ask: () => Promise<T>,
  ): Promise<T> {
    const known = options.ttlMs > 0 ? cache.get(key) : undefined;
    if (known) {
      if (known.owner === call) return known.answer;
      return known.answer.catch((err: unknown) => {
        if (call.signal?.aborted === true || !ownersFault(known.owner, err)) throw err;
        return shared(cache, key, call, ask);
      });
    }
    const entry: Shared<T> = { answer: ask(), owner: call };
    if (options.ttlMs > 0) {
      cache.set(key, entry);
      entry.answer.catch(() => {
        if (cache.peek(key) === entry) cache.delete(key);
      });
    }
    return entry.answer;
  }

  const decide: AccessReviews['decide'] = (client, identity, attributes, call) =>
    shared(answers, keyOf(client, identity, attributes), call, () =>
      client
        .reviewAccess(attributes, call)
        .then((review) => review.status.allowed && review.status.denied !== true),
    );

  return {
    projects(client, identity, call) {
      return shared(projects, [identity, client.cluster.name].join('\0'), call, () =>
        client.listProjects(call).then(
          (list) => new Set((list.items ?? []).map((p) => p.metadata.name ?? '')),
          (err: unknown) => {
            const status = err instanceof GatewayError ? err.upstream?.status : undefined;
            if (status === 403 || status === 404) return new Set<string>();
            throw err;
          },
        ),
      );
    },
    decide,
    allowed(client, identity, attributes, call) {
      // Here a failure is "no" (and, as with decide, not kept).
      return decide(client, identity, attributes, call).catch(() => false);
    },
  };
}
