import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

describe('graceful shutdown', () => {
  it('finishes in-flight queries on SIGTERM, refuses new connections, and exits 0', async () => {
    if (!existsSync(MAIN))
      throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
    // Every upstream call of the demo takes 1.5 s, so the query is in flight when SIGTERM comes.
    const child = spawn(
      process.execPath,
      [MAIN, '--demo', '--port', '0', '--latency-ms', '1500', '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    let url: string | undefined;
    for (let i = 0; i < 300 && !url; i++) {
      url = /http:\/\/127\.0\.0\.1:\d+\/graphql/.exec(out)?.[0];
      if (!url) await new Promise((r) => setTimeout(r, 50));
    }
    expect(url).toBeDefined();
    const inFlight = fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ imageStream(cluster: "east", namespace: "openshift", name: "python") { name } }',
      }),
    });
    await new Promise((r) => setTimeout(r, 400));
    child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { imageStream: { name: 'python' } } });
    expect(await exited).toBe(0);
    await expect(
      fetch(url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ clusters { name } }"}',
      }),
    ).rejects.toThrow();
  }, 30_000);
});
