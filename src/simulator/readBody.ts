import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body of at most `limit` bytes. Over the limit it stops collecting at once and
 * answers `'too-large'` (the caller answers 413 and closes the connection, so a sender that
 * never stops cannot keep the simulator reading); a request aborted mid-body rejects.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    // The client may have gone while the request waited (latency, a delay fault): no event
    // would come any more.
    if (req.destroyed) {
      reject(new Error('the request was aborted before its body was read'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        done();
        req.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onClose = (): void => {
      done();
      reject(new Error('the request was aborted before its body ended'));
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
