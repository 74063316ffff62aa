import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadGraphiQLAssets } from '../../src/graphiqlPage.js';
import { buildImageStream } from '../../src/simulator/buildImageStream.js';
import { startStack, type Stack, type StackOptions } from '../helpers/startStack.js';
import { until } from '../helpers/until.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOT = 'test-results/graphiql.png';
const available = existsSync(CHROMIUM);
// CI always runs this test (.ci/run installs Chromium); elsewhere it says loudly that it cannot.
const run = available || process.env['CI'] === 'true';
if (!run) {
  console.warn(
    `\n!!! ${CHROMIUM} is missing: the GraphiQL browser test does NOT run here. Install Debian's chromium (apt-get install chromium) to run it. !!!\n`,
  );
}

describe.runIf(run)('GraphiQL in a real browser', () => {
  let stack: Stack;
  let browser: Browser;
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'warn' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A stack whose location index feeds subscriptions, with the demo's demo/ticker on east. */
  async function startIndexed(options: StackOptions = {}): Promise<Stack> {
    const indexed = await startStack({
      logLevel: 'warn',
      locationIndex: { maxEntries: 100_000 },
      ...options,
    });
    cleanups.push(() => indexed.close());
    indexed.sims['east']?.changes.putImageStream(buildImageStream('demo', 'ticker', [], []));
    await until(
      () => Object.values(indexed.sims).every((sim) => sim.watches.open === 1),
      'every index watches its cluster',
    );
    return indexed;
  }

  /** What the page sends over its WebSockets, and the console's complaints (a CSP refusal). */
  interface Watched {
    readonly page: Page;
    readonly sockets: string[];
    readonly connectionInits: unknown[];
    readonly consoleErrors: string[];
  }
  async function openWatchTagChanges(url: string): Promise<Watched> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    cleanups.push(() => page.close());
    const watched: Watched = { page, sockets: [], connectionInits: [], consoleErrors: [] };
    page.on('console', (message) => {
      if (message.type() === 'error') watched.consoleErrors.push(message.text());
    });
    page.on('websocket', (socket) => {
      watched.sockets.push(socket.url());
      socket.on('framesent', (frame) => {
        const message = JSON.parse(String(frame.payload)) as { type: string; payload?: unknown };
        if (message.type === 'connection_init') watched.connectionInits.push(message.payload);
      });
    });
    const response = await page.goto(url, { waitUntil: 'load' });
    // The policy in force: no ws: source of its own, 'self' covers the page's ws: origin.
    expect(response?.headers()['content-security-policy']).toContain("connect-src 'self';");
    await page.locator('.graphiql-tab', { hasText: 'WatchTagChanges' }).click({ timeout: 30_000 });
    await expect
      .poll(async () => page.locator('.graphiql-query-editor').innerText())
      .toContain('subscription WatchTagChanges');
    return watched;
  }

  /** Types `headers` into the tab's headers editor (a CodeMirror, as a user's paste would). */
  async function setHeaders(page: Page, headers: Record<string, string>): Promise<void> {
    await page.locator('button[data-name="headers"]').click();
    // The visible one of the tool editors (variables, headers) is the headers editor now.
    const editor = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
    await editor.evaluate(
      (element, text) => {
        const { CodeMirror } = element as unknown as {
          CodeMirror: { setValue(value: string): void };
        };
        CodeMirror.setValue(text);
      },
      JSON.stringify(headers, null, 2),
    );
  }

  it('opens the bundled GraphiQL, runs the first example query, and never leaves localhost', async () => {
    expect(loadGraphiQLAssets(), 'dist/graphiql is missing: run `npm run build`').toBeDefined();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(stack.url, { waitUntil: 'load' });
    await page.locator('.graphiql-execute-button').click({ timeout: 30_000 });
    const result = page.locator('.result-window');
    // The first tab starts an exploration from nothing: the clusters and their namespaces.
    await expect
      .poll(async () => result.innerText(), { timeout: 30_000 })
      .toContain('"displayName": "The apps project"');
    // The editor renders the lines in view: the first namespaces of the first cluster.
    await expect.poll(async () => result.innerText()).toContain('"name": "batch"');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    console.log(`GraphiQL screenshot: ${SCREENSHOT}`);
    const origin = new URL(stack.url).origin;
    const elsewhere = requests.filter(
      (u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'),
    );
    expect(elsewhere).toEqual([]);
    expect(requests.filter((u) => u.startsWith(`${origin}/graphql`)).length).toBeGreaterThanOrEqual(
      2,
    );
  }, 90_000);

  it('runs the WatchTagChanges subscription over a WebSocket to its own origin: a moved tag appears in the result pane', async () => {
    const indexed = await startIndexed();
    const { page, sockets, consoleErrors } = await openWatchTagChanges(indexed.url);
    await page.locator('.graphiql-execute-button').click();
    await until(
      () => indexed.gateway.subscriptions.subscribers === 1,
      'the subscription is in place',
    );
    const moved = indexed.sims['east']?.changes.moveTag('demo', 'ticker', 'live');
    const result = page.locator('.result-window');
    await expect
      .poll(async () => result.innerText(), { timeout: 30_000 })
      .toContain(`"to": "${moved}"`);
    const text = await result.innerText();
    expect(text).toContain('"changedTags": [');
    expect(text).toContain('"stream": "ticker"');
    // connect-src 'self' lets the page reach its own ws: origin (no violation in the console).
    expect(sockets).toEqual([indexed.url.replace(/^http:/, 'ws:')]);
    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    // The stop button ends the subscription on the gateway.
    await page.locator('.graphiql-execute-button').click();
    await until(() => indexed.gateway.subscriptions.subscribers === 0, 'the subscription ended');
  }, 90_000);

  it("with --auth passthrough, the headers editor's token reaches the WebSocket; a changed token gets a new connection", async () => {
    const indexed = await startIndexed({
      auth: 'passthrough',
      clusters: [
        {
          name: 'east',
          grants: {
            'demo-token-east': { user: 'system:serviceaccount:gw:reader', namespaces: '*' },
            'token-demo': { user: 'demo-dev', namespaces: ['demo'] },
          },
        },
      ],
    });
    const { page, connectionInits } = await openWatchTagChanges(indexed.url);
    const result = page.locator('.result-window');
    await setHeaders(page, { Authorization: 'Bearer no-such-token' });
    await page.locator('.graphiql-execute-button').click();
    await expect
      .poll(async () => result.innerText(), { timeout: 30_000 })
      .toContain('UNAUTHENTICATED');
    await setHeaders(page, { Authorization: 'Bearer token-demo' });
    await page.locator('.graphiql-execute-button').click();
    await until(
      () => indexed.gateway.subscriptions.subscribers === 1,
      'the subscription with the new token is in place',
    );
    const moved = indexed.sims['east']?.changes.moveTag('demo', 'ticker', 'live');
    await expect
      .poll(async () => result.innerText(), { timeout: 30_000 })
      .toContain(`"to": "${moved}"`);
    expect(connectionInits).toEqual([
      { Authorization: 'Bearer no-such-token' },
      { Authorization: 'Bearer token-demo' },
    ]);
  }, 90_000);
});
