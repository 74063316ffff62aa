import { createHash } from 'node:crypto';
import type { ImageSignature } from '../upstream/types.js';

/** Two signatures: one verified by `oc adm verify-image-signature`, one imported and unverified. */
export function signaturesFor(digest: string): ImageSignature[] {
  const content = (label: string): string =>
    Buffer.from(createHash('sha512').update(`${label}:${digest}`).digest()).toString('base64');
  return [
    {
      metadata: {
        name: `${digest}@${createHash('md5').update(`verified${digest}`).digest('hex')}`,
      },
      type: 'atomic',
      content: content('verified'),
      conditions: [
        {
          type: 'Trusted',
          status: 'True',
          lastProbeTime: '2024-03-02T08:15:00Z',
          lastTransitionTime: '2024-03-02T08:15:00Z',
          reason: 'manually verified',
          message: 'verified by user "kube:admin"',
        },
        {
          type: 'ForImage',
          status: 'True',
          lastProbeTime: '2024-03-02T08:15:00Z',
          lastTransitionTime: '2024-03-02T08:15:00Z',
          reason: 'manually verified',
          message: 'verified by user "kube:admin"',
        },
      ],
      imageIdentity: 'registry.access.redhat.com/ubi9/python-38',
      signedClaims: {
        'io.openshift.build': 'release',
        'com.redhat.component': 'python-38-container',
      },
      created: '2024-03-01T10:05:00Z',
      issuedBy: { commonName: '199E2F91FD431D51', organization: 'Red Hat, Inc.' },
      issuedTo: { commonName: 'Red Hat, Inc. (release key 2)', publicKeyID: '199E2F91FD431D51' },
    },
    {
      metadata: {
        name: `${digest}@${createHash('md5').update(`imported${digest}`).digest('hex')}`,
      },
      type: 'atomic',
      content: content('imported'),
    },
  ];
}
