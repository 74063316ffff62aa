import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const children: ChildProcess[] = [];

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly out: () => string;
  readonly exit: Promise<number | null>;
}

/** Starts `image-gateway` as users do (NODE_ENV=production) and waits for its start line. */
async function start(args: string[]): Promise<Running> {
  if (!existsSync(MAIN))
    throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, NODE_ENV: 'production', KUBECONFIG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.resume();
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let url: string | undefined;
  // Polls for the start line; a slow, loaded machine only makes this take longer.
  for (let i = 0; i < 1_200 && !url && child.exitCode === null; i++) {
    url = /"url":"(http:\/\/127\.0\.0\.1:\d+\/graphql)"/.exec(out)?.[1];
    if (!url) await new Promise((r) => setTimeout(r, 50));
  }
  if (!url) throw new Error(`the gateway did not start: ${out}`);
  return { child, url, out: () => out, exit };
}

/** Waits until the gateway has sent the query's first upstream call (its loader batch ran). */
async function untilInFlight(url: string): Promise<void> {
  const metricsUrl = url.replace('/graphql', '/metrics');
  for (let i = 0; i < 1_200; i++) {
    const metrics = await fetch(metricsUrl).then((r) => r.text());
    if (/image_gateway_loader_batch_size_count\{loader="imageStream"\} 1\b/.test(metrics)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the query never reached the cluster');
}

const post = (url: string, query: string): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('shutdown in production mode (NODE_ENV=production, as npm start, the image and the Deployment run)', () => {
  it('finishes in-flight queries on SIGTERM, refuses new connections, and exits 0', async () => {
    // Every upstream call of the demo takes 1.5 s, so the query is in flight when SIGTERM comes.
    const gateway = await start(['--demo', '--port', '0', '--latency-ms', '1500']);
    const inFlight = post(
      gateway.url,
      '{ imageStream(cluster: "east", namespace: "openshift", name: "python") { name } }',
    );
    await untilInFlight(gateway.url);
    gateway.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { imageStream: { name: 'python' } } });
    expect(await gateway.exit).toBe(0);
    expect(gateway.out()).toContain('"msg":"stopped"');
    expect(gateway.out()).not.toContain('shutdown took too long');
    await expect(post(gateway.url, '{ clusters { name } }')).rejects.toThrow();
  }, 60_000);

  it('exits 0 on SIGINT when idle, closing Redis, without waiting for the grace period', async () => {
    const gateway = await start([
      '--demo',
      '--port',
      '0',
      '--redis-url',
      'redis://127.0.0.1:6379',
      '--redis-key-prefix',
      `oig-test-lifecycle-${process.pid}:`,
    ]);
    expect((await post(gateway.url, '{ clusters { name } }')).status).toBe(200);
    gateway.child.kill('SIGINT');
    expect(await gateway.exit).toBe(0);
    // The grace period ends with exit 1 and this line; a clean stop never reaches it.
    expect(gateway.out()).not.toContain('shutdown took too long');
    expect(gateway.out()).toContain('"msg":"stopped"');
  }, 60_000);

  it('exits at once, with 1, on a second signal during shutdown', async () => {
    const gateway = await start(['--demo', '--port', '0', '--latency-ms', '5000']);
    const inFlight = post(
      gateway.url,
      '{ imageStream(cluster: "east", namespace: "openshift", name: "python") { name } }',
    ).catch(() => undefined);
    await untilInFlight(gateway.url);
    gateway.child.kill('SIGTERM');
    for (let i = 0; i < 1_200 && !gateway.out().includes('shutting down'); i++)
      await new Promise((r) => setTimeout(r, 25));
    gateway.child.kill('SIGTERM');
    expect(await gateway.exit).toBe(1);
    expect(gateway.out()).toContain('second signal');
    await inFlight;
  }, 60_000);
});
