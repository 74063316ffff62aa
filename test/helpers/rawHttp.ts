import net from 'node:net';

/**
 * Sends bytes on a fresh TCP connection and resolves with the status line of the answer, or
 * `closed` when the server closed without answering. For request lines and headers that
 * fetch() would refuse to send.
 */
export function rawRequest(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\r\n')) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer.split('\r\n', 1)[0] || 'closed'));
  });
}

/** The whole answer to raw bytes: its status line and its body (`closed`, '' when none came). */
export interface RawAnswer {
  readonly status: string;
  readonly body: string;
}

/**
 * Like rawRequest, but reads the whole answer: headers, then the body up to its Content-Length
 * (or until the server closes the connection).
 */
export function rawAnswer(url: string, bytes: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    socket.setEncoding('latin1');
    const parts = (): { head: string; body: string } | undefined => {
      const end = answer.indexOf('\r\n\r\n');
      return end < 0 ? undefined : { head: answer.slice(0, end), body: answer.slice(end + 4) };
    };
    socket.on('data', (chunk: string) => {
      answer += chunk;
      const split = parts();
      const length = split && /\r\ncontent-length: *(\d+)/i.exec(split.head)?.[1];
      if (
        split &&
        length !== undefined &&
        Buffer.byteLength(split.body, 'latin1') >= Number(length)
      )
        socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const split = parts();
      resolve({
        status: answer.split('\r\n', 1)[0] || 'closed',
        body: Buffer.from(split?.body ?? '', 'latin1').toString('utf8'),
      });
    });
  });
}

/**
 * A client that sends a request a byte at a time (a "slowloris"): it holds a connection open
 * until the server closes it. Resolves when the server closed the connection.
 */
export function slowClient(
  url: string,
  intervalMs: number,
): { closed: Promise<void>; stop(): void } {
  const { hostname, port } = new URL(url);
  const text = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(10_000)}\r\n\r\n`;
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const socket = net.connect(Number(port), hostname);
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve();
    }),
  );
  socket.on('connect', () => {
    timer = setInterval(() => {
      if (sent < text.length && socket.writable) socket.write(text[sent++] ?? '');
    }, intervalMs);
  });
  return { closed, stop: () => socket.destroy() };
}
