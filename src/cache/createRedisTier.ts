import { createRequire } from 'node:module';
import { defaultOf } from '../config/options.js';
import type { Redis as RedisClient } from 'ioredis';
import {
  createCircuitBreaker,
  type BreakerState,
  type BreakerTicket,
  type CircuitBreakerOptions,
} from '../upstream/createCircuitBreaker.js';

/**
 * Redis as a store that may fail, stall or lie, used only when that costs a GraphQL request
 * nothing but the command timeout:
 *
 * - every command has a timeout (ioredis `commandTimeout`), nothing waits in an offline queue,
 *   and nothing is sent again after a reconnect;
 * - at most `maxOutstanding` commands are out at once; past it a read is a miss and a write is
 *   dropped. A command that timed out still sits in the client's queue (and its bytes in the
 *   socket's buffer) until Redis answers it or the connection closes, so it stays counted until
 *   then: Redis answers in order, so an answer to a later command means it was answered too. A
 *   request kept out while such commands hold slots is a failure of the connection;
 * - after `failureThreshold` timeouts or connection errors in a row a breaker stops using Redis
 *   for `openMs` and the connection is dropped and made again, which flushes the commands stuck
 *   behind a stalled server instead of letting them pile up. Then one command goes as a probe;
 *   its answer closes the breaker. Refusals by a server that answers (an error reply) are
 *   counted and logged but do not open the breaker: the server is not stalled.
 *
 * Values are read with GETRANGE so that no value costs more than `maxValueBytes + 1` bytes to
 * read, whatever a writer put there.
 */
export interface RedisTier {
  /**
   * The values under `keys`, `maxValueBytes + 1` bytes of each at most, in order: undefined where
   * there is none (or the value is empty), an Error where Redis refused the key (a value of
   * another type). Keys go in pipelines of at most 100 (or the cap); every key of a pipeline is
   * undefined when it is skipped or fails.
   */
  read(keys: readonly string[]): Promise<(Buffer | Error | undefined)[]>;
  /** Sets a value with a TTL, without waiting; dropped when Redis is skipped, failures logged. */
  write(key: string, value: Buffer, ttlMs: number): void;
  stats(): RedisTierStats;
  close(): Promise<void>;
}

export interface RedisTierStats {
  /** The connection is up and ready for commands. */
  readonly connected: boolean;
  /** Commands sent and neither answered nor dropped with their connection. */
  readonly outstanding: number;
  /** The most there ever were at once. */
  readonly peakOutstanding: number;
  /** Reads and writes not sent: not connected, over the cap, or the breaker open. */
  readonly skipped: number;
  /** Reads and writes that failed: timed out, lost their connection, or were refused. */
  readonly failed: number;
  readonly breaker: BreakerState;
  /** Times the breaker opened. */
  readonly opened: number;
}

export interface RedisTierOptions {
  readonly url: string;
  /** Prefix of every key (ioredis `keyPrefix`). */
  readonly keyPrefix: string;
  /** Each command's timeout, ms (default 200). */
  readonly commandTimeoutMs?: number | undefined;
  /** Commands out at once at most (default 512). */
  readonly maxOutstanding?: number | undefined;
  /** Bytes of a value that are read at most, plus one to tell a longer value (default 2 MiB). */
  readonly maxValueBytes?: number | undefined;
  /** When to stop using Redis for a while (default: 3 failures in a row, then 5 s). */
  readonly breaker?: CircuitBreakerOptions | undefined;
  /** Receives every failure (for the log and the error count). */
  readonly onFailure: (message: string, err: unknown) => void;
  readonly now?: (() => number) | undefined;
}

export const DEFAULT_REDIS_TIER = Object.freeze({
  commandTimeoutMs: defaultOf('redis-command-timeout-ms'),
  maxOutstanding: 512,
  maxValueBytes: 2 * 1024 * 1024,
  breaker: Object.freeze({ failureThreshold: 3, openMs: 5_000 }),
});

/** An error reply: the server answered, and refused the command. */
const isErrorReply = (err: unknown): boolean => err instanceof Error && err.name === 'ReplyError';

interface Sent {
  readonly seq: number;
  readonly commands: number;
  /** The connection the commands went out on. */
  readonly connection: number;
}

export function createRedisTier(options: RedisTierOptions): RedisTier {
  const maxOutstanding = options.maxOutstanding ?? DEFAULT_REDIS_TIER.maxOutstanding;
  const maxValueBytes = options.maxValueBytes ?? DEFAULT_REDIS_TIER.maxValueBytes;
  const breakerOptions = options.breaker ?? DEFAULT_REDIS_TIER.breaker;
  // A large read goes as several pipelines, so that it takes what fits under the cap instead
  // of being skipped whole.
  const readChunk = Math.max(1, Math.min(100, maxOutstanding));
  // ioredis is loaded when the first Redis tier is made, not at import: a gateway without
  // --redis-url never loads it (a default start's largest module, a few hundred ms).
  const { Redis } = createRequire(import.meta.url)('ioredis') as { Redis: typeof RedisClient };
  const client = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_TIER.commandTimeoutMs,
    // Fail at once while not connected, and never send a command again on a new connection:
    // the cache is an optimisation, a late answer is worth nothing.
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    // Reject what the closed connection still held as soon as it closes.
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    // A connection closed while the server does not read is destroyed after this.
    disconnectTimeout: 1_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let seq = 0;
  let connection = 0;
  let outstanding = 0;
  let peakOutstanding = 0;
  let skipped = 0;
  let failed = 0;
  let opened = 0;
  /** Requests that timed out on the current connection. */
  let stuck: Sent[] = [];
  let closing = false;

  const breaker = createCircuitBreaker(breakerOptions, options.now ?? Date.now, (state) => {
    if (state !== 'open') return;
    opened += 1;
    options.onFailure(
      `the shared cache (Redis) failed ${breakerOptions.failureThreshold} times in a row; not using it for ${breakerOptions.openMs} ms, reconnecting`,
      undefined,
    );
    // Drop the connection: what is queued on it is rejected, and a new one is made.
    if (!closing) client.disconnect(true);
  });

  client.on('error', (err: unknown) =>
    options.onFailure(
      'the shared cache (Redis) is unavailable; serving from the in-process cache',
      err,
    ),
  );
  client.on('close', () => {
    // Whatever was queued on the closed connection has been rejected with it.
    connection += 1;
    for (const sent of stuck) outstanding -= sent.commands;
    stuck = [];
  });

  const admit = (commands: number): { sent: Sent; ticket: BreakerTicket } | undefined => {
    if (closing || client.status !== 'ready' || outstanding + commands > maxOutstanding) {
      skipped += 1;
      // Slots held by commands that timed out come back only when the connection answers or
      // closes: while they keep this request out, the connection is failing it too (enough of
      // these open the breaker, which closes the connection and frees them).
      if (stuck.length > 0 && client.status === 'ready') {
        const ticket = breaker.admit();
        if (ticket) breaker.onFailure(ticket);
      }
      return undefined;
    }
    const ticket = breaker.admit();
    if (!ticket) {
      skipped += 1;
      return undefined;
    }
    seq += 1;
    outstanding += commands;
    peakOutstanding = Math.max(peakOutstanding, outstanding);
    return { sent: { seq, commands, connection }, ticket };
  };

  /** Redis answered `sent`: it answered everything sent before it on that connection too. */
  const answered = (sent: Sent, ticket: BreakerTicket): void => {
    outstanding -= sent.commands;
    stuck = stuck.filter((earlier) => {
      if (earlier.seq > sent.seq) return true;
      outstanding -= earlier.commands;
      return false;
    });
    breaker.onSuccess(ticket);
  };

  /** `sent` timed out or lost its connection: it may still be queued on a live connection. */
  const unanswered = (sent: Sent, ticket: BreakerTicket, message: string, err: unknown): void => {
    if (sent.connection === connection) stuck.push(sent);
    else outstanding -= sent.commands;
    failed += 1;
    breaker.onFailure(ticket);
    options.onFailure(message, err);
  };

  /** One pipeline of GETRANGEs, one round trip. */
  const readPipeline = async (keys: readonly string[]): Promise<(Buffer | Error | undefined)[]> => {
    const none = keys.map(() => undefined);
    const admitted = admit(keys.length);
    if (!admitted) return none;
    const { sent, ticket } = admitted;
    const pipeline = client.pipeline();
    for (const key of keys) pipeline.getrangeBuffer(key, 0, maxValueBytes);
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (err) {
      unanswered(sent, ticket, 'the shared cache (Redis) failed a read', err);
      return none;
    }
    const lost = (results ?? []).find(([err]) => err && !isErrorReply(err))?.[0];
    if (!results || lost) {
      unanswered(sent, ticket, 'the shared cache (Redis) failed a read', lost);
      return none;
    }
    answered(sent, ticket);
    return results.map(([err, value]) =>
      err ? err : Buffer.isBuffer(value) && value.length > 0 ? value : undefined,
    );
  };

  return {
    async read(keys) {
      const chunks: (readonly string[])[] = [];
      for (let i = 0; i < keys.length; i += readChunk) chunks.push(keys.slice(i, i + readChunk));
      return (await Promise.all(chunks.map(readPipeline))).flat();
    },
    write(key, value, ttlMs) {
      const admitted = admit(1);
      if (!admitted) return;
      const { sent, ticket } = admitted;
      client.set(key, value, 'PX', ttlMs).then(
        () => answered(sent, ticket),
        (err: unknown) => {
          if (!isErrorReply(err)) {
            unanswered(sent, ticket, 'the shared cache (Redis) failed a write', err);
            return;
          }
          answered(sent, ticket);
          failed += 1;
          options.onFailure('the shared cache (Redis) refused a write', err);
        },
      );
    },
    stats() {
      return {
        connected: client.status === 'ready',
        outstanding,
        peakOutstanding,
        skipped,
        failed,
        breaker: breaker.state,
        opened,
      };
    },
    async close() {
      closing = true;
      // QUIT waits for the answers to what was sent; a stalled server gets the command timeout.
      await client.quit().catch(() => client.disconnect());
    },
  };
}
