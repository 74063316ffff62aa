import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, type BuiltGateway } from '../src/buildGateway.js';
import { OPTIONS } from '../src/config/options.js';
import { parseConfig, type ServeConfig } from '../src/config/parseConfig.js';
import { createSimulator, type Simulator } from '../src/simulator/createSimulator.js';
import { captureLogs } from './helpers/captureLogs.js';
import { historyOf } from './helpers/startStack.js';

describe('buildGateway', () => {
  let sim: Simulator;
  let built: BuiltGateway;
  let url: string;
  beforeAll(async () => {
    sim = await createSimulator({ name: 'east' });
    const config = parseConfig(['--demo', '--port', '0'], {}) as ServeConfig;
    built = await buildGateway(
      config,
      [
        {
          name: 'east',
          server: sim.url,
          insecureSkipTlsVerify: false,
          token: () => 'demo-token-east',
        },
      ],
      captureLogs('silent').logger,
    );
    url = await built.gateway.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await built.gateway.close();
    await sim.close();
  });

  it('reports content cache lookups in /metrics (the cache is wired to the metrics)', async () => {
    const digest = historyOf(sim, 'openshift', 'python')[0];
    const query = `{ imageStreamImage(namespace: "openshift", name: "python@${digest}") { name } }`;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
    }
    const metrics = await (await fetch(url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toContain('image_gateway_cache_lookups_total{result="miss",tier="memory"} 1');
    expect(metrics).toContain('image_gateway_cache_lookups_total{result="hit",tier="memory"} 1');
  });

  it('gives the demo a banner for humans that names the URL and a curl line', () => {
    expect(built.banner(url)).toContain(`curl -s ${url}`);
  });
});

describe('buildGateway with --otlp-endpoint', () => {
  // The exporter is imported only when this flag is given: the flag must still wire it.
  it("sends the operation's spans to the endpoint (OTLP/HTTP), at the latest on close", async () => {
    const received: string[] = [];
    const collector = http.createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const port = (collector.address() as AddressInfo).port;
    const sim = await createSimulator({ name: 'east' });
    try {
      const config = parseConfig(
        ['--demo', '--port', '0', '--otlp-endpoint', `http://127.0.0.1:${port}/v1/traces`],
        {},
      ) as ServeConfig;
      const built = await buildGateway(
        config,
        [
          {
            name: 'east',
            server: sim.url,
            insecureSkipTlsVerify: false,
            token: () => 'demo-token-east',
          },
        ],
        captureLogs('silent').logger,
      );
      const url = await built.gateway.listen(0, '127.0.0.1');
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ clusters { name } }' }),
      });
      expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
      await built.gateway.close();
      expect(received).toContain('POST /v1/traces');
    } finally {
      await sim.close();
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});

describe('buildGateway at the edges of every integer option', () => {
  // Whatever --help allows must start: --header-timeout-ms 1001 once made Node throw a
  // RangeError (a fractional connectionsCheckingInterval) and stopped start-up.
  const integers = OPTIONS.filter(
    (o) =>
      o.kind === 'integer' &&
      o.commands.includes('serve') &&
      !['latency-ms', 'port', 'metrics-port'].includes(o.name),
  );
  const cases = integers.flatMap((o) => {
    const min = o.min ?? 0;
    const max = o.max ?? min;
    // The bounds, odd values just above them and in the middle, and one of ten times the least.
    const values = [min, min + 1, min * 10 + 1, Math.floor((min + max) / 2) + 1, max];
    return [...new Set(values)].filter((v) => v <= max).map((value) => [o.name, value] as const);
  });

  it.each(cases)('builds and listens with --%s %i', async (name, value) => {
    const argv = ['--demo', `--${name}`, String(value)];
    // Flags whose rules involve others: a body timeout covers the headers; Redis flags need a URL
    // (a closed port: nothing here may touch the shared Redis); subscriptions need connections.
    if (name === 'header-timeout-ms') argv.push('--body-timeout-ms', '600000');
    if (name === 'body-timeout-ms') argv.push('--header-timeout-ms', '100');
    if (name.startsWith('redis-')) argv.push('--redis-url', 'redis://127.0.0.1:1');
    // Subscriptions stay below connections.
    if (name === 'max-connections') argv.push('--max-subscriptions', '0');
    if (name === 'max-subscriptions') argv.push('--max-connections', '100000');
    const config = parseConfig(argv, {}) as ServeConfig;
    const built = await buildGateway(
      config,
      [{ name: 'east', server: 'http://127.0.0.1:1', insecureSkipTlsVerify: false }],
      captureLogs('silent').logger,
    );
    try {
      expect(await built.gateway.listen(0, '127.0.0.1')).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/graphql$/,
      );
    } finally {
      await built.gateway.close();
    }
  });
});
