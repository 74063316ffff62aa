/** The first wait after a failed watch or list, ms. */
export const WATCH_BACKOFF_BASE_MS = 500;
/** The longest wait, ms (also the wait after a 401/403: the permission may be granted later). */
export const WATCH_BACKOFF_MAX_MS = 30_000;

/**
 * How long the location index waits after its `failures`-th failure in a row before it lists or
 * watches again: doubling from WATCH_BACKOFF_BASE_MS up to WATCH_BACKOFF_MAX_MS, with "full
 * jitter" on the upper half (`random` in [0, 1)) so that many gateways restarted together do not
 * hit an API server that comes back all at once (client-go's reflector backs off the same way).
 */
export function watchBackoffMs(failures: number, random: number): number {
  // NaN counts as the first failure and as no jitter: the answer is always a bounded wait.
  const exponent = Number.isNaN(failures) ? 0 : Math.min(Math.max(failures, 1) - 1, 16);
  const ceiling = Math.min(WATCH_BACKOFF_MAX_MS, WATCH_BACKOFF_BASE_MS * 2 ** exponent);
  const jitter = Number.isNaN(random) ? 0 : Math.min(Math.max(random, 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * jitter);
}
