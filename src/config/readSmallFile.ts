import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Why a small file could not be read: `code` is errno's, or one of the checks below. */
export class SmallFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The short reason for a message in parentheses: errno's code, or what the check found. */
    readonly reason: string = code,
  ) {
    super(message);
    this.name = 'SmallFileError';
  }
}

/**
 * The bytes of a file that must be small (a token, a key, a certificate, a kubeconfig): only a
 * regular file (never `/dev/zero`, a FIFO or a directory, which once hung start-up), of at most
 * `maxBytes`, read through one open descriptor so that what is checked is what is read.
 */
export function readSmallFile(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer (it is refused below;
    // a plain open blocked start-up until something wrote to the FIFO).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : 'EIO';
    throw new SmallFileError(code, `cannot read "${path}" (${code})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new SmallFileError('EISDIR', `cannot read "${path}" (EISDIR)`);
    if (!stat.isFile())
      throw new SmallFileError('ENOTFILE', `"${path}" is not a regular file`, 'not a regular file');
    if (stat.size > maxBytes)
      throw new SmallFileError(
        'EFBIG',
        `"${path}" is ${stat.size} bytes; at most ${maxBytes} are read`,
        `${stat.size} bytes, more than the ${maxBytes} read at most`,
      );
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
