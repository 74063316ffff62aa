import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mergeKubeconfigs } from '../../src/clusters/mergeKubeconfigs.js';
import {
  MAX_PEM_FILE_BYTES,
  resolveContext,
  type ResolvedContext,
} from '../../src/clusters/resolveContext.js';
import {
  createTlsCertificate,
  type TlsCertificate,
} from '../../src/simulator/createTlsCertificate.js';
import { configErrorOf } from '../helpers/configErrorOf.js';

let alice: TlsCertificate;
let bob: TlsCertificate;

beforeAll(async () => {
  // Generated per run: no private key is committed, not even a test one.
  [alice, bob] = await Promise.all([createTlsCertificate('alice'), createTlsCertificate('bob')]);
});

const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** Resolves context "ctx" of a one-context kubeconfig whose user is `user` (a YAML flow mapping). */
function resolveUser(user: string, files: Record<string, string> = {}): ResolvedContext {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  writeFileSync(
    join(dir, 'config'),
    `clusters: [{name: c, cluster: {server: "https://a.example.com"}}]\nusers: [{name: u, user: ${user}}]\ncontexts: [{name: ctx, context: {cluster: c, user: u}}]\n`,
  );
  return resolveContext(mergeKubeconfigs([join(dir, 'config')]), 'ctx');
}

const messageOf = configErrorOf;

describe('resolveContext', () => {
  it('reads a client certificate and key from data or from files', () => {
    const fromData = resolveUser(
      `{client-certificate-data: ${b64(alice.cert)}, client-key-data: ${b64(alice.key)}}`,
    );
    expect([fromData.clientCertPem, fromData.clientKeyPem]).toEqual([alice.cert, alice.key]);
    const fromFiles = resolveUser('{client-certificate: tls.crt, client-key: tls.key}', {
      'tls.crt': alice.cert,
      'tls.key': alice.key,
    });
    expect([fromFiles.clientCertPem, fromFiles.clientKeyPem]).toEqual([alice.cert, alice.key]);
    expect(fromFiles.warnings).toEqual([]);
  });

  it('refuses a certificate and key that do not belong together', () => {
    expect(
      messageOf(() =>
        resolveUser(
          `{client-certificate-data: ${b64(alice.cert)}, client-key-data: ${b64(bob.key)}}`,
        ),
      ),
    ).toBe('context "ctx": user "u": the client certificate and the client key do not match');
  });

  it('refuses a key that is not a PEM private key, without quoting it', () => {
    const garbled = '-----BEGIN PRIVATE KEY-----\nCANARYKEYMATERIAL\n-----END PRIVATE KEY-----\n';
    const notPem = messageOf(() =>
      resolveUser(
        `{client-certificate-data: ${b64(alice.cert)}, client-key-data: ${b64('CANARY')}}`,
      ),
    );
    expect(notPem).toBe(
      'context "ctx": user "u": client-key-data is not PEM (expected "-----BEGIN ... PRIVATE KEY-----")',
    );
    const unparsable = messageOf(() =>
      resolveUser(
        `{client-certificate-data: ${b64(alice.cert)}, client-key-data: ${b64(garbled)}}`,
      ),
    );
    expect(unparsable).toBe(
      'context "ctx": user "u": client-key-data is not an unencrypted private key that can be parsed',
    );
  });

  it('refuses half a key pair, and data and file for the same thing', () => {
    expect(messageOf(() => resolveUser(`{client-certificate-data: ${b64(alice.cert)}}`))).toBe(
      'context "ctx": user "u" has a client certificate without a key, or a key without a certificate',
    );
    expect(
      messageOf(() =>
        resolveUser(
          `{client-certificate: tls.crt, client-certificate-data: ${b64(alice.cert)}, client-key-data: ${b64(alice.key)}}`,
          { 'tls.crt': alice.cert },
        ),
      ),
    ).toBe(
      'context "ctx": user "u" sets both client-certificate and client-certificate-data; set one',
    );
  });

  it('refuses a client certificate file that is not a certificate, naming the file', () => {
    const message = messageOf(() =>
      resolveUser('{client-certificate: tls.crt, client-key: tls.key}', {
        'tls.crt': alice.key,
        'tls.key': alice.key,
      }),
    );
    expect(message).toMatch(
      /^context "ctx": user "u": client-certificate ".*tls\.crt" holds a "PRIVATE KEY" PEM block where certificates belong$/,
    );
  });

  it('reports a missing client key file with its path and the reason', () => {
    expect(
      messageOf(() =>
        resolveUser('{client-certificate: tls.crt, client-key: gone.key}', {
          'tls.crt': alice.cert,
        }),
      ),
    ).toMatch(/^context "ctx": cannot read client-key ".*gone\.key" \(ENOENT\) for user "u"$/);
  });

  it('refuses certificate files that are devices or too large, without reading them', () => {
    expect(
      messageOf(() =>
        resolveUser('{client-certificate: /dev/zero, client-key: tls.key}', {
          'tls.key': alice.key,
        }),
      ),
    ).toBe(
      'context "ctx": cannot read client-certificate "/dev/zero" (not a regular file) for user "u"',
    );
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    writeFileSync(join(dir, 'huge.crt'), Buffer.alloc(MAX_PEM_FILE_BYTES + 1, 0x41));
    writeFileSync(
      join(dir, 'config'),
      `clusters: [{name: c, cluster: {server: "https://a.example.com", certificate-authority: huge.crt}}]\ncontexts: [{name: ctx, context: {cluster: c}}]\n`,
    );
    expect(messageOf(() => resolveContext(mergeKubeconfigs([join(dir, 'config')]), 'ctx'))).toBe(
      `context "ctx": cannot read certificate-authority "${join(dir, 'huge.crt')}" (${MAX_PEM_FILE_BYTES + 1} bytes, more than the ${MAX_PEM_FILE_BYTES} read at most) for cluster "c"`,
    );
  });

  it('checks the context entry itself: a cluster to name, a user that exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    writeFileSync(
      join(dir, 'config'),
      'clusters: [{name: c, cluster: {server: "https://a.example.com"}}]\ncontexts: [{name: no-cluster, context: {user: u}}, {name: ghost-user, context: {cluster: c, user: ghost}}, {name: list, context: [c]}]\n',
    );
    const merged = mergeKubeconfigs([join(dir, 'config')]);
    expect(messageOf(() => resolveContext(merged, 'no-cluster'))).toBe(
      'context "no-cluster" names no cluster',
    );
    expect(messageOf(() => resolveContext(merged, 'ghost-user'))).toBe(
      `context "ghost-user" names user "ghost", which is not in kubeconfig "${join(dir, 'config')}"`,
    );
    expect(messageOf(() => resolveContext(merged, 'list'))).toBe('context "list" is not a mapping');
    expect(messageOf(() => resolveContext(merged, 'nope'))).toBe(
      'there is no context named "nope"',
    );
  });
});
