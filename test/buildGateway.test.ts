import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, type BuiltGateway } from '../src/buildGateway.js';
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
