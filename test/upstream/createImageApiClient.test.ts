import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../helpers/captureLogs.js';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { createTlsCertificate } from '../../src/simulator/createTlsCertificate.js';
import {
  createImageApiClient,
  DEFAULT_UPSTREAM_OPTIONS,
} from '../../src/upstream/createImageApiClient.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ name: 'tls', tls: await createTlsCertificate() });
});
afterAll(async () => {
  await sim.close();
});

describe('createImageApiClient and TLS', () => {
  it('refuses an unknown certificate by default', async () => {
    const client = createImageApiClient({
      name: 'tls',
      server: sim.url,
      insecureSkipTlsVerify: false,
      token: () => 'demo-token-tls',
    });
    await expect(client.getImageStream('openshift', 'python')).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
    client.close();
  });

  it('skips verification only when the kubeconfig says so, and warns that it does', async () => {
    const { lines, logger } = captureLogs();
    const client = createImageApiClient(
      { name: 'tls', server: sim.url, insecureSkipTlsVerify: true, token: () => 'demo-token-tls' },
      DEFAULT_UPSTREAM_OPTIONS,
      logger,
    );
    const stream = await client.getImageStream('openshift', 'python');
    expect(stream.metadata.name).toBe('python');
    expect(
      lines.some(
        (l) =>
          l.includes('TLS verification is off for this cluster') && l.includes('"level":"warn"'),
      ),
    ).toBe(true);
    client.close();
  });
});
