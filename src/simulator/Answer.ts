import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the simulator answers to one request: an HTTP status, a body sent as JSON, extra headers. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** A streamed answer (a watch): writes status, headers and body itself; `body` is unused. */
  readonly stream?: (req: IncomingMessage, res: ServerResponse) => void;
}
