import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggingPlugin } from '../../../src/graphql/plugins/loggingPlugin.js';
import { createPluginServer, type PluginServer } from '../../helpers/createPluginServer.js';

let server: PluginServer;
beforeAll(async () => {
  server = await createPluginServer(loggingPlugin);
});
afterAll(async () => {
  await server.stop();
});

interface Line {
  level: string;
  msg: string;
  requestId?: string;
  path?: string;
  cause?: string;
  operationName?: string | null;
  errors?: unknown[];
  ms?: number;
}
const parse = (lines: string[]): Line[] => lines.map((l) => JSON.parse(l) as Line);

describe('loggingPlugin', () => {
  it('logs one line per operation with its request id, name and error codes', async () => {
    const { lines } = await server.run('query Greeting { hello notFound }', {
      operationName: 'Greeting',
    });
    const logged = parse(lines);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'info',
      msg: 'graphql request',
      requestId: 'test-request',
      operationName: 'Greeting',
      errors: { NOT_FOUND: 1 },
    });
    expect(logged[0]?.ms).toEqual(expect.any(Number));
  });

  it('logs the cause of an internal error with the request id and path, credentials stripped', async () => {
    const { lines, body } = await server.run('{ hello bug }');
    expect(body.errors?.map((e) => e.extensions?.['code'])).toEqual(['INTERNAL_SERVER_ERROR']);
    const internal = parse(lines).filter((l) => l.msg === 'internal error');
    expect(internal).toHaveLength(1);
    expect(internal[0]).toMatchObject({ level: 'error', requestId: 'test-request', path: 'bug' });
    expect(internal[0]?.cause).toMatch(
      /^TypeError: cannot read properties of undefined \(token \[redacted\]\)\n\s+at /,
    );
  });

  it('logs an internal error recorded next to the data, with its own cause', async () => {
    const { lines } = await server.run('{ partial }');
    const internal = parse(lines).filter((l) => l.msg === 'internal error');
    expect(internal).toHaveLength(1);
    expect(internal[0]?.cause).toMatch(/^RangeError: deep cause\n/);
    expect(parse(lines).find((l) => l.msg === 'graphql request')?.operationName).toBeNull();
  });

  it('never logs an error that is an answer (not found, timeout) as internal', async () => {
    const { lines } = await server.run('{ notFound }');
    expect(parse(lines).map((l) => l.msg)).toEqual(['graphql request']);
  });

  it('never writes the caller’s token, and cuts a long operation name', async () => {
    const name = `Op${'x'.repeat(200)}`;
    const { lines } = await server.run(`query ${name} { bug }`, {
      operationName: name,
      bearerToken: 'sha256~callertokenvalue',
    });
    expect(lines.join('\n')).not.toContain('callertokenvalue');
    expect(lines.join('\n')).not.toContain('leakedtokenvalue');
    expect(parse(lines).find((l) => l.msg === 'graphql request')?.operationName).toBe(
      name.slice(0, 100),
    );
  });
});
