import type { DockerConfigResolvers, DockerImageMetadataResolvers } from '../generated/graphql.js';
import { keyValues, sortedKeys } from './keyValues.js';

export const DockerImageMetadata: DockerImageMetadataResolvers = {
  id: (m) => m.Id || null,
  parent: (m) => m.Parent || null,
  created: (m) => m.Created || null,
  author: (m) => m.Author || null,
  dockerVersion: (m) => m.DockerVersion || null,
  architecture: (m) => m.Architecture || null,
  size: (m) => m.Size ?? null,
  config: (m) => m.Config ?? null,
  containerConfig: (m) => m.ContainerConfig ?? null,
};

/** `K=V` split on the first `=` only: values such as `JAVA_OPTS=-Dfoo=bar` keep their `=`. */
export function splitEnv(entry: string): { name: string; value: string } {
  const eq = entry.indexOf('=');
  return eq < 0
    ? { name: entry, value: '' }
    : { name: entry.slice(0, eq), value: entry.slice(eq + 1) };
}

export const DockerConfig: DockerConfigResolvers = {
  user: (c) => c.User || null,
  workingDir: (c) => c.WorkingDir || null,
  cmd: (c) => c.Cmd ?? [],
  entrypoint: (c) => c.Entrypoint ?? [],
  env: (c) => (c.Env ?? []).map(splitEnv),
  labels: (c) => keyValues(c.Labels),
  exposedPorts: (c) => sortedKeys(c.ExposedPorts),
  volumes: (c) => sortedKeys(c.Volumes),
};
