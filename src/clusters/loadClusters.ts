import { homedir } from 'node:os';
import type { ServeConfig } from '../config/parseConfig.js';
import type { Logger } from '../logger.js';
import type { ClusterConnection } from '../upstream/createImageApiClient.js';
import { kubeconfigPaths } from './kubeconfigPaths.js';
import { loadInCluster } from './loadInCluster.js';
import { loadKubeconfig } from './loadKubeconfig.js';

/** The clusters to serve, and how to stop what was started for them (the demo's simulators). */
export interface LoadedClusters {
  readonly connections: readonly ClusterConnection[];
  close(): Promise<void>;
}

/**
 * Reads the configured cluster source: the in-process demo, the pod's own cluster, or a
 * kubeconfig found and merged as kubectl does (--kubeconfig, else the $KUBECONFIG list, else
 * ~/.kube/config). Warnings (a context without credentials, contexts folded into one cluster)
 * are logged; errors are ConfigErrors that stop the start.
 */
export async function loadClusters(config: ServeConfig, logger: Logger): Promise<LoadedClusters> {
  const source = config.source;
  if (source.kind === 'demo') {
    const { startDemoClusters } = await import('../simulator/startDemoClusters.js');
    const demo = await startDemoClusters(config.demoLatencyMs);
    return { connections: demo.connections, close: () => demo.close() };
  }
  if (source.kind === 'in-cluster')
    return { connections: [loadInCluster({ env: process.env })], close: async () => {} };
  const { connections, warnings } = loadKubeconfig({
    paths: kubeconfigPaths(source.path, process.env, homedir()),
    contexts: source.contexts,
    allContexts: source.allContexts,
    // In passthrough the caller's token goes upstream: a kubeconfig without tokens is normal.
    expectCredentials: config.auth !== 'passthrough',
  });
  for (const warning of warnings) logger.warn({ kubeconfig: true }, warning);
  return { connections, close: async () => {} };
}
