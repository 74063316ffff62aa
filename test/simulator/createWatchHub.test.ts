import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { MAX_WATCH_BACKLOG } from '../../src/simulator/createWatchHub.js';
import { until } from '../helpers/until.js';

const B = '/apis/image.openshift.io/v1';
const TOKEN = 'demo-token-sim';

let sim: Simulator;
beforeEach(async () => {
  sim = await createSimulator({
    name: 'sim',
    seedOptions: { benchStreams: 3, benchImagesPerStream: 2 },
    tokens: {
      [TOKEN]: { user: 'reader', namespaces: '*' },
      'apps-only': { user: 'apps-reader', namespaces: ['apps'] },
    },
    watchHistory: 5,
  });
});
afterEach(async () => {
  await sim.close();
});

/** An open watch: its status, the events parsed so far, and whether the server ended it. */
interface OpenWatch {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly events: any[];
  readonly ended: () => boolean;
  close(): void;
}

function watch(path: string, token = TOKEN): Promise<OpenWatch> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${sim.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    req.on('error', reject);
    req.on('response', (res) => {
      const events: any[] = [];
      let buffer = '';
      let ended = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffer.slice(0, nl)));
          buffer = buffer.slice(nl + 1);
        }
        if (res.statusCode !== 200 && buffer) events.push(buffer);
      });
      res.on('end', () => {
        if (buffer) events.push(JSON.parse(buffer));
        ended = true;
      });
      res.on('error', () => {
        ended = true;
      });
      res.on('close', () => {
        ended = true;
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended: () => ended,
        close: () => req.destroy(),
      });
    });
  });
}

async function listVersion(): Promise<string> {
  const res = await fetch(`${sim.url}${B}/imagestreams`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return ((await res.json()) as any).metadata.resourceVersion;
}

describe('watching image streams on the simulated API server', () => {
  it('starts without a resourceVersion with an ADDED event per stream, then sends changes', async () => {
    const w = await watch(`${B}/imagestreams?watch=1`);
    expect(w.status).toBe(200);
    expect(w.headers['content-type']).toBe('application/json');
    expect(w.headers['transfer-encoding']).toBe('chunked');
    await until(() => w.events.length >= 3, 'w.events.length >= 3');
    expect(w.events.every((e) => e.type === 'ADDED')).toBe(true);
    const initial = w.events.length;
    const names = w.events.map((e) => `${e.object.metadata.namespace}/${e.object.metadata.name}`);
    expect(names).toContain('bench/stream-000');
    const digest = sim.changes.moveTag('bench', 'stream-000', 'latest');
    await until(() => w.events.length > initial, 'w.events.length > initial');
    const moved = w.events[initial];
    expect(moved.type).toBe('MODIFIED');
    expect(moved.object.metadata.resourceVersion).toBe('5001');
    const latest = moved.object.status.tags.find((t: any) => t.tag === 'latest');
    expect(latest.items[0].image).toBe(digest);
    expect(await listVersion()).toBe('5001');
    w.close();
  });

  it('sends ADDED, MODIFIED and DELETED for a created, changed and deleted stream', async () => {
    const w = await watch(`${B}/imagestreams?watch=true&resourceVersion=${await listVersion()}`);
    const base = sim.data.streams.get('bench')?.get('stream-001');
    sim.changes.putImageStream({ ...base!, metadata: { ...base!.metadata, name: 'new-one' } });
    sim.changes.setImportError('bench', 'new-one', 'latest', 'manifest unknown');
    sim.changes.deleteImageStream('bench', 'new-one');
    await until(() => w.events.length === 3, 'w.events.length === 3');
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(w.events.map((e) => e.object.metadata.resourceVersion)).toEqual([
      '5001',
      '5002',
      '5003',
    ]);
    const condition = w.events[1].object.status.tags[0].conditions[0];
    expect(condition).toMatchObject({ type: 'ImportSuccess', status: 'False' });
    expect(condition.message).toBe('manifest unknown');
    expect(sim.data.streams.get('bench')?.has('new-one')).toBe(false);
    w.close();
  });

  it('resumes from a resourceVersion with every change after it, none before', async () => {
    sim.changes.moveTag('bench', 'stream-000', 'a');
    const after = await listVersion();
    sim.changes.moveTag('bench', 'stream-001', 'b');
    sim.changes.moveTag('bench', 'stream-002', 'c');
    const w = await watch(`${B}/imagestreams?watch=1&resourceVersion=${after}`);
    await until(() => w.events.length === 2, 'w.events.length === 2');
    expect(w.events.map((e) => e.object.metadata.name)).toEqual(['stream-001', 'stream-002']);
    w.close();
  });

  it('answers a resourceVersion older than the history kept with one 410 ERROR event, then ends', async () => {
    for (let i = 0; i < 6; i++) sim.changes.moveTag('bench', 'stream-000', `t${i}`);
    const w = await watch(`${B}/imagestreams?watch=1&resourceVersion=5000`);
    await until(() => w.ended(), 'w.ended()');
    expect(w.status).toBe(200);
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
    expect(w.events[0].object.message).toContain('too old resource version: 5000');
    // After compaction every older version is gone; the current one still works.
    sim.changes.moveTag('bench', 'stream-000', 'x');
    const current = await listVersion();
    sim.watches.compact();
    const old = await watch(`${B}/imagestreams?watch=1&resourceVersion=5006`);
    await until(() => old.ended(), 'old.ended()');
    expect(old.events[0].type).toBe('ERROR');
    const fresh = await watch(`${B}/imagestreams?watch=1&resourceVersion=${current}`);
    sim.changes.moveTag('bench', 'stream-000', 'y');
    await until(() => fresh.events.length === 1, 'fresh.events.length === 1');
    expect(fresh.events[0].type).toBe('MODIFIED');
    fresh.close();
  });

  it('sends bookmarks only to watches that allow them', async () => {
    const rv = await listVersion();
    const plain = await watch(`${B}/imagestreams?watch=1&resourceVersion=${rv}`);
    const marked = await watch(
      `${B}/imagestreams?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`,
    );
    await until(() => sim.watches.open === 2, 'sim.watches.open === 2');
    sim.watches.bookmark();
    await until(() => marked.events.length === 1, 'marked.events.length === 1');
    expect(marked.events[0]).toEqual({
      type: 'BOOKMARK',
      object: {
        kind: 'ImageStream',
        apiVersion: 'image.openshift.io/v1',
        metadata: { resourceVersion: rv },
      },
    });
    sim.changes.moveTag('bench', 'stream-000', 'z');
    await until(() => plain.events.length === 1, 'plain.events.length === 1');
    expect(plain.events[0].type).toBe('MODIFIED');
    plain.close();
    marked.close();
    await until(() => sim.watches.open === 0, 'sim.watches.open === 0');
  });

  it('scopes a namespaced watch to its namespace and authorizes it like a list', async () => {
    const w = await watch(`${B}/namespaces/apps/imagestreams?watch=1`, 'apps-only');
    await until(() => w.events.length === 3, 'w.events.length === 3');
    expect(new Set(w.events.map((e) => e.object.metadata.namespace))).toEqual(new Set(['apps']));
    sim.changes.moveTag('bench', 'stream-000', 'hidden');
    sim.changes.moveTag('apps', 'frontend', 'seen');
    await until(() => w.events.length === 4, 'w.events.length === 4');
    expect(w.events[3].object.metadata.name).toBe('frontend');
    w.close();
    const refused = await watch(`${B}/imagestreams?watch=1`, 'apps-only');
    expect(refused.status).toBe(403);
    await until(() => refused.ended(), 'refused.ended()');
    const anonymous = await fetch(`${sim.url}${B}/imagestreams?watch=1`);
    expect(anonymous.status).toBe(403);
    expect(((await anonymous.json()) as any).message).toContain('cannot watch resource');
  });

  it('ends a watch after timeoutSeconds and refuses bad versions and timeouts with 400', async () => {
    const rv = await listVersion();
    const bad = await fetch(`${sim.url}${B}/imagestreams?watch=1&resourceVersion=abc`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).message).toBe('invalid resource version: "abc"');
    const badTimeout = await fetch(`${sim.url}${B}/imagestreams?watch=1&timeoutSeconds=-1`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(badTimeout.status).toBe(400);
    const w = await watch(`${B}/imagestreams?watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
    await until(() => w.ended(), 'the timeout ends the watch');
    expect(w.events).toEqual([]);
  });

  it('cuts every watch on drop() and counts watches apart from lists', async () => {
    sim.resetCounts();
    const w = await watch(`${B}/imagestreams?watch=1&resourceVersion=${await listVersion()}`);
    await until(() => sim.watches.open === 1, 'sim.watches.open === 1');
    sim.watches.drop();
    await until(() => w.ended(), 'w.ended()');
    expect(sim.watches.open).toBe(0);
    expect(sim.count('imagestreams')).toBe(1);
    expect(sim.count('imagestreams?watch')).toBe(1);
  });

  it('throws for a change to a stream or an image that does not exist', () => {
    expect(() => sim.changes.moveTag('bench', 'nope', 'latest')).toThrow(
      'simulator: no image stream bench/nope',
    );
    expect(() =>
      sim.changes.moveTag('bench', 'stream-000', 'latest', `sha256:${'0'.repeat(64)}`),
    ).toThrow('simulator: no image');
    expect(() => sim.changes.deleteImageStream('nope', 'x')).toThrow();
  });
});

describe('a watcher that does not read', () => {
  it('is cut once MAX_WATCH_BACKLOG bytes wait for it; the others keep their watch', async () => {
    const rv = await listVersion();
    const { hostname, port } = new URL(sim.url);
    const socket = net.connect(Number(port), hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `GET ${B}/imagestreams?watch=1&resourceVersion=${rv} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`,
    );
    socket.pause();
    const reader = await watch(`${B}/imagestreams?watch=1&resourceVersion=${rv}`);
    await until(() => sim.watches.open === 2, 'both watches are open');
    const base = sim.data.streams.get('bench')?.get('stream-000');
    if (!base) throw new Error('seed');
    // 100 KB per event: far more than the backlog and the kernel's buffers together.
    const big = {
      ...base,
      metadata: { ...base.metadata, annotations: { pad: 'x'.repeat(100_000) } },
    };
    let sent = 0;
    while (sim.watches.open === 2 && sent < 2000) {
      sim.changes.putImageStream(big);
      sent += 1;
      // The reading watcher reads what it was sent before the next change.
      const count = sent;
      await until(() => reader.events.length === count, 'the reader keeps up');
    }
    expect(sim.watches.open).toBe(1);
    expect(sent * 100_000).toBeGreaterThan(MAX_WATCH_BACKLOG);
    await until(() => reader.events.length === sent, 'the reading watcher got every event');
    reader.close();
    socket.destroy();
  });
});
