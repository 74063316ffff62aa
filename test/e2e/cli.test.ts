import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const children: ChildProcess[] = [];

function run(args: string[], env: Record<string, string> = {}): ChildProcess {
  if (!existsSync(MAIN))
    throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, KUBECONFIG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function collect(child: ChildProcess): {
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
} {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { out: () => out, err: () => err, exit };
}

async function waitFor(check: () => string | undefined, ms = 10_000): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('image-gateway command', () => {
  it('--demo prints the GraphQL URL with the real port, serves queries, and stops cleanly on SIGTERM', async () => {
    const child = run(['--demo', '--port', '0', '--log-level', 'warn']);
    const io = collect(child);
    const url = await waitFor(() => /http:\/\/127\.0\.0\.1:\d+\/graphql/.exec(io.out())?.[0]);
    expect(url).not.toContain(':0/');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ clusters { name } }' }),
    });
    expect(await res.json()).toEqual({ data: { clusters: [{ name: 'east' }, { name: 'west' }] } });
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('graphiql/graphiql.js');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const health = await fetch(url.replace('/graphql', '/healthz'));
    expect(health.status).toBe(200);
    child.kill('SIGTERM');
    expect(await io.exit).toBe(0);
  });

  it('rejects a bad flag with exit code 2 and a message naming it', async () => {
    const io = collect(run(['--demo', '--bogus']));
    expect(await io.exit).toBe(2);
    expect(io.err()).toContain("Unknown option '--bogus'");
    expect(io.out()).toBe('');
  });

  it('rejects an unknown context and an unreadable kubeconfig before starting anything', async () => {
    const kubeconfig = fileURLToPath(
      new URL('../fixtures/kubeconfig/two-contexts.yaml', import.meta.url),
    );
    const unknown = collect(run(['--kubeconfig', kubeconfig, '--context', 'north', '--port', '0']));
    expect(await unknown.exit).toBe(2);
    expect(unknown.err()).toContain('has no context named "north"');
    const missing = collect(run(['--port', '0'], { KUBECONFIG: '/nonexistent/config' }));
    expect(await missing.exit).toBe(2);
    expect(missing.err()).toContain('cannot read kubeconfig "/nonexistent/config"');
    expect(missing.out()).toBe('');
  });

  it('says clearly when the port is taken', async () => {
    const first = collect(run(['--demo', '--port', '0', '--log-level', 'warn']));
    const url = await waitFor(() => /http:\/\/127\.0\.0\.1:(\d+)\/graphql/.exec(first.out())?.[0]);
    const port = /:(\d+)\/graphql/.exec(url)?.[1] ?? '';
    const second = collect(run(['--demo', '--port', port]));
    expect(await second.exit).toBe(2);
    expect(second.err()).toContain(`port ${port} on 127.0.0.1 is already in use`);
  });

  it('simulate serves the OpenShift discovery and image API on its own', async () => {
    const io = collect(run(['simulate', '--name', 'solo', '--port', '0']));
    const base = await waitFor(() => /http:\/\/127\.0\.0\.1:\d+/.exec(io.out())?.[0]);
    const version = (await (await fetch(`${base}/version`)).json()) as { gitVersion: string };
    expect(version.gitVersion).toMatch(/^v1\./);
    const list = await fetch(
      `${base}/apis/image.openshift.io/v1/namespaces/openshift/imagestreams`,
      { headers: { authorization: 'Bearer demo-token-solo' } },
    );
    expect(list.status).toBe(200);
  });
});
