import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { readWatchEvents, type WatchEvent } from '../../src/upstream/readWatchEvents.js';

const stream = (name: string, rv = '7'): unknown => ({
  kind: 'ImageStream',
  metadata: { name, namespace: 'ns', resourceVersion: rv },
  status: { tags: [{ tag: 'latest', items: [{ image: 'sha256:a', dockerImageReference: 'x' }] }] },
});

async function read(chunks: readonly (string | Buffer)[], max = 1024): Promise<WatchEvent[]> {
  async function* source(): AsyncGenerator<string | Buffer> {
    for (const chunk of chunks) yield chunk;
  }
  const out: WatchEvent[] = [];
  for await (const event of readWatchEvents(source(), 'c1', max)) out.push(event);
  return out;
}

async function failure(chunks: readonly (string | Buffer)[], max = 1024): Promise<GatewayError> {
  const err = await read(chunks, max).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GatewayError))
    throw new Error(`expected a GatewayError, got ${String(err)}`);
  return err;
}

describe('readWatchEvents', () => {
  it('reads one event per line, whatever the chunking, blank lines skipped', async () => {
    const text = `${JSON.stringify({ type: 'ADDED', object: stream('a') })}\n\n${JSON.stringify({
      type: 'BOOKMARK',
      object: { metadata: { resourceVersion: '9' } },
    })}\n${JSON.stringify({ type: 'DELETED', object: stream('b', '10') })}`;
    // Every split point, byte by byte for the first event.
    for (const size of [1, 3, 17, 1000]) {
      const chunks: Buffer[] = [];
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const events = await read(chunks);
      expect(events.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK', 'DELETED']);
    }
    const [added, bookmark] = await read([text]);
    expect(added).toMatchObject({ type: 'ADDED', stream: { metadata: { name: 'a' } } });
    expect(bookmark).toEqual({ type: 'BOOKMARK', resourceVersion: '9' });
  });

  it('turns an ERROR event into the GatewayError of its Status, 410 kept as the upstream status', async () => {
    const [event] = await read([
      `${JSON.stringify({
        type: 'ERROR',
        object: {
          kind: 'Status',
          code: 410,
          reason: 'Expired',
          message: 'too old resource version: 1 (5)',
        },
      })}\n`,
    ]);
    if (event?.type !== 'ERROR') throw new Error('expected an ERROR');
    expect(event.error.upstream).toEqual({ status: 410, reason: 'Expired' });
    expect(event.error.message).toBe('cluster "c1": too old resource version: 1 (5)');
  });

  it('refuses lines that are not JSON, not events, or events of the wrong shape, naming the problem', async () => {
    const cases: [string, string][] = [
      ['<html>oops</html>\n', 'a watch event is not JSON'],
      ['null\n', 'a watch event is not an object'],
      ['[1,2]\n', 'a watch event is not an object'],
      ['{"type":"ADDED"}\n', 'a watch event has no object'],
      ['{"type":"ADDED","object":null}\n', 'a watch event has no object'],
      ['{"type":"WHATEVER","object":{}}\n', 'unknown type "WHATEVER"'],
      ['{"type":7,"object":{}}\n', 'unknown type "7"'],
      ['{"type":"BOOKMARK","object":{"metadata":{}}}\n', 'no metadata.resourceVersion'],
      [
        '{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":5}}}\n',
        'no metadata.resourceVersion',
      ],
      [
        '{"type":"ADDED","object":{"metadata":{"name":"a","namespace":"n"}}}\n',
        'no name, namespace or resourceVersion',
      ],
      ['{"type":"MODIFIED","object":{"metadata":{"name":5}}}\n', 'object.metadata.name'],
      [
        '{"type":"ADDED","object":{"metadata":{"name":"a","namespace":"n","resourceVersion":"1"},"status":{"tags":"no"}}}\n',
        'object.status.tags',
      ],
    ];
    for (const [line, problem] of cases) {
      const err = await failure([line]);
      expect({ line, code: err.code, reason: err.upstream?.reason }).toEqual({
        line,
        code: 'UPSTREAM_UNAVAILABLE',
        reason: 'MalformedBody',
      });
      expect({ line, message: err.message }).toEqual({
        line,
        message: expect.stringContaining(problem),
      });
    }
  });

  it('refuses a body that ends in the middle of an event', async () => {
    const err = await failure([
      `${JSON.stringify({ type: 'ADDED', object: stream('a') })}\n{"type":"MOD`,
    ]);
    expect(err.message).toContain('the watch ended in the middle of an event');
  });

  it('cuts an event larger than the bound before buffering it whole, with or without a newline', async () => {
    const huge = 'x'.repeat(600);
    const endless = await failure([huge, huge, huge], 1024);
    expect(endless.upstream).toEqual({ status: 200, reason: 'ResponseTooLarge' });
    expect(endless.message).toBe('cluster "c1": a watch event is larger than 1024 bytes');
    const long = await failure([`${huge}${huge}\n`], 1024);
    expect(long.upstream?.reason).toBe('ResponseTooLarge');
    // Exactly at the bound is fine.
    const exact = JSON.stringify({ type: 'ADDED', object: stream('a') });
    expect(await read([`${exact}\n`], Buffer.byteLength(exact))).toHaveLength(1);
  });
});
