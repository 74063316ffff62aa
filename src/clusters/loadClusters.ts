import type { ServeConfig } from '../config/parseConfig.js';
import type { Logger } from '../logger.js';
import type { ClusterConnection } from '../upstream/createImageApiClient.js';
import { loadInCluster } from './loadInCluster.js';
import { loadKubeconfig } from './loadKubeconfig.js';

/** The clusters to serve, and how to stop what was started for them (the demo's simulators). */
export interface LoadedClusters {
  readonly connections: readonly ClusterConnection[];
  close(): Promise<void>;
}

/** Reads the configured cluster source: the in-process demo, a kubeconfig, or the pod's own cluster. */
export async function loadClusters(config: ServeConfig, logger: Logger): Promise<LoadedClusters> {
  const source = config.source;
  if (source.kind === 'demo') {
    const { startDemoClusters } = await import('../simulator/startDemoClusters.js');
    const demo = await startDemoClusters(config.demoLatencyMs);
    return { connections: demo.connections, close: () => demo.close() };
  }
  if (source.kind === 'in-cluster')
    return { connections: [loadInCluster({ env: process.env })], close: async () => {} };
  const path = source.path ?? process.env['KUBECONFIG']?.split(':')[0];
  if (!path) throw new Error('no kubeconfig');
  const connections = loadKubeconfig(path, source.contexts);
  void logger;
  return { connections, close: async () => {} };
}
