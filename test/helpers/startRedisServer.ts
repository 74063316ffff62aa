import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/**
 * A redis-server of the test's own on a free loopback port, without persistence, that the test
 * may stall (SIGSTOP) and resume — never the shared one on 6379.
 */
export interface RedisServer {
  readonly url: string;
  /** A client of its own (no key prefix), for seeding and inspecting values. */
  readonly client: Redis;
  /** Stops the process (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Lets it run again (SIGCONT). */
  resume(): void;
  close(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });

async function tryStart(): Promise<{ child: ChildProcess; port: number } | undefined> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<undefined>((resolve) => child.once('exit', () => resolve(undefined)));
  const ready = (async () => {
    const until = Date.now() + 10_000;
    while (!out.includes('Ready to accept connections')) {
      if (child.exitCode !== null || Date.now() > until) return undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
    return { child, port };
  })();
  const started = await Promise.race([ready, exited]);
  if (!started) {
    child.kill('SIGKILL');
    // Another process took the port between the probe and the start: try another.
    if (/Address already in use/i.test(out)) return undefined;
    throw new Error(`redis-server did not start: ${out}`);
  }
  return started;
}

export async function startRedisServer(): Promise<RedisServer> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = await tryStart();
    if (!started) continue;
    const { child, port } = started;
    const killOnExit = (): void => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    const url = `redis://127.0.0.1:${port}`;
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    return {
      url,
      client,
      pause: () => void child.kill('SIGSTOP'),
      resume: () => void child.kill('SIGCONT'),
      async close() {
        process.off('exit', killOnExit);
        client.disconnect();
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        killOnExit();
        await exited;
      },
    };
  }
  throw new Error('redis-server did not find a free port in 5 attempts');
}
