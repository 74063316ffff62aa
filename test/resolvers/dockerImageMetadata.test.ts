import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DockerConfig,
  DockerImageMetadata,
  splitEnv,
} from '../../src/resolvers/dockerImageMetadata.js';
import type { Image } from '../../src/upstream/types.js';

const call = <T>(resolver: unknown, parent: unknown): T =>
  (resolver as (p: unknown, a: unknown, c: unknown, i: unknown) => T)(parent, {}, {}, {});

describe('DockerImageMetadata', () => {
  it('splits env on the first "=" only', () => {
    expect(splitEnv('JAVA_OPTS=-Dfoo=bar')).toEqual({ name: 'JAVA_OPTS', value: '-Dfoo=bar' });
    expect(splitEnv('EMPTY=')).toEqual({ name: 'EMPTY', value: '' });
    expect(splitEnv('NOVALUE')).toEqual({ name: 'NOVALUE', value: '' });
  });

  it('reads the empty metadata of the origin test image without errors', () => {
    const image = JSON.parse(
      readFileSync(
        new URL('../../fixtures/openshift/image-minimal-empty-metadata.json', import.meta.url),
        'utf8',
      ),
    ) as Image;
    const meta = image.dockerImageMetadata ?? {};
    expect(call(DockerImageMetadata.id, meta)).toBeNull();
    expect(call(DockerImageMetadata.created, meta)).toBeNull();
    expect(call(DockerImageMetadata.size, meta)).toBeNull();
    const config = call<object>(DockerImageMetadata.config, meta);
    expect(call(DockerConfig.env, config)).toEqual([]);
    expect(call(DockerConfig.labels, config)).toEqual([]);
    expect(call(DockerConfig.exposedPorts, config)).toEqual([]);
    expect(call(DockerConfig.cmd, { Cmd: null })).toEqual([]);
  });

  it('keeps label keys exactly as stored, sorted', () => {
    expect(
      call(DockerConfig.labels, {
        Labels: { 'io.k8s.display-name': 'x', 'Build Date': 'y', 'a=b': 'z' },
      }),
    ).toEqual([
      { key: 'Build Date', value: 'y' },
      { key: 'a=b', value: 'z' },
      { key: 'io.k8s.display-name', value: 'x' },
    ]);
  });
});
