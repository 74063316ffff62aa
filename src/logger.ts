import { pino, stdTimeFunctions, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs: one JSON object per line, with an ISO 8601 `time` and the level by name
 * (`"level":"info"`), as log collectors expect. Nothing logs headers; the redact paths are a
 * second line of defence so that a bearer token can never reach a log line even if an object
 * carrying one is logged.
 */
export const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'token',
  '*.token',
  'bearerToken',
  '*.bearerToken',
];

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
}

/** Bytes held while stdout does not take them; past it, lines are dropped. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * Standard output, written without ever blocking the process: a reader that stops reading (a
 * stalled log collector) or goes away (`| head -1`) costs log lines, never the event loop. (A
 * synchronous destination, and sonic-boom's flush at exit, spin forever on a pipe whose reader
 * has gone: a signal handler that logged never got to exit.)
 */
function stdout(): DestinationStream & { flush(done: (err?: Error) => void): void } {
  const out = process.stdout;
  out.on('error', () => undefined);
  return {
    write(line: string) {
      if (!out.destroyed && out.writableLength < MAX_BUFFERED_BYTES) out.write(line);
    },
    flush(done) {
      if (out.destroyed || out.writableLength === 0) done();
      else out.once('drain', () => done());
    },
  };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const config = {
    level: options.level ?? 'info',
    base: { service: 'image-gateway' },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return pino(config, options.destination ?? stdout());
}
