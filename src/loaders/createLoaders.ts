import DataLoader from 'dataloader';
import type { ClusterRegistry } from '../clusters/createClusterRegistry.js';
import { GatewayError } from '../errors.js';
import type { CallOptions, ImageApiClient } from '../upstream/createImageApiClient.js';
import type { ImageStream, ImageStreamImage } from '../upstream/types.js';

/** A namespaced object on one cluster; `name` is `<stream>@<digest>` or a stream name. */
export interface ObjectKey {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
}

export interface Loaders {
  /** ImageStreamImages by (cluster, namespace, stream@digest). */
  readonly imageStreamImage: DataLoader<ObjectKey, ImageStreamImage, string>;
  /** ImageStreams by (cluster, namespace, name). */
  readonly imageStream: DataLoader<ObjectKey, ImageStream, string>;
}

export const objectKey = (key: ObjectKey): string =>
  `${key.cluster}\u0000${key.namespace}\u0000${key.name}`;

/**
 * The per-request loaders. A batch fans out one GET per distinct key, all at once (the
 * per-cluster concurrency cap lives in the client), and settles to a value or an Error per key,
 * in key order, as the DataLoader contract requires: one failed image nulls only its own item.
 */
export function createLoaders(registry: ClusterRegistry, call: CallOptions): Loaders {
  const batch =
    <T>(fetch: (client: ImageApiClient, key: ObjectKey) => Promise<T>) =>
    (keys: readonly ObjectKey[]): Promise<(T | Error)[]> =>
      Promise.all(
        keys.map(async (key) => {
          const client = registry.get(key.cluster);
          if (!client)
            return new GatewayError(
              'INTERNAL_SERVER_ERROR',
              `no client for cluster "${key.cluster}"`,
            );
          return fetch(client, key).catch((err: unknown) =>
            err instanceof Error
              ? err
              : new GatewayError('INTERNAL_SERVER_ERROR', 'upstream call failed', { cause: err }),
          );
        }),
      );
  return {
    imageStreamImage: new DataLoader(
      batch((client, key) => client.getImageStreamImage(key.namespace, key.name, call)),
      { cacheKeyFn: objectKey },
    ),
    imageStream: new DataLoader(
      batch((client, key) => client.getImageStream(key.namespace, key.name, call)),
      { cacheKeyFn: objectKey },
    ),
  };
}
