import selfsigned from 'selfsigned';

export interface TlsCertificate {
  /** PEM private key. */
  readonly key: string;
  /** PEM certificate; self-signed, so it is also the CA a client must trust. */
  readonly cert: string;
}

/**
 * A fresh self-signed certificate for a simulator on loopback (127.0.0.1, ::1, localhost).
 * Generated at start, never written to disk or committed.
 */
export async function createTlsCertificate(
  commonName = 'openshift-image-gateway simulator',
): Promise<TlsCertificate> {
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
