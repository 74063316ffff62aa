import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  GraphQLError,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { isRecord } from '../isRecord.js';
import type { Logger } from '../logger.js';
import type { StreamingOperations } from '../subscriptions/createStreamingOperations.js';
import { callerIdentityOf, type CallerIdentity } from './callerIdentity.js';
import type { ConnectionGuard } from './createConnectionGuard.js';
import { refuseOnSocket } from './refusal.js';

export const GRAPHQL_TRANSPORT_WS = 'graphql-transport-ws';

/** Longest graphql-ws subscription id: the library keeps each running one's id as a key. */
export const MAX_ID_LENGTH = 128;

export interface WebSocketOptions {
  readonly server: Server;
  readonly guard: ConnectionGuard;
  /** Undefined with --max-subscriptions 0: every upgrade is refused, saying so. */
  readonly operations: StreamingOperations | undefined;
  readonly logger: Logger;
  /** Largest message a client may send (--max-body-bytes). */
  readonly maxPayload: number;
  /** Browser origins allowed besides the gateway's own (--cors-origin). */
  readonly corsOrigins: readonly string[];
  /** Subscriptions one connection may hold at once. */
  readonly maxPerConnection?: number | undefined;
  /** A client must send connection_init within this long (default 3 s, graphql-ws's own). */
  readonly initTimeoutMs?: number | undefined;
  /** Ping every this long; a client that does not answer within it is cut (default 12 s). */
  readonly keepAliveMs?: number | undefined;
}

/** Status, status text, message and reason of a refused upgrade. */
type UpgradeRefusal = [number, string, string, string];

export interface WebSocketTransport {
  /** Connections open now. */
  readonly open: number;
  /** Closes every connection with 1001 (Going away) and refuses new ones. */
  close(): Promise<void>;
}

interface Extra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  identity?: CallerIdentity;
  /** Each subscription's end signal, by id. */
  ends?: Map<string, AbortController>;
}

/**
 * The credentials of a graphql-ws client, as HTTP headers: the upgrade request's own (a server-
 * side client can send them), overlaid by `connection_init`'s payload, where browsers put them
 * (they cannot set headers on a WebSocket): `Authorization` in any case, or the same under
 * `headers`, as Apollo Client's and graphql-ws's documented setups send it; the same for
 * `X-Cluster-Authorization-<cluster>`. Values that are not strings are ignored.
 */
export function connectionHeaders(request: IncomingMessage, params: unknown): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  const take = (name: string, value: unknown): void => {
    const key = name.toLowerCase();
    if (typeof value !== 'string') return;
    if (key === 'authorization' || key.startsWith('x-cluster-authorization-')) headers[key] = value;
  };
  for (const [name, value] of Object.entries(request.headers)) take(name, value);
  const requestId = request.headers['x-request-id'];
  if (typeof requestId === 'string') headers['x-request-id'] = requestId;
  if (isRecord(params)) {
    if (isRecord(params['headers']))
      for (const [name, value] of Object.entries(params['headers'])) take(name, value);
    for (const [name, value] of Object.entries(params)) take(name, value);
  }
  return headers;
}

/**
 * Subscriptions over WebSocket (graphql-ws, subprotocol graphql-transport-ws) on /graphql of the
 * public listener. The upgrade is refused, in the gateway's error shape, for another path, another
 * subprotocol, or a browser page of another origin (a WebSocket has no CORS: without this check
 * any site could read what the gateway's own identity sees through a visitor's browser). Each
 * subscription passes the same checks as a query (StreamingOperations.prepare) with the
 * connection's credentials. A connection counts against --max-connections like a request being
 * answered, and holds at most `maxPerConnection` subscriptions.
 */
export function createWebSocketTransport(options: WebSocketOptions): WebSocketTransport {
  const maxPerConnection = options.maxPerConnection ?? 100;
  const operations = options.operations;
  const allowed = new Set(options.corsOrigins);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    perMessageDeflate: false,
  });
  let closing = false;
  /** Why an upgrade is refused (status, status text, message, reason), or undefined. */
  const refusalOf = (request: IncomingMessage): UpgradeRefusal | undefined => {
    const path = (request.url ?? '').split('?', 1)[0];
    if (path !== '/graphql')
      return [404, 'Not Found', 'WebSocket is served on /graphql only.', 'NOT_FOUND'];
    if (closing)
      return [503, 'Service Unavailable', 'The gateway is shutting down.', 'SHUTTING_DOWN'];
    if (!operations)
      return [
        400,
        'Bad Request',
        'Subscriptions are turned off on this gateway (--max-subscriptions 0).',
        'SUBSCRIPTIONS_OFF',
      ];
    const protocols = (request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    if (!protocols.includes(GRAPHQL_TRANSPORT_WS))
      return [
        400,
        'Bad Request',
        `A WebSocket to /graphql must ask for the subprotocol "${GRAPHQL_TRANSPORT_WS}" (graphql-ws).`,
        'UNSUPPORTED_SUBPROTOCOL',
      ];
    const origin = request.headers.origin;
    if (origin !== undefined && !allowed.has(origin) && !sameOrigin(origin, request))
      return [
        403,
        'Forbidden',
        'This origin may not open a WebSocket to the gateway (--cors-origin lists the ones that may).',
        'ORIGIN_NOT_ALLOWED',
      ];
    return undefined;
  };
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const refused = refusalOf(request);
    if (refused) {
      refuseOnSocket(socket, ...refused);
      return;
    }
    // Until it holds a subscription, a WebSocket is a connection the gateway waits on, like an
    // idle keep-alive one: at --max-connections the stalest such is closed for a new one, so
    // sockets that only said connection_init cannot lock everyone out. While it holds one it is
    // busy, and those are bounded by --max-subscriptions, which stays below --max-connections.
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  options.server.on('upgrade', onUpgrade);
  const socketOf = (request: IncomingMessage): Socket | undefined =>
    request.socket instanceof Socket ? request.socket : undefined;
  const busy = (request: IncomingMessage): void => {
    const socket = socketOf(request);
    if (socket) options.guard.busy(socket);
  };
  const idle = (request: IncomingMessage): void => {
    const socket = socketOf(request);
    if (socket && !socket.destroyed) options.guard.idle(socket);
  };

  if (operations)
    useServer<Record<string, unknown> | undefined, Partial<Extra>>(
      {
        connectionInitWaitTimeout: options.initTimeoutMs ?? 3_000,
        onConnect(ctx) {
          const extra = ctx.extra;
          extra.identity = callerIdentityOf(connectionHeaders(extra.request, ctx.connectionParams));
          extra.ends = new Map();
          return true;
        },
        onSubscribe(ctx, id, payload) {
          const extra = ctx.extra;
          const identity = extra.identity ?? callerIdentityOf({});
          if (id.length > MAX_ID_LENGTH)
            return [
              new GraphQLError(
                `A subscription id is at most ${MAX_ID_LENGTH} characters (graphql-ws ids are short, unique strings).`,
                { extensions: { code: 'BAD_USER_INPUT', reason: 'SUBSCRIPTION_ID_TOO_LONG' } },
              ),
            ];
          if (Object.keys(ctx.subscriptions).length > maxPerConnection)
            return [
              new GraphQLError(
                `One connection holds at most ${maxPerConnection} subscriptions at once: end one, or open another connection.`,
                { extensions: { code: 'BAD_USER_INPUT', reason: 'TOO_MANY_SUBSCRIPTIONS' } },
              ),
            ];
          const end = new AbortController();
          const prepared = operations.prepare(
            payload,
            { ...identity, requestId: `${identity.requestId}:${id.slice(0, 64)}` },
            end.signal,
            'ws',
          );
          if (!prepared.ok)
            return prepared.refusal.errors.map(
              (e) =>
                new GraphQLError(e.message, {
                  ...(e.extensions ? { extensions: e.extensions } : {}),
                }),
            );
          extra.ends?.set(id, end);
          if (extra.ends?.size === 1) busy(extra.request);
          return prepared.args;
        },
        subscribe: async (args: ExecutionArgs) =>
          (await operations.run(args, 'ws')) as
            AsyncIterableIterator<ExecutionResult> | ExecutionResult,
        // Results are formatted already (StreamingOperations formats them as queries' are).
        onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
        onComplete(ctx, id) {
          const extra = ctx.extra;
          extra.ends?.get(id)?.abort();
          if (extra.ends?.delete(id) === true && extra.ends.size === 0) idle(extra.request);
        },
        onClose(ctx) {
          const extra = ctx.extra;
          for (const end of extra.ends?.values() ?? []) end.abort();
          extra.ends?.clear();
        },
      },
      wss,
      options.keepAliveMs ?? 12_000,
    );
  // graphql-ws answers a socket error (a client's oversized or malformed frame, which `ws` has
  // already closed with 1009 or 1002) with console.error and a stack: a log line outside the
  // gateway's logger, per hostile client. Its listener is replaced by one that logs in ours.
  wss.on('connection', (ws) => {
    ws.removeAllListeners('error');
    ws.on('error', (err) => {
      options.logger.debug({ err: err.message }, 'websocket closed on a client error');
      ws.terminate();
    });
  });
  return {
    get open() {
      return wss.clients.size;
    },
    async close() {
      closing = true;
      options.server.off('upgrade', onUpgrade);
      for (const client of wss.clients)
        client.close(1001, 'Going away: the gateway is shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Whether a browser's Origin is the gateway's own (the GraphiQL page it serves). */
function sameOrigin(origin: string, request: IncomingMessage): boolean {
  const host = request.headers.host;
  if (host === undefined) return false;
  try {
    const url = new URL(origin);
    return url.host === host;
  } catch {
    return false;
  }
}
