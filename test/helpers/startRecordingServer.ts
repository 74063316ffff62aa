import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a recording server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Name/value pairs exactly as sent (names in their case), repeated headers kept apart. */
  readonly rawHeaders: readonly (readonly [string, string])[];
}

/** How to answer one request: default 200 with a /version body; `hang` never answers. */
export interface ScriptedReply {
  readonly status?: number;
  /** The reason phrase of the status line (Node's standard one when absent). */
  readonly statusMessage?: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly hang?: boolean;
}

export interface RecordingServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests whose client went away before they were answered (a `hang` cancelled). */
  readonly abandoned: () => number;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server on port 0 that records every request (headers included, which the
 * simulator does not keep) and answers from a script: for tests of what the gateway sends.
 */
export async function startRecordingServer(
  script: (request: RecordedRequest, index: number) => ScriptedReply = () => ({}),
): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let abandoned = 0;
  const server = http.createServer((req, res) => {
    res.once('close', () => {
      if (!res.writableFinished) abandoned += 1;
    });
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
      pairs.push([req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '']);
    const request: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: pairs,
    };
    requests.push(request);
    const reply = script(request, requests.length - 1);
    req.resume();
    if (reply.hang) return;
    if (reply.statusMessage !== undefined) res.statusMessage = reply.statusMessage;
    res.writeHead(reply.status ?? 200, {
      'content-type': 'application/json',
      ...reply.headers,
    });
    res.end(reply.body ?? '{"major":"1","minor":"30","gitVersion":"v1.30.0"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    abandoned: () => abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A Kubernetes Status body, as an API server sends it with a failure. */
export function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}
