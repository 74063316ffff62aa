import { setMaxListeners } from 'node:events';
import { defaultOf } from '../config/options.js';
import { GatewayError } from '../errors.js';
import type { CallOptions, ImageApiClient } from '../upstream/createImageApiClient.js';

export interface FanOutOptions {
  /** Time budget of each cluster's part, ms; a cluster that needs longer settles as UPSTREAM_TIMEOUT. */
  readonly clusterDeadlineMs: number;
  /** Clusters worked on at once. */
  readonly concurrency: number;
}

export const DEFAULT_FAN_OUT: FanOutOptions = Object.freeze({
  clusterDeadlineMs: defaultOf('cluster-deadline-ms'),
  concurrency: 16,
});

export type ClusterOutcome<T> =
  | { readonly cluster: string; readonly ok: true; readonly value: T; readonly ms: number }
  | {
      readonly cluster: string;
      readonly ok: false;
      readonly error: GatewayError;
      readonly ms: number;
    };

function asGatewayError(cluster: string, err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError('INTERNAL_SERVER_ERROR', `cluster "${cluster}": the operation failed`, {
    cluster,
    cause: err,
  });
}

/**
 * Runs one operation on many clusters and settles to a value or an error per cluster, in the
 * order of `clients`. Each cluster gets its own deadline (the earlier of its budget and the
 * request's), so one hanging cluster costs its budget, not the whole request; a failure never
 * touches the other clusters' results.
 */
export async function fanOut<T>(
  clients: readonly ImageApiClient[],
  operation: (client: ImageApiClient, call: CallOptions, index: number) => Promise<T>,
  base: CallOptions,
  options: FanOutOptions = DEFAULT_FAN_OUT,
): Promise<ClusterOutcome<T>[]> {
  const outcomes = new Array<ClusterOutcome<T>>(clients.length);
  let next = 0;
  const runOne = async (client: ImageApiClient, index: number): Promise<ClusterOutcome<T>> => {
    const cluster = client.cluster.name;
    const started = performance.now();
    const budget = AbortSignal.timeout(options.clusterDeadlineMs);
    const signal = base.signal ? AbortSignal.any([base.signal, budget]) : budget;
    setMaxListeners(0, signal);
    const deadlineAt = Math.min(
      base.deadlineAt ?? Number.POSITIVE_INFINITY,
      Date.now() + options.clusterDeadlineMs,
    );
    let timer: NodeJS.Timeout | undefined;
    // The operation may be waiting on something that does not listen to the signal (a queue);
    // the race makes the deadline hold regardless.
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new GatewayError(
              'UPSTREAM_TIMEOUT',
              `cluster "${cluster}": no answer within ${options.clusterDeadlineMs} ms`,
              { cluster },
            ),
          ),
        Math.max(0, deadlineAt - Date.now()),
      );
    });
    try {
      const value = await Promise.race([
        operation(client, { ...base, signal, deadlineAt }, index),
        expired,
      ]);
      return { cluster, ok: true, value, ms: performance.now() - started };
    } catch (err) {
      return {
        cluster,
        ok: false,
        error: asGatewayError(cluster, err),
        ms: performance.now() - started,
      };
    } finally {
      clearTimeout(timer);
    }
  };
  const worker = async (): Promise<void> => {
    while (next < clients.length) {
      const index = next++;
      const client = clients[index];
      if (client) outcomes[index] = await runOne(client, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, clients.length) }, worker));
  return outcomes;
}
