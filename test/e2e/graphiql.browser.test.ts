import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGraphiQLAssets } from '../../src/graphiqlPage.js';
import { startStack, type Stack } from '../helpers/startStack.js';

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
    await expect.poll(async () => result.innerText()).toContain('"name": "bench"');
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
});
