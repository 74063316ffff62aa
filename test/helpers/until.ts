/**
 * Polling, the one way tests wait: for a server to come up, a queue to drain, a breaker to let
 * a probe through. A loaded machine makes the wait longer, never the test wrong. The bound only
 * matters when something is broken; it is far above any healthy wait, and below the e2e test
 * timeout, so a broken test fails with the thing it waited for rather than "test timed out".
 */
export const POLL_LIMIT_MS = 60_000;

/** Resolves with the first value `read` returns that is not undefined; throws after `limitMs`. */
export async function pollFor<T>(
  read: () => T | undefined | Promise<T | undefined>,
  what: string,
  limitMs = POLL_LIMIT_MS,
): Promise<T> {
  const until = Date.now() + limitMs;
  for (let delayMs = 5; ; delayMs = Math.min(delayMs * 2, 100)) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up after ${limitMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

/** Resolves once `condition` holds; throws after `limitMs`, naming what never happened. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  limitMs = POLL_LIMIT_MS,
): Promise<void> {
  await pollFor(async () => ((await condition()) ? true : undefined), what, limitMs);
}
