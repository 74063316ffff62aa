import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parseConfig.js';

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

  it('reads a kubeconfig source from the flag, with repeatable --context, or --all-contexts', () => {
    expect(
      parseConfig(['--kubeconfig', 'k', '--context', 'a', '--context', 'b'], {}),
    ).toMatchObject({
      source: { kind: 'kubeconfig', path: 'k', contexts: ['a', 'b'], allContexts: false },
    });
    expect(parseConfig(['--all-contexts'], {})).toMatchObject({
      source: { kind: 'kubeconfig', path: undefined, contexts: [], allContexts: true },
    });
    // Without flags, the kubeconfig is found as kubectl finds it ($KUBECONFIG, ~/.kube/config).
    expect(parseConfig([], {})).toMatchObject({ source: { kind: 'kubeconfig', path: undefined } });
    expect(() => parseConfig(['--context', 'a', '--all-contexts'], {})).toThrow(
      'choose --context or --all-contexts, not both',
    );
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
