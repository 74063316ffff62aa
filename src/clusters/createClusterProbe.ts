import { GatewayError, type ErrorCode } from '../errors.js';
import type { ClusterRegistry } from './createClusterRegistry.js';

export interface ClusterStatus {
  readonly cluster: string;
  /** The API server answered HTTP (any status). */
  readonly reachable: boolean;
  /** The error code of the probe, when it failed (also when reachable but, e.g., 401). */
  readonly lastErrorCode: ErrorCode | null;
  /** Round-trip time of the probe, ms. */
  readonly roundTripMs: number | null;
  /** The server's gitVersion, when it told. */
  readonly version: string | null;
  readonly checkedAt: string;
}

export interface ClusterProbe {
  /** The cluster's status, probed at most once per ttl; concurrent callers share one probe. */
  status(cluster: string): Promise<ClusterStatus>;
  /**
   * The last status known, at once (never waiting for a probe: readiness must answer within a
   * kubelet's 1 s even while a cluster hangs); a stale one starts a probe in the background.
   */
  lastKnown(cluster: string): ClusterStatus | undefined;
}

export interface ProbeOptions {
  /** How long a status is reused, ms (default 10 s). */
  readonly ttlMs?: number;
  /** Timeout of one probe, ms (default 2 s). */
  readonly timeoutMs?: number;
  /** Send the cluster's own token with the probe (false in passthrough mode). */
  readonly authenticated?: boolean;
}

/**
 * Reachability of each cluster from a cheap GET /version, cached briefly and shared across
 * requests: it reveals nothing about images, so it is the same for every caller.
 */
export function createClusterProbe(
  registry: ClusterRegistry,
  options: ProbeOptions = {},
): ClusterProbe {
  const ttlMs = options.ttlMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const cache = new Map<string, { at: number; status: Promise<ClusterStatus> }>();

  const probe = async (cluster: string): Promise<ClusterStatus> => {
    const client = registry.get(cluster);
    const started = performance.now();
    const checkedAt = new Date().toISOString();
    if (!client)
      return {
        cluster,
        reachable: false,
        lastErrorCode: 'BAD_USER_INPUT',
        roundTripMs: null,
        version: null,
        checkedAt,
      };
    try {
      const version = await client.getVersion({
        signal: AbortSignal.timeout(timeoutMs),
        deadlineAt: Date.now() + timeoutMs,
        // Unauthenticated: a caller's call with no caller token (passthrough has none here).
        ...(options.authenticated === false ? { asCaller: true } : {}),
      });
      return {
        cluster,
        reachable: true,
        lastErrorCode: null,
        roundTripMs: performance.now() - started,
        version: version.gitVersion ?? null,
        checkedAt,
      };
    } catch (err) {
      const error = err instanceof GatewayError ? err : undefined;
      const answered = error?.upstream !== undefined;
      return {
        cluster,
        reachable: answered,
        lastErrorCode: error?.code ?? 'INTERNAL_SERVER_ERROR',
        roundTripMs: answered ? performance.now() - started : null,
        version: null,
        checkedAt,
      };
    }
  };

  const known = new Map<string, ClusterStatus>();
  const status = (cluster: string): Promise<ClusterStatus> => {
    const cached = cache.get(cluster);
    if (cached && Date.now() - cached.at < ttlMs) return cached.status;
    const fresh = probe(cluster).then((result) => {
      known.set(cluster, result);
      return result;
    });
    cache.set(cluster, { at: Date.now(), status: fresh });
    return fresh;
  };
  return {
    status,
    lastKnown(cluster) {
      void status(cluster);
      return known.get(cluster);
    },
  };
}
