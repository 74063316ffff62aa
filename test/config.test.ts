import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';

describe('parseConfig', () => {
  it('reads the demo flags with documented defaults', () => {
    expect(parseConfig(['--demo'], {})).toMatchObject({
      command: 'serve',
      source: { kind: 'demo' },
      port: 4000,
      host: '127.0.0.1',
      auth: 'serviceaccount',
      deadlineMs: 30000,
      maxRefs: 500,
    });
    expect(parseConfig(['serve', '--demo', '--port', '0'], {})).toMatchObject({ port: 0 });
    expect(parseConfig(['--demo'], { PORT: '8080' })).toMatchObject({ port: 8080 });
  });

  it('reads kubeconfig from the flag or KUBECONFIG, with repeatable --context', () => {
    expect(
      parseConfig(['--kubeconfig', 'k', '--context', 'a', '--context', 'b'], {}),
    ).toMatchObject({ source: { kind: 'kubeconfig', path: 'k', contexts: ['a', 'b'] } });
    expect(parseConfig([], { KUBECONFIG: '/x/config:/y/config' })).toMatchObject({
      source: { kind: 'kubeconfig', path: '/x/config' },
    });
  });

  it('reads simulate', () => {
    expect(
      parseConfig(['simulate', '--name', 'east', '--latency-ms', '20', '--tls'], {}),
    ).toMatchObject({ command: 'simulate', name: 'east', latencyMs: 20, tls: true, port: 0 });
  });

  it('rejects bad flags with a message naming them', () => {
    expect(() => parseConfig(['--demo', '--bogus'], {})).toThrow("Unknown option '--bogus'");
    expect(() => parseConfig(['--demo', '--port', 'x'], {})).toThrow(
      '--port must be an integer from 0 to 65535, got "x"',
    );
    expect(() => parseConfig(['--demo', '--auth', 'magic'], {})).toThrow(
      '--auth must be "serviceaccount" or "passthrough", got "magic"',
    );
    expect(() => parseConfig([], {})).toThrow('no clusters: pass --demo');
    expect(() => parseConfig(['--demo', '--in-cluster'], {})).toThrow(
      'choose one of --demo, --in-cluster',
    );
    expect(() => parseConfig(['--demo', '--context', 'a'], {})).toThrow(
      '--context needs a kubeconfig',
    );
    expect(() => parseConfig(['simulate', '--demo'], {})).toThrow(
      '--demo does not apply to "simulate"',
    );
  });
});
