import { describe, expect, it } from 'vitest';
import { createClusterRegistry } from '../../src/clusters/createClusterRegistry.js';

const connection = (name: string, headerName?: string) => ({
  name,
  server: 'http://127.0.0.1:1',
  insecureSkipTlsVerify: false,
  ...(headerName ? { headerName } : {}),
});

describe('createClusterRegistry', () => {
  it('refuses clusters whose names differ only in case: one header must mean one cluster', () => {
    expect(() => createClusterRegistry([connection('east'), connection('EAST')])).toThrow(
      'clusters "east" and "EAST" would share the header X-Cluster-Authorization-east',
    );
  });

  it('refuses clusters whose header aliases collide', () => {
    expect(() => createClusterRegistry([connection('a/b'), connection('a:b')])).toThrow(
      'would share the header X-Cluster-Authorization-a-b',
    );
  });

  it('resolves a cluster argument, and cuts an unknown name in its error', () => {
    const registry = createClusterRegistry([connection('east'), connection('west')]);
    expect(registry.resolve('west').cluster.name).toBe('west');
    expect(() => registry.resolve(undefined)).toThrow('is required when more than one cluster');
    let message = '';
    try {
      registry.resolve('x'.repeat(100_000));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('names an unknown cluster');
    expect(message.length).toBeLessThan(250);
    registry.close();
  });

  it('refuses a server URL that carries credentials', () => {
    expect(() =>
      createClusterRegistry([
        { ...connection('east'), server: 'https://user:secret@api.example:6443' },
      ]),
    ).toThrow('must not carry credentials');
  });
});
