import { cutForMessage } from '../cutForMessage.js';
import { badUserInput } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  createImageApiClient,
  DEFAULT_UPSTREAM_OPTIONS,
  type ClusterConnection,
  type ImageApiClient,
  type UpstreamObserver,
  type UpstreamOptions,
} from '../upstream/createImageApiClient.js';
import { ConfigError } from '../config/ConfigError.js';
import { headerOf } from '../upstream/headerNameOf.js';

/** The configured clusters, each with its one upstream client, in configuration order. */
export interface ClusterRegistry {
  readonly clients: readonly ImageApiClient[];
  get(name: string): ImageApiClient | undefined;
  /**
   * The client for a `cluster` argument: the named one, or the only one when the argument is
   * omitted. BAD_USER_INPUT otherwise, naming the argument and the known clusters.
   */
  resolve(name: string | null | undefined, argument?: string): ImageApiClient;
  close(): void;
}

export function createClusterRegistry(
  connections: readonly ClusterConnection[],
  options: UpstreamOptions = DEFAULT_UPSTREAM_OPTIONS,
  logger?: Logger,
  observer?: UpstreamObserver,
): ClusterRegistry {
  if (connections.length === 0) throw new ConfigError('no clusters are configured');
  const byName = new Map<string, ImageApiClient>();
  // Header names are case-insensitive: `X-Cluster-Authorization-east` must mean one cluster.
  const byHeader = new Map<string, string>();
  for (const connection of connections) {
    if (byName.has(connection.name))
      throw new ConfigError(`cluster "${connection.name}" is configured twice`);
    const header = headerOf(connection);
    if (header === '')
      throw new ConfigError(
        `cluster "${connection.name}" has no usable header name (X-Cluster-Authorization-<alias>); rename the context`,
      );
    const other = byHeader.get(header);
    if (other !== undefined)
      throw new ConfigError(
        `clusters "${other}" and "${connection.name}" would share the header X-Cluster-Authorization-${header} (names differ only in case, or map to the same alias); rename one of the contexts`,
      );
    byHeader.set(header, connection.name);
    byName.set(
      connection.name,
      createImageApiClient({ ...connection, headerName: header }, options, logger, observer),
    );
  }
  const clients = [...byName.values()];
  const known = (): string => clients.map((c) => `"${c.cluster.name}"`).join(', ');
  return {
    clients,
    get: (name) => byName.get(name),
    resolve(name, argument = 'cluster') {
      if (name === null || name === undefined) {
        const only = clients.length === 1 ? clients[0] : undefined;
        if (only) return only;
        throw badUserInput(
          `Argument "${argument}" is required when more than one cluster is configured (clusters: ${known()}).`,
        );
      }
      const client = byName.get(name);
      if (!client) {
        throw badUserInput(
          `Argument "${argument}" names an unknown cluster ${JSON.stringify(cutForMessage(name))} (clusters: ${known()}).`,
        );
      }
      return client;
    },
    close() {
      for (const client of clients) client.close();
    },
  };
}
