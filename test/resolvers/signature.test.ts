import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClusterRegistry,
  type ClusterRegistry,
} from '../../src/clusters/createClusterRegistry.js';
import type { GatewayContext } from '../../src/context.js';
import { Signature, SignatureSubject } from '../../src/resolvers/signature.js';
import { signaturesFor } from '../../src/simulator/signaturesFor.js';
import type { ImageSignature } from '../../src/upstream/types.js';
import { callResolver } from '../helpers/callResolver.js';
import { createTestContext } from '../helpers/createTestContext.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
let registry: ClusterRegistry;
let ctx: GatewayContext;
beforeAll(() => {
  registry = createClusterRegistry([
    { name: 'east', server: 'http://127.0.0.1:9', insecureSkipTlsVerify: false },
  ]);
  ctx = createTestContext(registry).context;
});
afterAll(() => {
  registry.close();
});

/** Signatures as the API server stores them: one verified, one imported (see signaturesFor). */
const [verified, imported] = signaturesFor(DIGEST) as [ImageSignature, ImageSignature];

describe('Signature', () => {
  it('projects a verified signature', async () => {
    expect(await callResolver(Signature.name, verified, {}, ctx)).toBe(verified.metadata?.name);
    expect(await callResolver(Signature.type, verified, {}, ctx)).toBe('atomic');
    expect(await callResolver(Signature.content, verified, {}, ctx)).toBe(verified.content);
    expect(await callResolver(Signature.imageIdentity, verified, {}, ctx)).toBe(
      'registry.access.redhat.com/ubi9/python-38',
    );
    expect(await callResolver(Signature.created, verified, {}, ctx)).toBe('2024-03-01T10:05:00Z');
    expect(await callResolver(Signature.signedClaims, verified, {}, ctx)).toEqual([
      { key: 'com.redhat.component', value: 'python-38-container' },
      { key: 'io.openshift.build', value: 'release' },
    ]);
    expect(await callResolver(Signature.issuedBy, verified, {}, ctx)).toEqual({
      commonName: '199E2F91FD431D51',
      organization: 'Red Hat, Inc.',
    });
    expect(await callResolver(Signature.trusted, verified, {}, ctx)).toBe(true);
  });

  it('projects the empty fields of an imported signature as null or empty', async () => {
    expect(await callResolver(Signature.imageIdentity, imported, {}, ctx)).toBeNull();
    expect(await callResolver(Signature.created, imported, {}, ctx)).toBeNull();
    expect(await callResolver(Signature.signedClaims, imported, {}, ctx)).toEqual([]);
    expect(await callResolver(Signature.issuedBy, imported, {}, ctx)).toBeNull();
    expect(await callResolver(Signature.issuedTo, imported, {}, ctx)).toBeNull();
    expect(await callResolver(Signature.conditions, imported, {}, ctx)).toEqual([]);
    expect(await callResolver(Signature.trusted, imported, {}, ctx)).toBe(false);
    expect(await callResolver(Signature.name, { type: 'atomic', content: '' }, {}, ctx)).toBe('');
    expect(
      await callResolver(Signature.imageIdentity, { ...imported, imageIdentity: '' }, {}, ctx),
    ).toBeNull();
  });

  it('is trusted only with both Trusted and ForImage conditions True', async () => {
    const trusted = (...pairs: [string, string][]) =>
      callResolver(
        Signature.trusted,
        { ...imported, conditions: pairs.map(([type, status]) => ({ type, status })) },
        {},
        ctx,
      );
    expect(await trusted(['Trusted', 'True'])).toBe(false);
    expect(await trusted(['ForImage', 'True'])).toBe(false);
    expect(await trusted(['Trusted', 'True'], ['ForImage', 'False'])).toBe(false);
    expect(await trusted(['Trusted', 'true'], ['ForImage', 'True'])).toBe(false);
    expect(await trusted(['ForImage', 'True'], ['Trusted', 'True'])).toBe(true);
  });
});

describe('SignatureSubject', () => {
  it('projects the subject, with an empty key id when the API left it out', async () => {
    const subject = verified.issuedTo ?? {};
    expect(await callResolver(SignatureSubject.commonName, subject, {}, ctx)).toBe(
      'Red Hat, Inc. (release key 2)',
    );
    expect(await callResolver(SignatureSubject.organization, subject, {}, ctx)).toBeNull();
    expect(await callResolver(SignatureSubject.publicKeyID, subject, {}, ctx)).toBe(
      '199E2F91FD431D51',
    );
    expect(await callResolver(SignatureSubject.publicKeyID, {}, {}, ctx)).toBe('');
  });
});
