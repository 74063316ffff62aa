import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createRedisTier,
  type RedisTier,
  type RedisTierOptions,
} from '../../src/cache/createRedisTier.js';
import { startRedisServer, type RedisServer } from '../helpers/startRedisServer.js';

/** Polls a condition (no fixed sleeps): resolves once it holds, fails after 15 s. */
async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('createRedisTier', () => {
  let server: RedisServer;
  const tiers: RedisTier[] = [];
  let clock = 0;
  let failures: string[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    server.resume();
    await Promise.all(tiers.splice(0).map((tier) => tier.close()));
    failures = [];
  });
  afterAll(async () => {
    await server?.close();
  });

  async function tierOf(options: Partial<RedisTierOptions> = {}): Promise<RedisTier> {
    const tier = createRedisTier({
      url: server.url,
      keyPrefix: 't:',
      onFailure: (message) => failures.push(message),
      now: () => clock,
      // A loaded test machine must not turn a healthy Redis into a timeout.
      commandTimeoutMs: 5_000,
      ...options,
    });
    tiers.push(tier);
    if (options.url === undefined) await until('connected', () => tier.stats().connected);
    return tier;
  }

  it('reads values in order: none as undefined, another type as an Error, at most maxValueBytes + 1 bytes', async () => {
    await server.client.set('t:a', 'alpha');
    await server.client.set('t:empty', '');
    await server.client.set('t:big', 'x'.repeat(5000));
    await server.client.rpush('t:list', 'x');
    const tier = await tierOf({ maxValueBytes: 1000 });
    const [a, missing, empty, big, list] = await tier.read([
      'a',
      'missing',
      'empty',
      'big',
      'list',
    ]);
    expect(a).toEqual(Buffer.from('alpha'));
    expect(missing).toBeUndefined();
    expect(empty).toBeUndefined();
    expect(big).toEqual(Buffer.from('x'.repeat(1001)));
    expect(list).toBeInstanceOf(Error);
    expect((list as Error).message).toMatch(/^WRONGTYPE/);
    // A value of another type is the key's problem, not Redis failing.
    expect(tier.stats()).toMatchObject({ outstanding: 0, failed: 0, breaker: 'closed' });
    expect(failures).toEqual([]);
  });

  it('reads many keys in pipelines of 100, each taking what fits under the cap', async () => {
    const keys = Array.from({ length: 250 }, (_, i) => `many:${i}`);
    await server.client.mset(...keys.flatMap((key, i) => [`t:${key}`, String(i)]));
    const roomy = await tierOf({ maxOutstanding: 300 });
    const all = await roomy.read(keys);
    expect(all.map((value) => value?.toString())).toEqual(keys.map((_, i) => String(i)));
    expect(roomy.stats()).toMatchObject({ peakOutstanding: 250, skipped: 0, outstanding: 0 });
    // 100 + 100 fit under 220; the last 50 do not, and are misses.
    const tight = await tierOf({ maxOutstanding: 220 });
    const some = await tight.read(keys);
    expect(some.map((value) => value?.toString())).toEqual(
      keys.map((_, i) => (i < 200 ? String(i) : undefined)),
    );
    expect(tight.stats()).toMatchObject({ peakOutstanding: 200, skipped: 1, outstanding: 0 });
  });

  it('writes with a TTL, in milliseconds', async () => {
    const tier = await tierOf();
    tier.write('w', Buffer.from('value'), 60_000);
    await until('written', async () => (await server.client.get('t:w')) === 'value');
    const ttl = await server.client.pttl('t:w');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await until('answered', () => tier.stats().outstanding === 0);
  });

  it('under a stalled server: keeps at most maxOutstanding commands out, counts those that timed out until the connection goes, opens the breaker, reconnects, and recovers after it resumes', async () => {
    await server.client.set('t:a', 'alpha');
    const openMs = 1_000;
    const tier = await tierOf({
      maxOutstanding: 4,
      commandTimeoutMs: 300,
      breaker: { failureThreshold: 3, openMs },
    });
    server.pause();

    const stalled = tier.read(['a', 'b', 'c']);
    expect(tier.stats().outstanding).toBe(3);
    // 3 + 2 > 4: skipped at once, a miss.
    expect(await tier.read(['d', 'e'])).toEqual([undefined, undefined]);
    tier.write('w1', Buffer.from('1'), 60_000);
    tier.write('w2', Buffer.from('2'), 60_000);
    expect(tier.stats()).toMatchObject({ outstanding: 4, skipped: 2 });

    // Both time out (2 failures); their commands stay queued on the connection, so stay counted.
    expect(await stalled).toEqual([undefined, undefined, undefined]);
    await until('the write timed out', () => tier.stats().failed === 2);
    expect(tier.stats()).toMatchObject({ outstanding: 4, breaker: 'closed', opened: 0 });

    // Kept out by them: the third failure in a row opens the breaker, which drops the connection.
    expect(await tier.read(['a'])).toEqual([undefined]);
    expect(tier.stats()).toMatchObject({ breaker: 'open', opened: 1, skipped: 3 });
    await until(
      'the stuck commands went with their connection',
      () => tier.stats().outstanding === 0,
    );
    expect(tier.stats().peakOutstanding).toBe(4);
    expect(failures).toContain('the shared cache (Redis) failed a read');
    expect(failures).toContain('the shared cache (Redis) failed a write');
    expect(failures).toContain(
      `the shared cache (Redis) failed 3 times in a row; not using it for ${openMs} ms, reconnecting`,
    );

    // Open: nothing is sent, even once the server answers again.
    server.resume();
    await until('reconnected', () => tier.stats().connected);
    expect(await tier.read(['a'])).toEqual([undefined]);
    expect(tier.stats().breaker).toBe('open');
    // Then one probe; its answer closes the breaker (a probe that a loaded machine lets time
    // out opens it again, for another openMs).
    await until('a probe was answered', async () => {
      clock += openMs;
      return (await tier.read(['a']))[0]?.toString() === 'alpha';
    });
    expect(tier.stats()).toMatchObject({ breaker: 'closed', outstanding: 0, peakOutstanding: 4 });
  });

  it('frees the slots of commands that timed out once a later command is answered', async () => {
    await server.client.set('t:a', 'alpha');
    const tier = await tierOf({
      commandTimeoutMs: 300,
      breaker: { failureThreshold: 1000, openMs: 1000 },
    });
    server.pause();
    expect(await tier.read(['a', 'b'])).toEqual([undefined, undefined]);
    expect(tier.stats()).toMatchObject({ outstanding: 2, failed: 1, breaker: 'closed' });
    server.resume();
    // Redis answers in order: this answer means the two before it were answered too.
    await until('answered', async () => (await tier.read(['a']))[0] !== undefined);
    expect(tier.stats()).toMatchObject({ outstanding: 0, breaker: 'closed' });
  });

  it('skips Redis while it is down: reads are misses, writes are dropped, the failure is reported', async () => {
    const tier = await tierOf({ url: 'redis://127.0.0.1:1' });
    await until('the connection failed', () => failures.length > 0);
    expect(await tier.read(['a', 'b'])).toEqual([undefined, undefined]);
    tier.write('w', Buffer.from('v'), 1000);
    expect(tier.stats()).toMatchObject({ connected: false, outstanding: 0, skipped: 2 });
    expect(failures[0]).toBe(
      'the shared cache (Redis) is unavailable; serving from the in-process cache',
    );
  });

  it('closes while the server is stalled', async () => {
    const tier = await tierOf({ commandTimeoutMs: 300 });
    server.pause();
    const stalled = tier.read(['a']);
    await tier.close();
    expect(await stalled).toEqual([undefined]);
    expect(await tier.read(['a'])).toEqual([undefined]);
  });
});
