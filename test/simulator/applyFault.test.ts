import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/createSimulator.js';
import { bearer, callSimulator } from './callSimulator.js';

const TOKEN = 'sha256~SECRET-token_value';
const STREAM = '/apis/image.openshift.io/v1/namespaces/openshift/imagestreams/python';

let sim: Simulator;

beforeAll(async () => {
  sim = await createSimulator({
    name: 'sim',
    seedOptions: { benchStreams: 1, benchImagesPerStream: 1 },
    tokens: { [TOKEN]: { user: 'reader', namespaces: '*' } },
  });
});
afterAll(async () => {
  await sim.close();
});

describe('faults an untrustworthy upstream or proxy produces', () => {
  it('echo-authorization: a 500 Status whose message repeats the Authorization header and the token', async () => {
    sim.addFault({ resource: 'imagestreams', fault: { kind: 'echo-authorization' } });
    const leak = await callSimulator(sim, STREAM, { headers: bearer(TOKEN) });
    expect(leak.status).toBe(500);
    expect(leak.headers.get('content-type')).toBe('application/json');
    expect(leak.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `request from "Bearer ${TOKEN}" failed: token ${TOKEN} was rejected by the upstream proxy`,
      reason: 'InternalError',
      code: 500,
    });
    expect((await callSimulator(sim, STREAM, { headers: bearer(TOKEN) })).status).toBe(200);
  });

  it('echo-authorization: any status, with the reason the server gives it', async () => {
    sim.addFault({ fault: { kind: 'echo-authorization', status: 403 } });
    const leak = await callSimulator(sim, STREAM, {
      headers: { authorization: `bearer ${TOKEN}` },
    });
    expect(leak.status).toBe(403);
    expect(leak.body).toMatchObject({ reason: 'Forbidden', code: 403 });
    expect(leak.body.message).toBe(
      `request from "bearer ${TOKEN}" failed: token ${TOKEN} was rejected by the upstream proxy`,
    );
    sim.addFault({ fault: { kind: 'echo-authorization', status: 502 } });
    expect((await callSimulator(sim, STREAM, { headers: bearer(TOKEN) })).body.reason).toBe(
      'Unknown',
    );
  });

  it('html: the router page "Application is not available", 503 text/html, with the token in it', async () => {
    sim.addFault({ fault: { kind: 'html' } });
    const page = await callSimulator(sim, STREAM, { headers: bearer(TOKEN) });
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toBe('text/html');
    expect(page.body).toBeUndefined();
    expect(page.text).toContain('<html>');
    expect(page.text).toContain('<h1>Application is not available</h1>');
    expect(page.text).toContain(TOKEN);
    expect(page.text).not.toContain(`Bearer ${TOKEN}`);
    sim.addFault({ fault: { kind: 'html', status: 502 } });
    expect((await callSimulator(sim, STREAM, { headers: bearer(TOKEN) })).status).toBe(502);
  });

  it('plain-text: any body with any status, as text/plain', async () => {
    sim.addFault({ fault: { kind: 'plain-text', status: 418, body: 'no {json} here' } });
    const text = await callSimulator(sim, STREAM, { headers: bearer(TOKEN) });
    expect(text.status).toBe(418);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(text.text).toBe('no {json} here');
  });

  it('keeps the faults it had: status with Retry-After, server-timeout, unavailable, invalid-json, truncate', async () => {
    sim.addFault({
      fault: { kind: 'status', status: 429, reason: 'TooManyRequests', retryAfterSeconds: 4 },
    });
    const status = await callSimulator(sim, STREAM, { headers: bearer(TOKEN) });
    expect([status.status, status.headers.get('retry-after'), status.body.message]).toEqual([
      429,
      '4',
      'simulated 429',
    ]);
    sim.addFault({ fault: { kind: 'server-timeout' } });
    const timeout = await callSimulator(sim, STREAM, { headers: bearer(TOKEN) });
    expect([timeout.status, timeout.headers.get('retry-after'), timeout.body.reason]).toEqual([
      500,
      '2',
      'ServerTimeout',
    ]);
    expect(timeout.body.details.retryAfterSeconds).toBe(2);
    sim.addFault({ fault: { kind: 'unavailable' } });
    const unavailable = await callSimulator(sim, STREAM, { headers: bearer(TOKEN) });
    expect([unavailable.status, unavailable.body.message]).toEqual([
      503,
      'the server is currently unable to handle the request',
    ]);
    sim.addFault({ fault: { kind: 'invalid-json' } });
    const html = await callSimulator(sim, STREAM, { headers: bearer(TOKEN) });
    expect([html.status, html.headers.get('content-type'), html.body]).toEqual([
      200,
      'application/json',
      undefined,
    ]);
    sim.addFault({ fault: { kind: 'truncate' } });
    const truncated = await callSimulator(sim, STREAM, { headers: bearer(TOKEN) });
    expect(truncated.text).toBe(
      '{"kind":"ImageStreamImage","apiVersion":"image.openshift.io/v1","metadata":{"name":"',
    );
  });

  it('reset: the connection ends without an answer, and the simulator answers the next request', async () => {
    sim.addFault({ fault: { kind: 'reset' } });
    await expect(callSimulator(sim, STREAM, { headers: bearer(TOKEN) })).rejects.toThrow();
    expect((await callSimulator(sim, STREAM, { headers: bearer(TOKEN) })).status).toBe(200);
  });

  it('plays faults before authentication, as a proxy in front of the API server would', async () => {
    sim.addFault({ fault: { kind: 'echo-authorization' } });
    const leak = await callSimulator(sim, STREAM, { headers: bearer('unknown-token') });
    expect(leak.status).toBe(500);
    expect(leak.body.message).toContain('"Bearer unknown-token"');
  });
});
