import { describe, expect, it } from 'vitest';
import { envNameOf, OPTIONS } from '../../src/config/options.js';
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

/**
 * For every option: a command line it fits in, and a value other than its default. Every
 * option must have a row (a new option without one fails the first test below).
 */
const SAMPLES: Record<string, { readonly base: readonly string[]; readonly value?: string }> = {
  demo: { base: [] },
  kubeconfig: { base: [], value: 'kube.yaml' },
  context: { base: [], value: 'east' },
  'all-contexts': { base: [] },
  'in-cluster': { base: [] },
  auth: { base: ['--demo'], value: 'passthrough' },
  port: { base: ['--demo'], value: '8080' },
  host: { base: ['--demo'], value: '0.0.0.0' },
  'metrics-port': { base: ['--demo'], value: '9090' },
  'metrics-host': { base: ['--demo', '--metrics-port', '9090'], value: '0.0.0.0' },
  'cors-origin': { base: ['--demo'], value: 'https://console.example.com' },
  'max-body-bytes': { base: ['--demo'], value: '2048' },
  'max-response-bytes': { base: ['--demo'], value: '100000' },
  'http-cache-max-age-s': { base: ['--demo'], value: '0' },
  'header-timeout-ms': { base: ['--demo'], value: '2000' },
  'body-timeout-ms': { base: ['--demo'], value: '20000' },
  'idle-timeout-ms': { base: ['--demo'], value: '1000' },
  'shutdown-grace-ms': { base: ['--demo'], value: '2000' },
  'send-timeout-ms': { base: ['--demo'], value: '2000' },
  'max-connections': { base: ['--demo', '--max-subscriptions', '5'], value: '10' },
  'max-subscriptions': { base: ['--demo'], value: '50' },
  'deadline-ms': { base: ['--demo'], value: '5000' },
  'max-upstream-requests': { base: ['--demo'], value: '40' },
  'max-refs': { base: ['--demo'], value: '10' },
  'max-depth': { base: ['--demo'], value: '5' },
  'max-aliases': { base: ['--demo'], value: '0' },
  'max-tokens': { base: ['--demo'], value: '100' },
  'max-directives': { base: ['--demo'], value: '1' },
  'max-cost': { base: ['--demo'], value: '50' },
  'max-nodes': { base: ['--demo'], value: '500' },
  'no-introspection': { base: ['--demo'] },
  'attempt-timeout-ms': { base: ['--demo'], value: '500' },
  'cluster-deadline-ms': { base: ['--demo'], value: '500' },
  'upstream-concurrency': { base: ['--demo'], value: '8' },
  'cache-max-bytes': { base: ['--demo'], value: '0' },
  'cache-mutable-ttl-ms': { base: ['--demo'], value: '0' },
  'index-proof-max-silence-ms': { base: ['--demo'], value: '0' },
  'authz-cache-ttl-ms': { base: ['--demo'], value: '0' },
  'location-index-max-entries': { base: ['--demo'], value: '0' },
  'redis-url': { base: ['--demo'], value: 'redis://127.0.0.1:6379' },
  'redis-key-prefix': { base: ['--demo', '--redis-url', 'redis://r'], value: 'p:' },
  'redis-command-timeout-ms': { base: ['--demo', '--redis-url', 'redis://r'], value: '250' },
  'redis-signing-key-file': { base: ['--demo', '--redis-url', 'redis://r'], value: 'key' },
  'log-level': { base: ['--demo'], value: 'warn' },
  'otlp-endpoint': { base: ['--demo'], value: 'http://collector:4318/v1/traces' },
  'latency-ms': { base: ['--demo'], value: '20' },
  name: { base: ['simulate'], value: 'north' },
  tls: { base: ['simulate'] },
  'bench-streams': { base: ['simulate'], value: '2' },
  'bench-images': { base: ['simulate'], value: '3' },
  'label-bytes': { base: ['simulate'], value: '100' },
  'trusted-documents': { base: ['--demo'], value: 'persisted-documents.json' },
  'allow-untrusted-documents': { base: ['--demo', '--trusted-documents', 'manifest.json'] },
  federation: { base: ['--demo'] },
  'bench-pods': { base: ['simulate'], value: '2000' },
};

describe('parseConfig: every flag has an environment variable', () => {
  it('has a sample for every option, and every option applies to a command', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(OPTIONS.map((o) => o.name).sort());
  });

  for (const spec of OPTIONS) {
    const env = envNameOf(spec.name);
    it(`${env} sets --${spec.name} as the flag does`, () => {
      const { base, value } = SAMPLES[spec.name]!;
      const flag = value === undefined ? [`--${spec.name}`] : [`--${spec.name}`, value];
      const byFlag = parseConfig([...base, ...flag], {});
      const byEnv = parseConfig(base, { [env]: value ?? 'true' });
      expect(byEnv).toEqual(byFlag);
      // The sample changes the configuration: the test would see an ignored variable.
      expect(byFlag).not.toEqual(parseConfig(base, {}));
    });
  }

  it('names the variables IMAGE_GATEWAY_ and the flag in upper case, dashes as underscores', () => {
    expect(envNameOf('max-upstream-requests')).toBe('IMAGE_GATEWAY_MAX_UPSTREAM_REQUESTS');
    expect(envNameOf('port')).toBe('IMAGE_GATEWAY_PORT');
    expect(new Set(OPTIONS.map((o) => envNameOf(o.name))).size).toBe(OPTIONS.length);
  });

  it('lets a flag win over its variable, and IMAGE_GATEWAY_PORT over PORT', () => {
    const env = { IMAGE_GATEWAY_PORT: '2', PORT: '3', IMAGE_GATEWAY_LOG_LEVEL: 'debug' };
    expect(parseConfig(['--demo', '--port', '1', '--log-level', 'warn'], env)).toMatchObject({
      port: 1,
      logLevel: 'warn',
    });
    expect(parseConfig(['--demo'], env)).toMatchObject({ port: 2, logLevel: 'debug' });
    expect(parseConfig(['--demo'], { PORT: '3' })).toMatchObject({ port: 3 });
    // A flag's variable is not even read: a bad value there cannot stop a good flag.
    expect(parseConfig(['--demo', '--port', '1'], { IMAGE_GATEWAY_PORT: 'x' })).toMatchObject({
      port: 1,
    });
  });

  it('reads lists from comma-separated variables, and repeated flags', () => {
    const origins = ['https://a.example', 'https://b.example'];
    expect(
      parseConfig(['--demo'], {
        IMAGE_GATEWAY_CORS_ORIGIN: ' https://a.example,,https://b.example ',
      }),
    ).toMatchObject({ corsOrigins: origins });
    expect(
      parseConfig(['--demo', '--cors-origin', origins[0]!, '--cors-origin', origins[1]!], {}),
    ).toMatchObject({ corsOrigins: origins });
    expect(parseConfig([], { IMAGE_GATEWAY_CONTEXT: 'a,b' })).toMatchObject({
      source: { kind: 'kubeconfig', contexts: ['a', 'b'] },
    });
  });

  it('reads booleans as true/false, 1/0 or yes/no, and treats an empty variable as unset', () => {
    for (const yes of ['true', 'TRUE', '1', 'yes'])
      expect(parseConfig([], { IMAGE_GATEWAY_DEMO: yes })).toMatchObject({
        source: { kind: 'demo' },
      });
    for (const no of ['false', '0', 'no', ''])
      expect(parseConfig([], { IMAGE_GATEWAY_DEMO: no })).toMatchObject({
        source: { kind: 'kubeconfig' },
      });
    expect(() => parseConfig([], { IMAGE_GATEWAY_DEMO: 'maybe' })).toThrow(
      'IMAGE_GATEWAY_DEMO must be true or false, got "maybe"',
    );
    expect(parseConfig(['--demo'], { IMAGE_GATEWAY_PORT: '' })).toMatchObject({ port: 4000 });
  });

  it('names the variable in the message when its value is bad', () => {
    expect(() => parseConfig(['--demo'], { IMAGE_GATEWAY_PORT: '80x' })).toThrow(
      'IMAGE_GATEWAY_PORT must be an integer from 0 to 65535, got "80x"',
    );
    expect(() => parseConfig(['--demo'], { PORT: '-1' })).toThrow(
      'PORT must be an integer from 0 to 65535, got "-1"',
    );
    expect(() => parseConfig(['--demo'], { IMAGE_GATEWAY_LOG_LEVEL: 'WARN' })).toThrow(
      'IMAGE_GATEWAY_LOG_LEVEL must be "fatal" or "error" or "warn" or "info" or "debug" or "trace" or "silent", got "WARN"',
    );
    expect(() =>
      parseConfig(['--demo'], { IMAGE_GATEWAY_CORS_ORIGIN: 'https://a.example/' }),
    ).toThrow(
      /^IMAGE_GATEWAY_CORS_ORIGIN must be an origin such as https:\/\/console\.example\.com/,
    );
    expect(() => parseConfig(['--demo'], { IMAGE_GATEWAY_REDIS_KEY_PREFIX: 'p:' })).toThrow(
      'IMAGE_GATEWAY_REDIS_KEY_PREFIX needs --redis-url',
    );
  });

  it('refuses an unknown IMAGE_GATEWAY_ variable by name, suggesting the closest', () => {
    expect(() => parseConfig(['--demo'], { IMAGE_GATEWAY_X: '1' })).toThrow(
      /^unknown environment variable IMAGE_GATEWAY_X$/,
    );
    expect(() => parseConfig(['--demo'], { IMAGE_GATEWAY_MAX_REF: '1' })).toThrow(
      'unknown environment variable IMAGE_GATEWAY_MAX_REF (did you mean IMAGE_GATEWAY_MAX_REFS?)',
    );
    expect(() => parseConfig(['--demo'], { IMAGE_GATEWAY_: '1' })).toThrow(
      /^unknown environment variable IMAGE_GATEWAY_$/,
    );
    // Other variables are none of its business.
    expect(parseConfig(['--demo'], { IMAGE_GATEWAYS: '1', HOME: '/root' })).toMatchObject({
      command: 'serve',
    });
  });

  it("ignores a variable of the other command (a container's environment serves both)", () => {
    expect(parseConfig(['--demo'], { IMAGE_GATEWAY_NAME: 'x', IMAGE_GATEWAY_TLS: 'yes' })).toEqual(
      parseConfig(['--demo'], {}),
    );
    expect(
      parseConfig(['simulate'], { IMAGE_GATEWAY_DEMO: 'true', IMAGE_GATEWAY_MAX_REFS: '9' }),
    ).toEqual(parseConfig(['simulate'], {}));
  });
});

describe('parseConfig: flags', () => {
  it('answers --help and --version before anything else is checked', () => {
    expect(parseConfig(['--help'], {})).toEqual({ command: 'help' });
    expect(parseConfig(['-h'], {})).toEqual({ command: 'help' });
    expect(parseConfig(['simulate', '--help'], {})).toEqual({ command: 'help' });
    expect(parseConfig(['--version'], {})).toEqual({ command: 'version' });
    // Not even the environment: help must work in a broken one.
    expect(parseConfig(['--demo', '--version'], { IMAGE_GATEWAY_X: '1' })).toEqual({
      command: 'version',
    });
    expect(parseConfig(['--version', '--help'], {})).toEqual({ command: 'help' });
  });

  it('suggests the closest flag for a typo, and nothing for a stranger', () => {
    expect(() => parseConfig(['--demo', '--max-ref', '1'], {})).toThrow(
      "Unknown option '--max-ref' (did you mean --max-refs?)",
    );
    expect(() => parseConfig(['--kubconfig', 'k'], {})).toThrow(
      "Unknown option '--kubconfig' (did you mean --kubeconfig?)",
    );
    expect(() => parseConfig(['--demo', '--zzzzzzzz'], {})).toThrow(
      /^Unknown option '--zzzzzzzz'$/,
    );
  });

  it('cuts what it quotes: a 10,000-character flag makes a short message', () => {
    let message = '';
    try {
      parseConfig([`--${'x'.repeat(10_000)}`], {});
    } catch (err) {
      message = err instanceof Error ? err.message : '';
    }
    expect(message).toBe(`Unknown option '--${'x'.repeat(78)}…'`);
  });

  it('refuses malformed values and shapes of argv, naming the flag', () => {
    const cases: [string[], string][] = [
      [['--port'], '--port needs a value (N)'],
      [['--port', '--demo'], '--port needs a value (N)'],
      [['--demo', '--port='], '--port must be an integer from 0 to 65535, got ""'],
      [['--demo', '--port', ' 80'], '--port must be an integer from 0 to 65535, got " 80"'],
      [['--demo', '--port', '1e3'], '--port must be an integer from 0 to 65535, got "1e3"'],
      [['--demo', '--port', '0x50'], '--port must be an integer from 0 to 65535, got "0x50"'],
      [['--demo', '--port', '65536'], '--port must be an integer from 0 to 65535, got "65536"'],
      [['--demo', '--port', '-1'], '--port must be an integer from 0 to 65535, got "-1"'],
      [['--demo', '--port', '1', '--port', '2'], '--port is given twice'],
      [['--demo=true'], '--demo takes no value'],
      [['demo'], 'unexpected argument "demo" (commands: serve, simulate)'],
      [['serve', 'simulate'], 'unexpected argument "simulate"'],
      [['--demo', '--__proto__'], "Unknown option '--__proto__'"],
      [['--demo', '--constructor'], "Unknown option '--constructor'"],
      [['--demo', '--kubeconfig='], '--kubeconfig must not be empty'],
      [['--demo', '--metrics-port', '4000'], '--metrics-port must differ from --port (both 4000)'],
      [['--demo', '--metrics-host', '0.0.0.0'], '--metrics-host needs --metrics-port'],
      [['--demo', '--latency-ms', '5', '--in-cluster'], 'choose one of --demo, --in-cluster'],
      [['--in-cluster', '--latency-ms', '5'], '--latency-ms applies to --demo only'],
      [
        ['--demo', '--header-timeout-ms', '20000', '--body-timeout-ms', '10000'],
        '--body-timeout-ms (10000) must be at least --header-timeout-ms (20000): it covers the headers too',
      ],
      [
        ['--demo', '--max-connections', '100'],
        '--max-subscriptions (2000) must be below --max-connections (100): each subscription may hold a connection, and some must stay for queries',
      ],
      [['simulate', '--name', 'East'], '--name must be a DNS-1123 label, got "East"'],
      [['--demo', '--redis-url', 'http://r'], '--redis-url must start with redis:// or rediss://'],
      [
        ['--demo', '--redis-url', 'redis://user:secret@'],
        '--redis-url must be a URL such as redis://127.0.0.1:6379, got "redis://…@"',
      ],
      [
        ['--demo', '--otlp-endpoint', 'collector:4318'],
        '--otlp-endpoint must be an http:// or https:// URL, got "collector:4318"',
      ],
    ];
    for (const [argv, message] of cases)
      expect(() => parseConfig(argv, {}), argv.join(' ')).toThrow(message);
  });

  it('accepts only exact origins for --cors-origin (what a browser sends in Origin)', () => {
    for (const bad of [
      '*',
      'null',
      'https://a.example/',
      'https://a.example:443',
      'HTTPS://A.example',
      'ftp://a.example',
      'https://a.example/app',
      'https://*.a.example',
    ])
      expect(() => parseConfig(['--demo', '--cors-origin', bad], {}), bad).toThrow(
        `--cors-origin must be an origin such as https://console.example.com (scheme, host and port; no path or trailing slash), got ${JSON.stringify(bad)}`,
      );
    expect(parseConfig(['--demo', '--cors-origin', 'http://localhost:3000'], {})).toMatchObject({
      corsOrigins: ['http://localhost:3000'],
    });
  });

  it('freezes what it returns', () => {
    const config = parseConfig(['--demo', '--cors-origin', 'https://a.example'], {});
    expect(Object.isFrozen(config)).toBe(true);
    if (config.command !== 'serve') throw new Error('expected serve');
    expect(Object.isFrozen(config.queryLimits)).toBe(true);
  });

  it('reads --trusted-documents and its development mode, which needs it', () => {
    expect(parseConfig(['--demo'], {})).toMatchObject({
      trustedDocumentsFile: undefined,
      allowUntrustedDocuments: false,
    });
    expect(
      parseConfig(['--demo', '--trusted-documents', 'm.json', '--allow-untrusted-documents'], {}),
    ).toMatchObject({ trustedDocumentsFile: 'm.json', allowUntrustedDocuments: true });
    expect(() => parseConfig(['--demo', '--allow-untrusted-documents'], {})).toThrow(
      '--allow-untrusted-documents needs --trusted-documents',
    );
    expect(() =>
      parseConfig(['--demo'], { IMAGE_GATEWAY_ALLOW_UNTRUSTED_DOCUMENTS: 'true' }),
    ).toThrow('IMAGE_GATEWAY_ALLOW_UNTRUSTED_DOCUMENTS needs --trusted-documents');
    expect(() => parseConfig(['--demo', '--trusted-documents='], {})).toThrow(
      '--trusted-documents must not be empty',
    );
  });
});
