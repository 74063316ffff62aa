import { HTTPError, type Got, type OptionsOfTextResponseBody } from 'got';
import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CallOptions } from './createImageApiClient.js';
import type { UpstreamRequest } from './createUpstreamTransport.js';
import { errorFromAnswer, errorFromTransport, malformedBody } from './toGatewayError.js';

/** What sendRequest needs of its cluster. */
export interface Exchange {
  readonly cluster: string;
  readonly got: Got;
  /** A larger body is cut off, never buffered whole. */
  readonly maxResponseBytes: number;
  readonly logger?: Logger | undefined;
}

/** Body and status of a 2xx answer, with the body cut off past maxResponseBytes. */
function fetchText(
  exchange: Exchange,
  request: UpstreamRequest,
  call: CallOptions,
  headers: Readonly<Record<string, string | string[]>>,
): Promise<{ statusCode: number; body: string }> {
  // Only the options this call sets: got merges each key given (a setter, an assertion, and for
  // `searchParams: undefined` a rewrite of the URL) on every call; GET is the client's default.
  const options: OptionsOfTextResponseBody = {
    headers,
    context: { deadlineAt: call.deadlineAt, resource: request.resource, budget: call.budget },
  };
  if (request.method !== undefined && request.method !== 'GET') options.method = request.method;
  if (request.json !== undefined) options.json = request.json;
  if (call.signal !== undefined) options.signal = call.signal;
  if (request.searchParams !== undefined) options.searchParams = request.searchParams;
  return new Promise((resolve, reject) => {
    const pending = exchange.got(request.path, options);
    let oversized = false;
    // The status of the answer being cut off, reported as sent (a 500 with a huge page is not
    // a 200).
    let status = 0;
    void pending.on('request', (req) => {
      req.once('response', (res: { statusCode?: number }) => {
        status = res.statusCode ?? 0;
      });
    });
    void pending.on('downloadProgress', ({ transferred, total }) => {
      if (!oversized && Math.max(transferred, total ?? 0) > exchange.maxResponseBytes) {
        oversized = true;
        pending.cancel();
      }
    });
    void pending.then(
      (res) =>
        resolve({
          statusCode: res.statusCode,
          body: res.body,
        }),
      (err: unknown) =>
        reject(
          oversized || !(err instanceof Error)
            ? new GatewayError(
                'UPSTREAM_UNAVAILABLE',
                `cluster "${exchange.cluster}": the response is larger than ${exchange.maxResponseBytes} bytes`,
                {
                  cluster: exchange.cluster,
                  // One object too large for the gateway, not a failing cluster (see isClusterFailure).
                  upstream: { status, reason: 'ResponseTooLarge' },
                  cause: err,
                },
              )
            : err,
        ),
    );
  });
}

/**
 * One HTTP exchange with the API server (got retries inside it), answered as parsed JSON of the
 * shape the request names, or as a GatewayError: an answer outside 2xx through errorFromAnswer,
 * no answer through errorFromTransport, a body that is not that JSON through malformedBody.
 * `secrets` are the credentials sent: they never appear in an error.
 */
export async function sendRequest(
  exchange: Exchange,
  request: UpstreamRequest,
  call: CallOptions,
  headers: Readonly<Record<string, string | string[]>>,
  secrets: readonly (string | undefined)[],
): Promise<unknown> {
  const { cluster } = exchange;
  const started = performance.now();
  let statusCode = 0;
  try {
    const response = await fetchText(exchange, request, call, headers);
    statusCode = response.statusCode;
    // Redirects are not followed (they would carry the credentials away): an answer, not a body.
    if (statusCode >= 300) throw errorFromAnswer(cluster, response, secrets);
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body);
    } catch (cause) {
      throw malformedBody(cluster, statusCode, cause);
    }
    const problem = request.shape(parsed, '');
    if (problem) throw malformedBody(cluster, statusCode, new TypeError(problem), problem);
    return parsed;
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    if (err instanceof HTTPError) {
      statusCode = err.response.statusCode;
      const body = typeof err.response.body === 'string' ? err.response.body : '';
      throw errorFromAnswer(cluster, { statusCode, body }, secrets);
    }
    const transport = (err ?? {}) as { name?: string; code?: unknown; message?: string };
    throw errorFromTransport(
      cluster,
      transport,
      call.signal?.aborted === true,
      secrets,
      call.signal?.reason,
    );
  } finally {
    // The line's object is built only when it is written (debug is off in production).
    if (exchange.logger?.isLevelEnabled('debug'))
      exchange.logger.debug(
        {
          cluster,
          requestId: call.requestId,
          resource: request.resource,
          status: statusCode,
          ms: Math.round(performance.now() - started),
        },
        'upstream call',
      );
  }
}
