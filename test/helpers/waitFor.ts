/**
 * Polls a condition until it holds, for state that changes on another socket or event loop turn
 * (a server accepting a connection). Polling, never a fixed sleep: the wait is as short as the
 * machine allows. The limit only turns a hang into a failure that says what was awaited.
 */
export async function waitFor(
  condition: () => boolean,
  what: string,
  limitMs = 10_000,
): Promise<void> {
  const giveUpAt = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
