import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extraErrorsPlugin } from '../../../src/graphql/plugins/extraErrorsPlugin.js';
import { createPluginServer, type PluginServer } from '../../helpers/createPluginServer.js';

let server: PluginServer;
beforeAll(async () => {
  server = await createPluginServer(extraErrorsPlugin);
});
afterAll(async () => {
  await server.stop();
});

describe('extraErrorsPlugin', () => {
  it('appends the errors recorded next to the data, after the field errors, formatted', async () => {
    const { body } = await server.run('{ partial notFound }');
    expect(body.data).toEqual({ partial: 'partial data', notFound: null });
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'no such image',
        path: ['notFound'],
        extensions: { code: 'NOT_FOUND', cluster: 'east' },
      }),
      {
        message: 'cluster "east": no answer within 10 ms',
        extensions: { code: 'UPSTREAM_TIMEOUT', cluster: 'east' },
      },
      {
        message: 'cluster "west": the operation failed',
        extensions: { code: 'INTERNAL_SERVER_ERROR', cluster: 'west' },
      },
    ]);
  });

  it('leaves an answer without recorded errors as it is', async () => {
    const { body } = await server.run('{ hello }');
    expect(body).toEqual({ data: { hello: 'world' } });
  });
});
