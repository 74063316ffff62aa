import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { killCliProcesses, MAIN, runCli, type CliRun } from '../helpers/runCli.js';
import { until } from '../helpers/until.js';

interface Running {
  readonly child: CliRun['child'];
  readonly url: string;
  readonly out: () => string;
  readonly exit: Promise<number | null>;
}

/** Starts `image-gateway` as users do (NODE_ENV=production) and waits for its start line. */
async function start(args: string[]): Promise<Running> {
  const run = runCli(args, { NODE_ENV: 'production' });
  const { url } = await run.started();
  return { child: run.child, url, out: () => run.out(), exit: run.exit };
}

/** Waits until the gateway has sent the query's first upstream call (its loader batch ran). */
async function untilInFlight(url: string): Promise<void> {
  const metricsUrl = url.replace('/graphql', '/metrics');
  await until(
    async () =>
      /image_gateway_loader_batch_size_count\{loader="imageStream"\} 1\b/.test(
        await fetch(metricsUrl).then((r) => r.text()),
      ),
    'the query reached the cluster',
  );
}

const post = (url: string, query: string): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });

afterEach(killCliProcesses);

/**
 * Starts the command and sends SIGTERM in the same tick its start line arrives, as a supervisor
 * that waits for the line may; resolves with how the process ended.
 */
function signalOnStartLine(
  args: string[],
): Promise<{ code: number | null; signal: string | null }> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env['PATH'], NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('\n') && child.exitCode === null && !child.killed) child.kill('SIGTERM');
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

describe('shutdown in production mode (NODE_ENV=production, as npm start, the image and the Deployment run)', () => {
  it('stops cleanly on a SIGTERM sent the moment the start line is read (serve and simulate)', async () => {
    // The handler used to be installed after the line: such a signal ended the process by
    // SIGTERM's default action (no exit code, nothing closed).
    const [serve, simulate] = await Promise.all([
      signalOnStartLine(['--demo', '--port', '0']),
      signalOnStartLine(['simulate', '--port', '0']),
    ]);
    expect(serve).toEqual({ code: 0, signal: null });
    expect(simulate).toEqual({ code: 0, signal: null });
  });

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
  });

  it('exits 0 at once with connections open that sent nothing, half a request line, or half a body', async () => {
    // Node stops its header and body timeouts once the server closes: these held the stop
    // until the grace period ended it with exit 1 ("shutdown took too long").
    const gateway = await start(['--demo', '--port', '0']);
    const { hostname, port } = new URL(gateway.url);
    const sockets = await Promise.all(
      [
        '',
        'GET /healthz HTTP/1.1\r\nHo',
        'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"q',
      ].map(
        (bytes) =>
          new Promise<net.Socket>((resolve) => {
            const socket = net.connect(Number(port), hostname, () => {
              socket.write(bytes, () => resolve(socket));
            });
            socket.on('error', () => undefined);
          }),
      ),
    );
    await until(async () => {
      const metrics = await fetch(gateway.url.replace('/graphql', '/metrics')).then((r) =>
        r.text(),
      );
      return metrics.includes('image_gateway_http_requests_total');
    }, 'the gateway answered a request after the connections opened');
    gateway.child.kill('SIGTERM');
    expect(await gateway.exit).toBe(0);
    expect(gateway.out()).not.toContain('shutdown took too long');
    for (const socket of sockets) socket.destroy();
  });

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
    // Connected first, so that the stop really has a Redis connection to close.
    await until(async () => {
      const ready = (await (await fetch(gateway.url.replace(/\/graphql$/, '/readyz'))).json()) as {
        cache?: { redis?: { connected?: boolean } };
      };
      return ready.cache?.redis?.connected === true;
    }, 'the gateway connected to Redis');
    gateway.child.kill('SIGINT');
    expect(await gateway.exit).toBe(0);
    // The grace period ends with exit 1 and this line; a clean stop never reaches it.
    expect(gateway.out()).not.toContain('shutdown took too long');
    expect(gateway.out()).toContain('"msg":"stopped"');
  });

  it('exits at once, with 1, on a second signal during shutdown', async () => {
    const gateway = await start(['--demo', '--port', '0', '--latency-ms', '5000']);
    const inFlight = post(
      gateway.url,
      '{ imageStream(cluster: "east", namespace: "openshift", name: "python") { name } }',
    ).catch(() => undefined);
    await untilInFlight(gateway.url);
    gateway.child.kill('SIGTERM');
    await until(() => gateway.out().includes('shutting down'), 'the first signal was taken');
    gateway.child.kill('SIGTERM');
    expect(await gateway.exit).toBe(1);
    expect(gateway.out()).toContain('second signal');
    await inFlight;
  });

  it('answers a request that outlives the grace period with what it has, then exits 0', async () => {
    // Upstream calls take 60 s; the grace period is 300 ms.
    const gateway = await start([
      '--demo',
      '--port',
      '0',
      '--latency-ms',
      '60000',
      '--shutdown-grace-ms',
      '300',
    ]);
    const inFlight = post(
      gateway.url,
      '{ imageStream(cluster: "east", namespace: "openshift", name: "python") { name } }',
    );
    await untilInFlight(gateway.url);
    gateway.child.kill('SIGTERM');
    const response = await inFlight;
    // Before: the connection was reset with no answer, and the process exited 1.
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data: unknown;
      errors: { message: string; extensions: unknown }[];
    };
    expect(body.data).toEqual({ imageStream: null });
    expect(body.errors[0]?.extensions).toEqual({ code: 'UPSTREAM_TIMEOUT', cluster: 'east' });
    expect(body.errors[0]?.message).toBe(
      'cluster "east": the gateway is shutting down: this part of the request was cut short',
    );
    expect(await gateway.exit).toBe(0);
  });

  it('stops on SIGTERM even when stdout is a closed pipe (`| head -1`)', async () => {
    const gateway = await start(['--demo', '--port', '0']);
    // `exit`, not `close`: the stdout this test destroys never reports closing.
    const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', resolve));
    // The reader goes away, as `head -1` does after the start line: every later write fails.
    gateway.child.stdout?.destroy();
    gateway.child.kill('SIGTERM');
    // Before: the log call threw EPIPE inside the signal handler and the process never exited.
    expect(await exited).toBe(0);
  });
});
