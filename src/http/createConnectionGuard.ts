import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Keeps the number of client connections under a cap without letting slow or idle clients
 * lock everyone else out. A connection is *waiting* while the gateway waits for it (headers not
 * yet complete, a body still arriving, or idle between keep-alive requests) and *busy* while a
 * request it sent in full is being answered. At the cap, a new connection evicts the waiting
 * connection that has waited longest; only when every connection is busy is the new one refused.
 *
 * So a flood of connections that send their headers or bodies a byte at a time (which once ran
 * the process out of file descriptors) only ever evicts itself: a client that sends a request
 * promptly is busy by the time the next eviction happens. Timeouts (headers, body, idle) bound
 * how long any one connection can wait in any case.
 */
export interface ConnectionGuard {
  /** The socket's request arrived in full and is being answered. */
  busy(socket: Socket): void;
  /** The socket's response is sent; it waits for the next request. */
  idle(socket: Socket): void;
  /**
   * For a shutdown: closes every connection that has no request being answered (one that sent
   * nothing yet, half a request, or sits idle) and, from now on, each busy one as soon as its
   * answer is sent. Node stops enforcing the header and body timeouts once its server is
   * closed, so such a connection would otherwise hold the stop until the socket timeout.
   */
  closeWaiting(): void;
  /** Open connections now. */
  readonly open: number;
  /** Waiting connections closed to admit new ones, and new ones refused, since start. */
  readonly evicted: number;
  readonly refused: number;
}

export function createConnectionGuard(server: Server, maxConnections: number): ConnectionGuard {
  // Sets keep insertion order: the first waiting socket is the one that has waited longest.
  const waiting = new Set<Socket>();
  const busy = new Set<Socket>();
  let evicted = 0;
  let refused = 0;
  let closing = false;
  server.on('connection', (socket: Socket) => {
    if (waiting.size + busy.size >= maxConnections) {
      const stalest = waiting.values().next();
      if (stalest.done) {
        refused += 1;
        socket.destroy();
        return;
      }
      waiting.delete(stalest.value);
      stalest.value.destroy();
      evicted += 1;
    }
    waiting.add(socket);
    socket.once('close', () => {
      waiting.delete(socket);
      busy.delete(socket);
    });
  });
  return {
    busy(socket) {
      if (waiting.delete(socket)) busy.add(socket);
    },
    idle(socket) {
      if (!busy.delete(socket)) return;
      // The answer is flushed: end() lets the kernel deliver it, then closes.
      if (closing) socket.end();
      else waiting.add(socket);
    },
    closeWaiting() {
      closing = true;
      for (const socket of waiting) socket.destroy();
      waiting.clear();
    },
    get open() {
      return waiting.size + busy.size;
    },
    get evicted() {
      return evicted;
    },
    get refused() {
      return refused;
    },
  };
}
