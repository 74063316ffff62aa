import { createHash } from 'node:crypto';

/** `sha256:<hex>` of a text or bytes: how image and layer digests are written. */
export function sha256(text: string | Buffer): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
