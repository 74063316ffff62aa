import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FormattedExecutionResult } from 'graphql';
import type { Logger } from '../logger.js';
import type { Results, StreamingOperations } from '../subscriptions/createStreamingOperations.js';
import { callerIdentityOf } from './callerIdentity.js';

export interface SseOptions {
  readonly operations: StreamingOperations;
  readonly logger: Logger;
  /** A write the client does not take within this long (it stopped reading) ends the stream. */
  readonly sendTimeoutMs: number;
  /** A comment line this often keeps proxies and the socket timeout from closing a quiet stream. */
  readonly heartbeatMs?: number | undefined;
}

/** Whether a request asks for Server-Sent Events (graphql-sse). */
export function wantsEventStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').toLowerCase().includes('text/event-stream');
}

const isResults = (value: Results | FormattedExecutionResult): value is Results =>
  Symbol.asyncIterator in value;

/**
 * Subscriptions over Server-Sent Events, graphql-sse's "distinct connections" mode: a POST to
 * /graphql with `Accept: text/event-stream` and the usual JSON body. A request refused before it
 * runs (a limit, a syntax or validation error, trusted documents) is a JSON error answer with the
 * status a query would get; a subscription that runs is a `text/event-stream` of `next` events,
 * each one result, and a final `complete`. A failure while running (a slow reader, a token no
 * longer valid) is a last `next` with the error, then `complete`.
 *
 * The stream ends when the client goes away (its subscription is ended at once), when the
 * gateway shuts down (after the events already queued), or when the client stops reading for
 * longer than the send timeout (the connection is cut). The connection closes after each stream.
 */
export function createSseHandler(
  options: SseOptions,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  return async (request, reply) => {
    const identity = callerIdentityOf(request.headers);
    void reply.header('x-request-id', identity.requestId).header('cache-control', 'no-store');
    const res = reply.raw;
    const controller = new AbortController();
    const gone = (): void => controller.abort(new Error('the client closed the event stream'));
    res.once('close', gone);
    const prepared = options.operations.prepare(
      request.body ?? {},
      identity,
      controller.signal,
      'sse',
    );
    if (!prepared.ok) {
      res.off('close', gone);
      return reply
        .code(prepared.refusal.status)
        .type('application/json; charset=utf-8')
        .send({ errors: prepared.refusal.errors });
    }
    const started = await options.operations.run(prepared.args, 'sse');
    const results = isResults(started) ? started : undefined;
    if (controller.signal.aborted) {
      void results?.return?.();
      return reply.hijack();
    }
    // From here the stream is written by hand: Fastify's reply (and its send timeout) is done.
    void reply.hijack();
    res.writeHead(200, {
      ...headersOf(reply),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      connection: 'close',
    });
    res.flushHeaders();
    let ended = false;
    // A function, not the variable: the client going away changes it while the loop awaits.
    const isEnded = (): boolean => ended;
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      void results?.return?.();
    };
    controller.signal.addEventListener('abort', end, { once: true });
    /** Writes, waiting while the client is slow; false when the stream is over. */
    const write = async (chunk: string): Promise<boolean> => {
      if (ended || res.destroyed) return false;
      if (res.write(chunk)) return true;
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => done(false), options.sendTimeoutMs);
        const done = (ok: boolean): void => {
          clearTimeout(timer);
          res.off('drain', onDrain);
          res.off('close', onClose);
          resolve(ok);
        };
        const onDrain = (): void => done(true);
        const onClose = (): void => done(false);
        res.on('drain', onDrain);
        res.on('close', onClose);
      });
      if (!drained) {
        options.logger.info(
          { requestId: identity.requestId },
          'event stream cut: the client stopped reading',
        );
        res.destroy();
        end();
      }
      return drained && !ended;
    };
    const heartbeat = setInterval(() => {
      void write(':\n\n');
    }, heartbeatMs);
    heartbeat.unref();
    try {
      if (!results) await write(`event: next\ndata: ${JSON.stringify(started)}\n\n`);
      else
        for (;;) {
          const next = await results.next();
          if (next.done) break;
          if (!(await write(`event: next\ndata: ${JSON.stringify(next.value)}\n\n`))) break;
        }
      if (!isEnded() && !res.destroyed) {
        ended = true;
        clearInterval(heartbeat);
        res.end('event: complete\ndata:\n\n');
      }
    } catch (err) {
      options.logger.error(
        { requestId: identity.requestId, err: err instanceof Error ? err.message : String(err) },
        'event stream failed',
      );
      res.destroy();
    } finally {
      end();
    }
    return reply;
  };
}

/** The headers hooks set on the reply (CORS, request id, nosniff), for a hand-written head. */
function headersOf(reply: FastifyReply): Record<string, string | number | string[]> {
  const out: Record<string, string | number | string[]> = {};
  for (const [key, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) out[key] = value;
  return out;
}
