import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { parseRawResponse, sendRaw } from './callSimulator.js';

let sim: Simulator;
const TOKEN = { authorization: 'Bearer demo-token-sim' };
const B = '/apis/image.openshift.io/v1';

beforeAll(async () => {
  sim = await createSimulator({
    name: 'sim',
    seedOptions: { benchStreams: 5, benchImagesPerStream: 2 },
  });
});
afterAll(async () => {
  await sim.close();
});

async function get(
  path: string,
  headers: Record<string, string> = TOKEN,
): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const res = await fetch(`${sim.url}${path}`, { headers });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

describe('the simulated image API', () => {
  it('serves discovery like the real API server, derived from the real discovery document', async () => {
    const list = await get(B, {});
    expect(list.status).toBe(200);
    const isimage = list.body.resources.find((r: any) => r.name === 'imagestreamimages');
    expect(isimage).toMatchObject({
      namespaced: true,
      kind: 'ImageStreamImage',
      verbs: ['get'],
      shortNames: ['isimage'],
    });
    expect(list.body.resources.map((r: any) => r.name)).toContain('imagestreams/layers');
    expect((await get('/apis', {})).body.groups[0].name).toBe('image.openshift.io');
    expect((await get('/api', {})).body.versions).toEqual(['v1']);
  });

  it('answers 403 as system:anonymous without a token and 401 for an unknown one', async () => {
    const anonymous = await get(`${B}/namespaces/openshift/imagestreams/python`, {});
    expect(anonymous.status).toBe(403);
    expect(anonymous.body.message).toContain(
      'User "system:anonymous" cannot get resource "imagestreams"',
    );
    const unknown = await get(`${B}/namespaces/openshift/imagestreams/python`, {
      authorization: 'Bearer nope',
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('resolves an isimage by digest prefix and echoes the requested name; blanks manifest and config', async () => {
    const full = await get(
      `${B}/namespaces/openshift/imagestreamimages/python@sha256:a874dcabc74ca202b92b826521ff79dede61caca00ceab0b65024e895baceb58`,
    );
    expect(full.status).toBe(200);
    const short = await get(`${B}/namespaces/openshift/imagestreamimages/python@a874dcab`);
    expect(short.body.metadata.name).toBe('python@a874dcab');
    expect(short.body.image.metadata.name).toBe(full.body.image.metadata.name);
    expect(short.body.image.dockerImageManifest).toBeUndefined();
    expect(short.body.metadata.annotations).toEqual({
      'openshift.io/image.dockerRepositoryCheck': '2024-03-01T10:00:00Z',
    });
  });

  it('gives 400 for a name without one "@", and 404 for the list that does not exist', async () => {
    const bad = await get(`${B}/namespaces/openshift/imagestreamimages/python`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('ImageStreamImages must be retrieved with <name>@<id>');
    const list = await get(`${B}/namespaces/openshift/imagestreamimages`);
    expect(list.status).toBe(404);
    expect(list.body.message).toBe('the server could not find the requested resource');
  });

  it('pages cluster-wide image streams with limit/continue and expires old tokens with 410', async () => {
    const names: string[] = [];
    let token = '';
    do {
      const page = await get(
        `${B}/imagestreams?limit=4${token ? `&continue=${encodeURIComponent(token)}` : ''}`,
      );
      names.push(...page.body.items.map((s: any) => `${s.metadata.namespace}/${s.metadata.name}`));
      token = page.body.metadata.continue ?? '';
    } while (token);
    const total = [...sim.data.streams.values()].reduce((n, m) => n + m.size, 0);
    expect(names).toHaveLength(total);
    expect(new Set(names).size).toBe(total);
    const first = await get(`${B}/imagestreams?limit=2`);
    sim.expireContinueTokens();
    const expired = await get(
      `${B}/imagestreams?limit=2&continue=${encodeURIComponent(first.body.metadata.continue)}`,
    );
    expect(expired.status).toBe(410);
    expect(expired.body.metadata.continue).toBeTruthy();
  });

  it('serves layers of a stream, including manifest-list children and the manifest blob', async () => {
    const layers = await get(`${B}/namespaces/openshift/imagestreams/hello-multiarch/layers`);
    expect(layers.status).toBe(200);
    const entries = Object.entries<any>(layers.body.images);
    expect(entries).toHaveLength(3);
    const list = entries.find(([, refs]) => refs.manifests);
    expect(list?.[1]).toMatchObject({ imageMissing: false, layers: null, config: null });
    expect(layers.body.blobs[list?.[0] ?? '']).toEqual({
      size: null,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
    });
  });

  it('serves imagestreamtags and images', async () => {
    const tag = await get(`${B}/namespaces/openshift/imagestreamtags/python:3.8`);
    expect(tag.body).toMatchObject({ kind: 'ImageStreamTag', tag: { name: '3.8' }, generation: 2 });
    const noTag = await get(`${B}/namespaces/openshift/imagestreamtags/python:nope`);
    expect(noTag.body.message).toBe('imagestreamtags.image.openshift.io "python:nope" not found');
    const image = await get(`${B}/images/${tag.body.image.metadata.name}`);
    expect(image.body.kind).toBe('Image');
  });

  it('plays scripted faults: a 429 in plain text with Retry-After, once', async () => {
    sim.addFault({ resource: 'imagestreams', fault: { kind: 'rate-limit', retryAfterSeconds: 3 } });
    const limited = await get(`${B}/namespaces/openshift/imagestreams/python`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.text).toBe('Too many requests, please try again later.\n');
    expect((await get(`${B}/namespaces/openshift/imagestreams/python`)).status).toBe(200);
  });

  it('counts requests by resource', async () => {
    sim.resetCounts();
    await get(`${B}/namespaces/openshift/imagestreams/python`);
    await get(`${B}/namespaces/openshift/imagestreams/python/layers`);
    expect(sim.count('imagestreams')).toBe(1);
    expect(sim.count('imagestreams/layers')).toBe(1);
    expect(sim.count()).toBe(2);
  });
});

describe('the listener', () => {
  it('answers 400 to request targets new URL() rejects or that are badly escaped, and keeps serving', async () => {
    sim.resetCounts();
    const lines = [
      'GET http://[::1 HTTP/1.1',
      'GET http://localhost:99999/apis HTTP/1.1',
      'GET /% HTTP/1.1',
      'GET /apis/image.openshift.io/v1/namespaces/%zz/imagestreams HTTP/1.1',
      'GET /apis/image.openshift.io/v1/namespaces/%E0%A4%A/imagestreams HTTP/1.1',
      'POST http://[::1 HTTP/1.1',
    ];
    for (const line of lines) {
      const raw = await sendRaw(sim, `${line}\r\nHost: sim\r\nConnection: close\r\n\r\n`);
      const reply = parseRawResponse(raw);
      expect({ line, status: reply.status }).toEqual({ line, status: 400 });
      expect(reply.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    }
    expect(sim.count()).toBe(0);
    expect((await get(`${B}/namespaces/openshift/imagestreams/python`)).status).toBe(200);
  });

  it('reads a request line with a path starting with // as that path', async () => {
    const raw = await sendRaw(
      sim,
      'GET //version HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n\r\n',
    );
    expect(parseRawResponse(raw).body.gitVersion).toBe('v1.29.0+simulated');
  });

  it('keeps serving after requests Node itself refuses and clients that vanish mid-request', async () => {
    const refused = await sendRaw(sim, 'GET /a b HTTP/1.1\r\nHost: sim\r\n\r\n');
    expect(refused.startsWith('HTTP/1.1 400 Bad Request')).toBe(true);
    // Half a review body, then the client goes away: the body read fails, nothing else does.
    const { hostname, port } = new URL(sim.url);
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), hostname, () => {
        socket.write(
          'POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer demo-token-sim\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"spec"',
          () => socket.destroy(),
        );
      });
      socket.on('close', () => resolve());
    });
    expect((await get('/version')).status).toBe(200);
  });
});
