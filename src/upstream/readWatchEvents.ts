import { GatewayError } from '../errors.js';
import { isRecord } from '../isRecord.js';
import { errorFromAnswer, malformedBody } from './toGatewayError.js';
import type { ImageStream } from './types.js';
import { IMAGE_STREAM } from './wire/wireShapes.js';

/**
 * One event of an image stream watch (k8s.io/apimachinery/pkg/apis/meta/v1 WatchEvent), checked:
 * a change carries the whole stream (name, namespace and resourceVersion present); a BOOKMARK only
 * the resourceVersion to resume from; an ERROR the API server's Status, as a GatewayError whose
 * upstream status is the Status code (410: the version is too old, list again).
 */
export type WatchEvent =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly stream: ImageStream }
  | { readonly type: 'BOOKMARK'; readonly resourceVersion: string }
  | { readonly type: 'ERROR'; readonly error: GatewayError };

const CHANGES = new Set(['ADDED', 'MODIFIED', 'DELETED']);

/**
 * The events of a watch body: JSON objects one per line (the API server's
 * `application/json` watch framing). A line longer than `maxEventBytes`, a line that is not a
 * watch event, or a body that ends in the middle of a line ends the iteration with an
 * UPSTREAM_UNAVAILABLE error (MalformedBody or ResponseTooLarge): the caller resumes from the last
 * resourceVersion it saw, so nothing after the last whole event is lost.
 */
export async function* readWatchEvents(
  chunks: AsyncIterable<Buffer | string>,
  cluster: string,
  maxEventBytes: number,
): AsyncGenerator<WatchEvent> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10)) {
      if (pendingBytes + nl > maxEventBytes) throw tooLarge(cluster, maxEventBytes);
      pending.push(data.subarray(0, nl));
      const line = Buffer.concat(pending).toString('utf8');
      pending = [];
      pendingBytes = 0;
      data = data.subarray(nl + 1);
      if (line.trim() !== '') yield parseEvent(line, cluster);
    }
    if (data.length > 0) {
      pendingBytes += data.length;
      if (pendingBytes > maxEventBytes) throw tooLarge(cluster, maxEventBytes);
      pending.push(data);
    }
  }
  const rest = Buffer.concat(pending).toString('utf8');
  // A server may leave out the last newline; a whole event is still an event.
  if (rest.trim() !== '') yield parseEvent(rest, cluster, true);
}

function tooLarge(cluster: string, maxEventBytes: number): GatewayError {
  return new GatewayError(
    'UPSTREAM_UNAVAILABLE',
    `cluster "${cluster}": a watch event is larger than ${maxEventBytes} bytes`,
    { cluster, upstream: { status: 200, reason: 'ResponseTooLarge' } },
  );
}

function parseEvent(line: string, cluster: string, last = false): WatchEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (cause) {
    throw malformedBody(
      cluster,
      200,
      cause,
      last ? 'the watch ended in the middle of an event' : 'a watch event is not JSON',
    );
  }
  const bad = (problem: string): GatewayError =>
    malformedBody(cluster, 200, new TypeError(problem), problem);
  if (!isRecord(parsed)) throw bad('a watch event is not an object');
  const { type, object } = parsed;
  if (!isRecord(object)) throw bad('a watch event has no object');
  if (type === 'BOOKMARK') {
    const version = isRecord(object['metadata']) ? object['metadata']['resourceVersion'] : '';
    if (typeof version !== 'string' || version === '')
      throw bad('a BOOKMARK event has no metadata.resourceVersion');
    return { type, resourceVersion: version };
  }
  if (type === 'ERROR') {
    const code = object['code'];
    const statusCode = typeof code === 'number' && Number.isInteger(code) ? code : 500;
    return {
      type,
      error: errorFromAnswer(cluster, { statusCode, body: JSON.stringify(object) }),
    };
  }
  if (typeof type !== 'string' || !CHANGES.has(type))
    throw bad(`a watch event has the unknown type ${JSON.stringify(String(type)).slice(0, 40)}`);
  const problem = IMAGE_STREAM(object, 'object');
  if (problem) throw bad(problem);
  const stream = object as unknown as ImageStream;
  const { name, namespace, resourceVersion } = stream.metadata;
  if (!name || !namespace || !resourceVersion)
    throw bad(`a ${type} event's stream has no name, namespace or resourceVersion`);
  return { type: type as 'ADDED' | 'MODIFIED' | 'DELETED', stream };
}
