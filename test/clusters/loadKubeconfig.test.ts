import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  loadKubeconfig,
  type LoadedKubeconfig,
  type LoadKubeconfigOptions,
} from '../../src/clusters/loadKubeconfig.js';
import { configErrorOf } from '../helpers/configErrorOf.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/kubeconfig/${name}`, import.meta.url));

/** loadKubeconfig over fixture files; the current context unless told otherwise. */
function load(
  files: string | readonly string[],
  select: Partial<Omit<LoadKubeconfigOptions, 'paths'>> = {},
): LoadedKubeconfig {
  return loadKubeconfig({
    paths: (typeof files === 'string' ? [files] : files).map(fixture),
    contexts: [],
    allContexts: false,
    ...select,
  });
}

/** The ConfigError message `fn` throws (fails the test when it throws something else). */
const messageOf = configErrorOf;

/** A kubeconfig in a fresh folder (with extra files next to it); returns its path. */
function tempKubeconfig(text: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  writeFileSync(join(dir, 'config'), text);
  return join(dir, 'config');
}

const loadTemp = (
  text: string,
  files: Record<string, string> = {},
  select: Partial<Omit<LoadKubeconfigOptions, 'paths'>> = {},
): LoadedKubeconfig =>
  loadKubeconfig({
    paths: [tempKubeconfig(text, files)],
    contexts: [],
    allContexts: true,
    ...select,
  });

/** One cluster, one user, one context "ctx"; `cluster` and `user` are YAML flow mappings. */
const oneContext = (cluster: string, user = '{token: t}'): string =>
  `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: ${cluster}}]\nusers: [{name: u, user: ${user}}]\ncontexts: [{name: ctx, context: {cluster: c, user: u}}]\n`;

describe('loadKubeconfig', () => {
  it('makes every context a cluster named after it, with its server, CA and credentials', () => {
    const { connections, warnings } = load('two-contexts.yaml', { allContexts: true });
    const [east, west] = connections;
    expect(east?.name).toBe('east');
    expect(east?.server).toBe('https://api.east.example.com:6443');
    expect(east?.caPem).toContain('fake-ca-for-parsing-only');
    expect(east?.insecureSkipTlsVerify).toBe(false);
    expect(east?.token?.()).toBe('sha256~east-static-token');
    expect(west?.name).toBe('west');
    expect(west?.insecureSkipTlsVerify).toBe(true);
    expect(west?.token?.()).toBe('sha256~west-token-from-file');
    expect(connections.map((c) => c.headerName)).toEqual(['east', 'west']);
    expect(warnings).toEqual([]);
  });

  it('selects contexts with --context, in the order given', () => {
    const names = (contexts: string[]): string[] =>
      load('two-contexts.yaml', { contexts }).connections.map((c) => c.name);
    expect(names(['west'])).toEqual(['west']);
    expect(names(['west', 'east'])).toEqual(['west', 'east']);
    expect(messageOf(() => names(['west', 'west']))).toBe('context "west" is selected twice');
  });

  it('names the culprit when the configuration is unusable', () => {
    const all = { allContexts: true };
    expect(() => load('two-contexts.yaml', { contexts: ['north'] })).toThrow(
      'has no context named "north" (it has: east, west)',
    );
    expect(() => load('missing-cluster.yaml', all)).toThrow(
      'context "dangling" names cluster "gone", which is not in kubeconfig',
    );
    expect(messageOf(() => load('no-server.yaml', all))).toBe(
      'context "nowhere": cluster "empty" has no server',
    );
    expect(() => load('exec-user.yaml', all)).toThrow(
      'context "exec": user "oidc" gets credentials from an exec plugin',
    );
    expect(() => load('missing-ca-file.yaml', all)).toThrow(
      /context "broken-ca": cannot read certificate-authority ".*does-not-exist.crt" \(ENOENT\)/,
    );
    expect(() => load('not-yaml.yaml', all)).toThrow(/kubeconfig ".*not-yaml.yaml" is invalid/);
    expect(() =>
      loadKubeconfig({ paths: ['/nonexistent/kubeconfig'], contexts: [], allContexts: false }),
    ).toThrow('cannot read kubeconfig "/nonexistent/kubeconfig" (ENOENT)');
  });

  it('re-reads a token-file when the token rotates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    writeFileSync(join(dir, 'token'), 'first-token\n');
    writeFileSync(
      join(dir, 'config'),
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]\nusers: [{name: u, user: {token-file: token}}]\ncontexts: [{name: ctx, context: {cluster: c, user: u}}]\n`,
    );
    const {
      connections: [cluster],
    } = loadKubeconfig({
      paths: [join(dir, 'config')],
      contexts: ['ctx'],
      allContexts: false,
      tokenRefreshMs: 0,
    });
    expect(cluster?.token?.()).toBe('first-token');
    writeFileSync(join(dir, 'token'), 'rotated-token\n');
    expect(cluster?.token?.()).toBe('rotated-token');
  });

  it('selects the named contexts, or every context with allContexts', () => {
    const paths = [fixture('two-contexts.yaml')];
    const all = loadKubeconfig({ paths, contexts: [], allContexts: true });
    expect(all.connections.map((c) => c.name)).toEqual(['east', 'west']);
    const west = loadKubeconfig({ paths, contexts: ['west'], allContexts: false });
    expect(west.connections.map((c) => c.name)).toEqual(['west']);
  });

  describe('credentials', () => {
    it("reads client-go's tokenFile, relative to the kubeconfig's folder", () => {
      const { connections, warnings } = load('token-file-camel.yaml');
      expect(connections.map((c) => [c.name, c.token?.()])).toEqual([
        ['camel', 'sha256~west-token-from-file'],
      ]);
      expect(warnings).toEqual([]);
    });

    it('resolves token-file and certificate-authority against the folder of the file naming them', () => {
      const [nested] = load('nested/token-file-relative.yaml').connections;
      expect(nested?.token?.()).toBe('sha256~nested-token-from-file');
      expect(nested?.caPem).toContain('fake-ca-for-parsing-only');
    });

    it('uses tokenFile over token, as kubectl does, and says so', () => {
      const { connections, warnings } = loadTemp(
        oneContext('{server: "https://api.example.com"}', '{token: static, tokenFile: file}'),
        { file: 'from-file\n' },
      );
      expect(connections[0]?.token?.()).toBe('from-file');
      expect(warnings).toEqual([
        'context "ctx": user "u" sets both token and tokenFile; the file is used, as kubectl does',
      ]);
    });

    it('refuses tokenFile and token-file naming different files', () => {
      expect(
        messageOf(() =>
          loadTemp(
            oneContext('{server: "https://a.example.com"}', '{tokenFile: a, token-file: b}'),
          ),
        ),
      ).toBe(
        'context "ctx": user "u" sets both tokenFile and token-file, to different files; set one',
      );
    });

    it('warns, naming the context, when a selected context has no credentials', () => {
      const { connections, warnings } = load('no-credentials.yaml');
      expect(connections.map((c) => [c.name, c.token])).toEqual([['anonymous', undefined]]);
      expect(warnings).toEqual([
        'context "anonymous": user "typo" has "tokenfile" that neither kubectl nor the gateway knows; it is ignored',
        'context "anonymous" has no credentials (no token, tokenFile or client certificate in user "typo"): calls to https://api.example.com:6443 go out anonymously',
      ]);
      expect(load('no-credentials.yaml', { expectCredentials: false }).warnings).toEqual([
        'context "anonymous": user "typo" has "tokenfile" that neither kubectl nor the gateway knows; it is ignored',
      ]);
    });

    it('warns about a context with no user at all', () => {
      expect(load(['merge/no-current.yaml'], { allContexts: true }).warnings).toEqual([
        'context "quiet" has no credentials (no token, tokenFile or client certificate, and no user): calls to https://quiet.example.com:6443 go out anonymously',
      ]);
    });

    it('warns when credentials would go over plain http://', () => {
      expect(loadTemp(oneContext('{server: "http://sim.local:8080/"}')).warnings).toEqual([
        'context "ctx" sends credentials to http://sim.local:8080 over plain http://, unencrypted',
      ]);
    });

    it('refuses exec plugins, auth providers and basic auth by name', () => {
      expect(messageOf(() => load('exec-user.yaml', { allContexts: true }))).toBe(
        'context "exec": user "oidc" gets credentials from an exec plugin, which the gateway does not run; use a token, tokenFile or client certificate (e.g. `oc whoami -t`)',
      );
      expect(messageOf(() => load('auth-provider.yaml'))).toBe(
        'context "ctx": user "gcp" gets credentials from an auth provider, which the gateway does not run; use a token, tokenFile or client certificate (e.g. `oc whoami -t`)',
      );
      expect(messageOf(() => load('basic-auth.yaml'))).toBe(
        'context "ctx": user "basic" uses basic auth, which OpenShift does not accept; use a token or client certificate',
      );
    });

    it('refuses a token that cannot go in an HTTP header, without printing it', () => {
      const message = messageOf(() =>
        loadTemp(
          oneContext('{server: "https://a.example.com"}', '{token: "CANARY-abc\\r\\nX-Evil: 1"}'),
        ),
      );
      expect(message).toBe(
        'context "ctx": user "u" has a token that cannot be sent in an HTTP header (it holds spaces, line breaks or non-ASCII characters)',
      );
    });
  });

  describe('merging several files', () => {
    const both = ['merge/first.yaml', 'merge/second.yaml'];

    it('lets the first file that defines a name win, whole, and adds the rest', () => {
      const { connections } = load(both, { allContexts: true });
      expect(
        connections.map((c) => [c.name, c.server, c.insecureSkipTlsVerify, c.token?.()]),
      ).toEqual([
        ['shared', 'https://first.example.com:6443', false, 'first-token'],
        [
          'only-second',
          'https://only-second.example.com:6443',
          false,
          'sha256~second-token-from-file',
        ],
      ]);
      expect(connections[1]?.caPem).toContain('fake-ca-for-parsing-only');
    });

    it('lets the order of the files decide', () => {
      const [shared] = load(['merge/second.yaml', 'merge/first.yaml'], {
        contexts: ['shared'],
      }).connections;
      expect([shared?.server, shared?.insecureSkipTlsVerify, shared?.token?.()]).toEqual([
        'https://second.example.com:6443',
        true,
        'sha256~second-token-from-file',
      ]);
    });

    it('takes current-context from the first file that sets it', () => {
      expect(load(both).connections.map((c) => c.name)).toEqual(['shared']);
      expect(load(['merge/no-current.yaml', ...both]).connections.map((c) => c.name)).toEqual([
        'shared',
      ]);
      expect(
        load(['merge/no-current.yaml', 'merge/second.yaml']).connections.map((c) => c.name),
      ).toEqual(['only-second']);
    });

    it('names every file when a context names a cluster none of them has', () => {
      const first = fixture('merge/first.yaml');
      const missing = fixture('missing-cluster.yaml');
      expect(
        messageOf(() =>
          load(['merge/first.yaml', 'missing-cluster.yaml'], { contexts: ['dangling'] }),
        ),
      ).toBe(
        `context "dangling" names cluster "gone", which is not in kubeconfig "${first}", "${missing}"`,
      );
    });
  });

  describe('selection', () => {
    it('uses the current context by default and refuses to guess when there is none', () => {
      expect(load('two-contexts.yaml').connections.map((c) => c.name)).toEqual(['east']);
      expect(messageOf(() => load('no-current-context.yaml'))).toBe(
        `no context selected: kubeconfig "${fixture('no-current-context.yaml')}" sets no current-context; pass --context NAME (repeatable) or --all-contexts (contexts: alpha, beta)`,
      );
    });

    it('refuses a current-context that names no context', () => {
      const path = tempKubeconfig(
        `current-context: gone\n${oneContext('{server: "https://a.example.com"}')}`,
      );
      expect(
        messageOf(() => loadKubeconfig({ paths: [path], contexts: [], allContexts: false })),
      ).toBe(
        `current-context "gone" (set in "${path}") is not a context of kubeconfig "${path}" (it has: ctx); pass --context NAME or --all-contexts`,
      );
    });

    it('refuses --context with --all-contexts, and a kubeconfig without contexts', () => {
      expect(
        messageOf(() => load('two-contexts.yaml', { contexts: ['east'], allContexts: true })),
      ).toBe('--context and --all-contexts cannot be used together');
      const empty = tempKubeconfig('');
      expect(
        messageOf(() => loadKubeconfig({ paths: [empty], contexts: [], allContexts: true })),
      ).toBe(`kubeconfig "${empty}" has no contexts`);
    });

    it('ignores an unused cluster without a server, and names it by name when selected', () => {
      const { connections } = load('unused-no-server.yaml');
      expect(connections.map((c) => [c.name, c.server])).toEqual([
        ['good', 'https://fine.example.com:6443'],
      ]);
      expect(messageOf(() => load('unused-no-server.yaml', { contexts: ['bad'] }))).toBe(
        'context "bad": cluster "broken" has no server',
      );
    });
  });

  describe('folding and names', () => {
    it('folds contexts with the same server and credentials into one cluster, saying which', () => {
      const { connections, warnings } = load('oc-login.yaml', { allContexts: true });
      expect(connections.map((c) => [c.name, c.headerName, c.token?.()])).toEqual([
        [
          'default/api-crc-testing:6443/kubeadmin',
          'default-api-crc-testing-6443-kubeadmin',
          'sha256~oc-login-token',
        ],
        ['developer', 'developer', 'sha256~developer-token'],
      ]);
      expect(warnings).toEqual([
        'contexts "default/api-crc-testing:6443/kubeadmin", "openshift/api-crc-testing:6443/kubeadmin" use the same server and credentials: they are one cluster, named "default/api-crc-testing:6443/kubeadmin"',
        'contexts "developer", "default/api-crc-testing:6443/developer" use the same server and credentials: they are one cluster, named "developer"',
      ]);
    });

    it('does not fold contexts that differ in TLS settings or impersonation', () => {
      const text = `clusters:
  - {name: a, cluster: {server: "https://same.example.com"}}
  - {name: b, cluster: {server: "https://same.example.com", tls-server-name: other}}
users:
  - {name: u, user: {token: t}}
  - {name: v, user: {token: t, as: someone}}
contexts:
  - {name: one, context: {cluster: a, user: u}}
  - {name: two, context: {cluster: b, user: u}}
  - {name: three, context: {cluster: a, user: v}}
  - {name: four, context: {cluster: a, user: u, namespace: elsewhere}}
`;
      const { connections, warnings } = loadTemp(text);
      expect(connections.map((c) => c.name)).toEqual(['one', 'two', 'three']);
      expect(warnings).toEqual([
        'contexts "one", "four" use the same server and credentials: they are one cluster, named "one"',
      ]);
    });

    it('gives a name with / and : a header-safe alias', () => {
      const { connections } = load('oc-login.yaml');
      expect(connections.map((c) => [c.name, c.headerName])).toEqual([
        ['openshift/api-crc-testing:6443/kubeadmin', 'openshift-api-crc-testing-6443-kubeadmin'],
      ]);
    });

    it('refuses two clusters whose names differ only in case', () => {
      expect(messageOf(() => load('case-only.yaml', { allContexts: true }))).toBe(
        'contexts "east" and "EAST" differ only in case, and header names do not (X-Cluster-Authorization-<cluster> would match both): select one, or rename one',
      );
      expect(
        load('case-only.yaml', { contexts: ['EAST'] }).connections.map((c) => [
          c.name,
          c.headerName,
        ]),
      ).toEqual([['EAST', 'east']]);
    });

    it('refuses two clusters with the same header alias', () => {
      expect(messageOf(() => load('alias-collision.yaml', { allContexts: true }))).toBe(
        'contexts "a-b" and "a/b" have the same header alias "a-b" (X-Cluster-Authorization-a-b): select one, or rename one',
      );
    });

    it('refuses a name with no header-safe alias, and names with control characters', () => {
      const text = (name: string): string =>
        `clusters: [{name: c, cluster: {server: "https://a.example.com"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: ${JSON.stringify(name)}, context: {cluster: c, user: u}}]\n`;
      expect(messageOf(() => loadTemp(text('//')))).toBe(
        'context "//" has no header-safe alias (it needs a letter, digit or "-" for X-Cluster-Authorization-<alias>): rename it',
      );
      expect(messageOf(() => loadTemp(text('bell\u0007')))).toBe(
        'context "bell\\u0007" has control characters in its name; rename it',
      );
    });
  });

  describe('clusters', () => {
    it('reads certificate-authority-data, and refuses data that is not a PEM certificate', () => {
      expect(load('ca-data.yaml').connections[0]?.caPem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
      expect(messageOf(() => load('ca-data-not-pem.yaml'))).toBe(
        'context "ctx": cluster "bad-ca": certificate-authority-data is not PEM (expected "-----BEGIN CERTIFICATE-----")',
      );
    });

    it('refuses CA data that is not base64, a garbled certificate and a key in place of a CA', () => {
      const withCa = (data: string): string =>
        oneContext(`{server: "https://a.example.com", certificate-authority-data: "${data}"}`);
      const b64 = (text: string): string => Buffer.from(text).toString('base64');
      expect(messageOf(() => loadTemp(withCa('not base64!')))).toBe(
        'context "ctx": cluster "c" has certificate-authority-data that is not base64',
      );
      expect(
        messageOf(() =>
          loadTemp(withCa(b64('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'))),
        ),
      ).toBe(
        'context "ctx": cluster "c": certificate-authority-data holds a certificate that cannot be parsed',
      );
      expect(
        messageOf(() =>
          loadTemp(withCa(b64('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'))),
        ),
      ).toBe(
        'context "ctx": cluster "c": certificate-authority-data holds a "PRIVATE KEY" PEM block where certificates belong',
      );
    });

    it('refuses a CA file that is not a certificate, naming the file', () => {
      const path = tempKubeconfig(
        oneContext('{server: "https://a.example.com", certificate-authority: ca.pem}'),
        { 'ca.pem': 'hello' },
      );
      expect(
        messageOf(() => loadKubeconfig({ paths: [path], contexts: [], allContexts: true })),
      ).toBe(
        `context "ctx": cluster "c": certificate-authority "${join(path, '..', 'ca.pem')}" is not PEM (expected "-----BEGIN CERTIFICATE-----")`,
      );
    });

    it('refuses a server URL with userinfo without printing the password', () => {
      const message = messageOf(() => load('userinfo.yaml'));
      expect(message).toBe(
        'context "ctx": cluster "basic-in-url" has a user name or password in its server URL (https://…@api.example.com:6443); the gateway does not send it: give the user entry a token, tokenFile or client certificate, and remove it from the URL',
      );
    });

    it('refuses servers that are not http(s) URLs, or carry a query', () => {
      const server = (url: string): string =>
        messageOf(() => loadTemp(oneContext(`{server: "${url}"}`)));
      expect(server('api.example.com:6443')).toBe(
        'context "ctx": cluster "c" server must be an https:// URL, got scheme "api.example.com:"',
      );
      expect(server('ftp://api.example.com')).toBe(
        'context "ctx": cluster "c" server must be an https:// URL, got scheme "ftp:"',
      );
      expect(server('not a url')).toBe(
        'context "ctx": cluster "c" has a server that is not a URL (9 characters); write it as https://host[:port][/path]',
      );
      expect(server('sha256~CANARY-not-a-url')).not.toMatch(/CANARY/);
      expect(server('https://api.example.com\\\\@evil.example')).toBe(
        'context "ctx": cluster "c" has a server with control characters or a backslash; write it as https://host[:port][/path]',
      );
      expect(server('https://api.example\\t.com')).toMatch(/control characters or a backslash/);
      expect(server('https://a.example.com/?access_token=CANARY-QUERY')).toBe(
        'context "ctx": cluster "c" server must not have a query or fragment (https://a.example.com…)',
      );
      expect(server('not a url with @ CANARY')).toBe(
        'context "ctx": cluster "c" has a server that is not a URL (23 characters); write it as https://host[:port][/path]',
      );
    });

    it('keeps a server path, drops a trailing slash and the default port', () => {
      const { connections } = loadTemp(
        oneContext('{server: "HTTPS://Rancher.example.com:443/k8s/clusters/c-1/"}'),
      );
      expect(connections[0]?.server).toBe('https://rancher.example.com/k8s/clusters/c-1');
    });

    it('refuses insecure-skip-tls-verify together with a CA, as client-go does', () => {
      expect(
        messageOf(() =>
          loadTemp(
            oneContext(
              '{server: "https://a.example.com", insecure-skip-tls-verify: true, certificate-authority: ca.crt}',
            ),
            { 'ca.crt': load('ca-data.yaml').connections[0]?.caPem ?? '' },
          ),
        ),
      ).toBe(
        'context "ctx": cluster "c" sets both insecure-skip-tls-verify and a certificate-authority; set one',
      );
      expect(
        messageOf(() =>
          loadTemp(
            oneContext('{server: "https://a.example.com", insecure-skip-tls-verify: "yes"}'),
          ),
        ),
      ).toBe('context "ctx": cluster "c": "insecure-skip-tls-verify" must be true or false');
    });

    it('refuses proxy-url by name, without printing it', () => {
      expect(messageOf(() => load('proxy-url.yaml'))).toBe(
        'context "ctx": cluster "behind-proxy" sets proxy-url, which the gateway does not support yet; remove it so the gateway connects to the server directly',
      );
    });

    it('carries tls-server-name', () => {
      const { connections } = loadTemp(
        oneContext('{server: "https://10.0.0.1:6443", tls-server-name: api.example.com}'),
      );
      expect(connections[0]?.tlsServerName).toBe('api.example.com');
    });
  });

  describe('impersonation', () => {
    it('carries as, as-groups, as-uid and as-user-extra to the connection', () => {
      const [connection] = load('impersonation.yaml').connections;
      expect(connection?.token?.()).toBe('sha256~impersonator-token');
      expect(connection?.impersonate).toEqual({
        user: 'reader',
        uid: '1234',
        groups: ['system:authenticated', 'image-readers'],
        extra: {
          'scopes.authorization.openshift.io': ['user:info', 'user:check-access'],
          'example.com/team': ['images'],
        },
      });
      expect(load('two-contexts.yaml').connections[0]?.impersonate).toBeUndefined();
    });

    it('refuses groups without a user, and values that cannot go in a header', () => {
      const as = (fields: string): string =>
        messageOf(() =>
          loadTemp(oneContext('{server: "https://a.example.com"}', `{token: t, ${fields}}`)),
        );
      expect(as('as-groups: [g]')).toBe(
        'context "ctx": user "u" sets as-groups, as-uid or as-user-extra without "as"',
      );
      expect(as('as: "evil\\r\\nX-Other: 1"')).toBe(
        'context "ctx": user "u": "as" cannot be sent in an HTTP header (printable ASCII without leading or trailing spaces)',
      );
      expect(as('as: u, as-groups: ["ok", " padded"]')).toBe(
        'context "ctx": user "u": "as-groups" cannot be sent in an HTTP header (printable ASCII without leading or trailing spaces)',
      );
      expect(as('as: u, as-groups: g')).toBe(
        'context "ctx": user "u": "as-groups" must be a list of strings',
      );
      expect(as('as: u, as-user-extra: {k: v}')).toBe(
        'context "ctx": user "u": "as-user-extra" entry "k" must be a list of strings',
      );
      expect(as('as: u, as-user-extra: {"a\\u0001": [v]}')).toBe(
        'context "ctx": user "u": "as-user-extra" has a name that is empty or holds control characters',
      );
    });

    it('keeps an as-user-extra named __proto__ as plain data', () => {
      const [connection] = loadTemp(
        oneContext(
          '{server: "https://a.example.com"}',
          '{token: t, as: u, as-user-extra: {__proto__: [x]}}',
        ),
      ).connections;
      const extra = connection?.impersonate?.extra ?? {};
      expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
      expect(Object.entries(extra)).toEqual([['__proto__', ['x']]]);
    });
  });

  describe('secrets', () => {
    const canaries = /CANARY/;

    it('never prints a token, password or secret from a bad file', () => {
      const messages = [
        messageOf(() => load('canary-not-yaml.yaml', { allContexts: true })),
        messageOf(() => load('canary-duplicate-user.yaml', { allContexts: true })),
        messageOf(() => load('userinfo.yaml')),
        messageOf(() => load('proxy-url.yaml')),
        messageOf(() => load('auth-provider.yaml')),
        messageOf(() => load('basic-auth.yaml')),
        messageOf(() => loadTemp(oneContext('{server: "https://a.example.com/?token=CANARY-Q"}'))),
        messageOf(() =>
          loadTemp(oneContext('{server: "https://a.example.com"}', '{token: "CANARY T"}')),
        ),
      ];
      for (const message of messages) expect(message).not.toMatch(canaries);
      expect(messages[0]).toBe(
        `kubeconfig "${fixture('canary-not-yaml.yaml')}" is invalid: unexpected end of the stream within a double quoted scalar (line 8, column 1)`,
      );
      expect(messages[1]).toBe(
        `kubeconfig "${fixture('canary-duplicate-user.yaml')}" is invalid: two users entries are named "twice", with different contents`,
      );
    });

    it('quotes no field name that could be a token, and refuses a token too long to be one', () => {
      const { warnings } = loadTemp(
        `clusters: [{name: c, cluster: {server: "https://a.example.com"}}]\nusers: [{name: u, user: {token: t, CANARYsha256abcdef0123456789: 1, tokenfile: x}}]\ncontexts: [{name: one, context: {cluster: c, user: u}}]\n`,
      );
      expect(warnings).toEqual([
        'context "one": user "u" has a field that neither kubectl nor the gateway knows; it is ignored',
        'context "one": user "u" has "tokenfile" that neither kubectl nor the gateway knows; it is ignored',
      ]);
      expect(
        messageOf(() =>
          loadTemp(
            oneContext('{server: "https://a.example.com"}', `{token: ${'t'.repeat(65 * 1024)}}`),
          ),
        ),
      ).toBe(
        'context "ctx": user "u" has a token of 66560 characters, more than 65536: it cannot be a bearer token',
      );
    });

    it('quotes no context name longer than 253 characters, and lists at most 20 names', () => {
      const long = `CANARY${'x'.repeat(300)}`;
      const contexts = [long, ...Array.from({ length: 24 }, (_, i) => `c${i}`)]
        .map((name) => `{name: ${name}, context: {cluster: c, user: u}}`)
        .join(', ');
      const yaml = `clusters: [{name: c, cluster: {server: "https://a.example.com"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [${contexts}]\n`;
      const missing = messageOf(() =>
        loadTemp(yaml, {}, { contexts: ['north'], allContexts: false }),
      );
      expect(missing).toMatch(/\(it has: a name of 306 characters, c0, c1, .*, c18 and 5 more\)$/);
      expect(messageOf(() => loadTemp(yaml, {}, { contexts: [long], allContexts: false }))).toBe(
        'a selected context has a name of 306 characters, more than 253; rename it',
      );
    });

    it('never puts a token in a warning', () => {
      const { warnings } = loadTemp(
        `clusters: [{name: c, cluster: {server: "http://a.example.com"}}]\nusers: [{name: u, user: {token: CANARY-W, tokenFile: f, "CANARY-KEY sha256~x": 1}}]\ncontexts: [{name: one, context: {cluster: c, user: u}}, {name: two, context: {cluster: c, user: u}}]\n`,
        { f: 'CANARY-FILE' },
      );
      expect(warnings).toEqual([
        'context "one": user "u" has a field that neither kubectl nor the gateway knows; it is ignored',
        'context "one": user "u" sets both token and tokenFile; the file is used, as kubectl does',
        'context "two": user "u" has a field that neither kubectl nor the gateway knows; it is ignored',
        'context "two": user "u" sets both token and tokenFile; the file is used, as kubectl does',
        'contexts "one", "two" use the same server and credentials: they are one cluster, named "one"',
        'context "one" sends credentials to http://a.example.com over plain http://, unencrypted',
      ]);
      for (const warning of warnings) expect(warning).not.toMatch(canaries);
    });
  });
});
