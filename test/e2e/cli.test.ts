import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { usage } from '../../src/config/usage.js';
import { killCliProcesses, runCli, type CliRun, type StartLine } from '../helpers/runCli.js';

/**
 * The built command as users run it (`npx image-gateway`, no NODE_ENV), one process per test.
 * How fast --help answers is measured by `npm run bench:cli`, not here: these tests assert what
 * the command says and does, never how long it took.
 */

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
const HINT = 'Run "image-gateway --help" for the options.\n';
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

// A failed test leaves no process behind.
afterAll(killCliProcesses);

const post = (url: string, query: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });

/** A TCP listener holding a port, so that the command finds it taken. */
async function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The stdout lines of a finished process, each parsed as JSON (throws on a line that is not). */
function jsonLines(run: CliRun): Record<string, unknown>[] {
  const out = run.out();
  expect(out.endsWith('\n')).toBe(true);
  return out
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const portOf = (start: StartLine): string => new URL(start.url).port;

describe('image-gateway answers without starting anything', () => {
  afterEach(killCliProcesses);

  it('--version prints the version of package.json', async () => {
    const run = runCli(['--version']);
    expect(await run.exit).toBe(0);
    expect(run.out()).toBe(`${VERSION}\n`);
    expect(run.err()).toBe('');
  });

  it('--help and -h print the usage, for either command, and exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['simulate', '--help'], ['--demo', '--help']]) {
      const run = runCli(args);
      expect(await run.exit).toBe(0);
      expect(run.out()).toBe(usage());
      expect(run.err()).toBe('');
    }
    expect(usage()).toContain('  --max-refs N');
  });

  it('rejects a bad flag with exit code 2 and a message naming it', async () => {
    const run = runCli(['--demo', '--bogus']);
    expect(await run.exit).toBe(2);
    expect(run.err()).toBe(`image-gateway: Unknown option '--bogus'\n${HINT}`);
    expect(run.out()).toBe('');
  });

  it('suggests the flag that was meant', async () => {
    const run = runCli(['--demo', '--max-ref', '10']);
    expect(await run.exit).toBe(2);
    expect(run.err()).toBe(
      `image-gateway: Unknown option '--max-ref' (did you mean --max-refs?)\n${HINT}`,
    );
    expect(run.out()).toBe('');
  });

  it('refuses an unknown IMAGE_GATEWAY_ variable by name, with a suggestion when one is close', async () => {
    const unknown = runCli(['--demo'], { IMAGE_GATEWAY_X: '1' });
    expect(await unknown.exit).toBe(2);
    expect(unknown.err()).toBe(
      `image-gateway: unknown environment variable IMAGE_GATEWAY_X\n${HINT}`,
    );
    const typo = runCli(['--demo'], { IMAGE_GATEWAY_MAX_REF: '10' });
    expect(await typo.exit).toBe(2);
    expect(typo.err()).toBe(
      `image-gateway: unknown environment variable IMAGE_GATEWAY_MAX_REF (did you mean IMAGE_GATEWAY_MAX_REFS?)\n${HINT}`,
    );
  });

  it('refuses a bad value in an IMAGE_GATEWAY_ variable, naming the variable', async () => {
    const run = runCli(['--demo'], { IMAGE_GATEWAY_PORT: 'http' });
    expect(await run.exit).toBe(2);
    expect(run.err()).toBe(
      `image-gateway: IMAGE_GATEWAY_PORT must be an integer from 0 to 65535, got "http"\n${HINT}`,
    );
  });

  it('rejects an unknown context and an unreadable kubeconfig before starting anything', async () => {
    const kubeconfig = fileURLToPath(
      new URL('../fixtures/kubeconfig/two-contexts.yaml', import.meta.url),
    );
    const unknown = runCli(['--kubeconfig', kubeconfig, '--context', 'north', '--port', '0']);
    expect(await unknown.exit).toBe(2);
    expect(unknown.err()).toContain('has no context named "north"');
    expect(unknown.out()).toBe('');
    const missing = runCli(['--port', '0'], { KUBECONFIG: '/nonexistent/config' });
    expect(await missing.exit).toBe(2);
    expect(missing.err()).toContain('cannot read kubeconfig "/nonexistent/config"');
    expect(missing.out()).toBe('');
  });

  it('refuses a kubeconfig, or a file it names, that is a device or a FIFO, instead of hanging on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-kubeconfig-'));
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(
      join(dir, 'config'),
      `current-context: a\nclusters: [{name: a, cluster: {server: "https://127.0.0.1:1", certificate-authority: /dev/zero}}]\ncontexts: [{name: a, context: {cluster: a}}]\n`,
    );
    const device = runCli(['--kubeconfig', join(dir, 'config'), '--port', '0']);
    const pipe = runCli(['--kubeconfig', fifo, '--port', '0']);
    expect(await device.exit).toBe(2);
    expect(device.err()).toContain(
      'context "a": cannot read certificate-authority "/dev/zero" (not a regular file) for cluster "a"',
    );
    expect(await pipe.exit).toBe(2);
    expect(pipe.err()).toContain(`cannot read kubeconfig "${fifo}" (not a regular file)`);
  });
});

describe('image-gateway serve', () => {
  afterEach(killCliProcesses);

  it('--trusted-documents runs the codegen manifest by hash and refuses anything else; a bad manifest stops start-up', async () => {
    const manifest = fileURLToPath(
      new URL('../../examples/generated/persisted-documents.json', import.meta.url),
    );
    const hash = Object.entries(
      JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, string>,
    ).find(([, d]) => d.startsWith('query ListMyNamespaces'))?.[0];
    const run = runCli([
      '--demo',
      '--port',
      '0',
      '--log-level',
      'warn',
      '--trusted-documents',
      manifest,
    ]);
    const { url } = await run.started();
    const byHash = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ documentId: `sha256:${hash}`, variables: { first: 1 } }),
    });
    expect(byHash.status).toBe(200);
    expect(JSON.stringify(await byHash.json())).toContain('"totalCount":11');
    const adHoc = await post(url, '{ clusters { name } }');
    expect(adHoc.status).toBe(400);
    expect(await adHoc.json()).toMatchObject({
      errors: [{ extensions: { code: 'BAD_USER_INPUT', reason: 'TRUSTED_DOCUMENT_REQUIRED' } }],
    });
    expect(await run.stop()).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), 'cli-trusted-'));
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ ['0'.repeat(64)]: '{ clusters { name } }' }),
    );
    const bad = runCli(['--demo', '--port', '0', '--trusted-documents', join(dir, 'bad.json')]);
    expect(await bad.exit).toBe(2);
    expect(bad.err()).toContain('--trusted-documents: "');
    expect(bad.err()).toContain('regenerate the manifest');
    expect(bad.out()).toBe('');
  });

  it('--demo prints the GraphQL URL with the real port, serves queries, and stops cleanly on SIGTERM', async () => {
    const run = runCli(['--demo', '--port', '0', '--log-level', 'warn']);
    const { url } = await run.started();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(portOf(await run.started())).not.toBe('0');
    const res = await post(url, '{ clusters { name } }');
    expect(await res.json()).toEqual({ data: { clusters: [{ name: 'east' }, { name: 'west' }] } });
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('graphiql/graphiql.js');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const health = await fetch(url.replace('/graphql', '/healthz'));
    expect(health.status).toBe(200);
    expect(await run.stop()).toBe(0);
  });

  it('writes JSON lines only to stdout (ISO time, level names), and the demo’s "Try it" to stderr', async () => {
    const run = runCli(['--demo', '--port', '0', '--log-level', 'debug']);
    const { url } = await run.started();
    expect((await post(url, '{ clusters { name status { reachable } } }')).status).toBe(200);
    expect(await run.stop()).toBe(0);
    const lines = jsonLines(run);
    for (const line of lines) {
      expect(line['time']).toMatch(ISO_TIME);
      expect(LEVELS.has(String(line['level']))).toBe(true);
      expect(line['service']).toBe('image-gateway');
    }
    const messages = lines.map((l) => l['msg']);
    expect(messages).toContain(`serving GraphQL on ${url}`);
    expect(messages).toContain('stopped');
    // At debug level the upstream calls are logged too: more than the start and stop lines.
    expect(lines.filter((l) => l['level'] === 'debug').length).toBeGreaterThan(0);
    expect(run.out()).not.toContain('Try it');
    expect(run.err()).toContain(`Try it:\n  curl -s ${url} -H 'content-type: application/json'`);
    expect(run.err()).toContain(`or open ${url} in a browser.`);
  });

  it('reads IMAGE_GATEWAY_PORT and IMAGE_GATEWAY_LOG_LEVEL', async () => {
    const run = runCli(['--demo'], { IMAGE_GATEWAY_PORT: '0', IMAGE_GATEWAY_LOG_LEVEL: 'warn' });
    const start = await run.started();
    // Port 0 picked a free port (not the default 4000).
    expect(portOf(start)).not.toBe('4000');
    expect((await post(start.url, '{ clusters { name } }')).status).toBe(200);
    expect(await run.stop()).toBe(0);
    // warn: the start line (always written) and nothing else, not even "stopped".
    expect(jsonLines(run).map((l) => l['msg'])).toEqual([`serving GraphQL on ${start.url}`]);
  });

  it('lets flags win over IMAGE_GATEWAY_ variables', async () => {
    const taken = await holdPort();
    try {
      // Were the environment read for --port, the gateway could not start on the taken port;
      // were it read for --log-level, the debug lines would show.
      const run = runCli(['--demo', '--port', '0', '--log-level', 'warn'], {
        IMAGE_GATEWAY_PORT: String(taken.port),
        IMAGE_GATEWAY_LOG_LEVEL: 'debug',
      });
      const start = await run.started();
      expect(portOf(start)).not.toBe(String(taken.port));
      expect((await post(start.url, '{ clusters { name } }')).status).toBe(200);
      expect(await run.stop()).toBe(0);
      expect(jsonLines(run).map((l) => l['msg'])).toEqual([`serving GraphQL on ${start.url}`]);
    } finally {
      await taken.close();
    }
  });

  it('says clearly when the port is taken, for serve and simulate alike', async () => {
    const taken = await holdPort();
    try {
      const expected = `image-gateway: port ${taken.port} on 127.0.0.1 is already in use\n${HINT}`;
      const serve = runCli(['--demo', '--port', String(taken.port)]);
      const simulate = runCli(['simulate', '--port', String(taken.port)]);
      expect(await serve.exit).toBe(2);
      expect(serve.err()).toBe(expected);
      expect(await simulate.exit).toBe(2);
      expect(simulate.err()).toBe(expected);
      expect(simulate.out()).toBe('');
    } finally {
      await taken.close();
    }
  });
});

describe('image-gateway serve --metrics-port --cors-origin', () => {
  const ALLOWED = 'https://console.example.com';
  const OTHER = 'https://evil.example.com';
  let run: CliRun;
  let start: StartLine;
  beforeAll(async () => {
    run = runCli([
      '--demo',
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--cors-origin',
      ALLOWED,
      '--log-level',
      'warn',
    ]);
    start = await run.started();
  });
  afterAll(async () => {
    expect(await run.stop()).toBe(0);
  });

  it('serves /metrics on the metrics port only', async () => {
    const metrics = start.metrics ?? '';
    expect(metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metrics).port).not.toBe(portOf(start));
    expect((await post(start.url, '{ clusters { name } }')).status).toBe(200);
    const scraped = await fetch(metrics);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(
      /^image_gateway_http_requests_total\{route="\/graphql",method="POST",status="200"\} 1$/m,
    );
    expect((await fetch(start.url.replace('/graphql', '/metrics'))).status).toBe(404);
    // Probes work on both.
    expect((await fetch(start.url.replace('/graphql', '/healthz'))).status).toBe(200);
    expect((await fetch(metrics.replace('/metrics', '/healthz'))).status).toBe(200);
  });

  it('answers a preflight from an allowed origin, and no other', async () => {
    const preflight = (origin: string) =>
      fetch(start.url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight(ALLOWED);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const other = await preflight(OTHER);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const query = await post(start.url, '{ clusters { name } }', { origin: ALLOWED });
    expect(query.status).toBe(200);
    expect(query.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  it('still refuses a simple cross-site GET (CSRF prevention), from any origin', async () => {
    const url = `${start.url}?query=${encodeURIComponent('{ clusters { name } }')}`;
    for (const origin of [OTHER, ALLOWED]) {
      const res = await fetch(url, { headers: { origin } });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: { message: string }[] };
      expect(body.errors[0]?.message).toContain('Cross-Site Request Forgery (CSRF)');
    }
    const withPreflightHeader = await fetch(url, {
      headers: { origin: ALLOWED, 'apollo-require-preflight': 'true' },
    });
    expect(withPreflightHeader.status).toBe(200);
    expect(withPreflightHeader.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });
});

describe('image-gateway simulate', () => {
  afterEach(killCliProcesses);

  it('serves the OpenShift discovery and image API on its own', async () => {
    const run = runCli(['simulate', '--name', 'solo', '--port', '0']);
    const { url } = await run.started();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const version = (await (await fetch(`${url}/version`)).json()) as { gitVersion: string };
    expect(version.gitVersion).toBe('v1.29.0+simulated');
    const list = await fetch(
      `${url}/apis/image.openshift.io/v1/namespaces/openshift/imagestreams`,
      {
        headers: { authorization: 'Bearer demo-token-solo' },
      },
    );
    expect(list.status).toBe(200);
    expect(await run.stop()).toBe(0);
    for (const line of jsonLines(run)) expect(line['time']).toMatch(ISO_TIME);
  });
});
