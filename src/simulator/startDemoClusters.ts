import type { ClusterConnection } from '../upstream/createImageApiClient.js';
import { createSimulator, type Simulator } from './createSimulator.js';

export const DEMO_CLUSTERS = ['east', 'west'] as const;

export interface DemoClusters {
  readonly simulators: readonly Simulator[];
  readonly connections: readonly ClusterConnection[];
  close(): Promise<void>;
}

/** Starts the two demo clusters on free loopback ports, each with its own reader token. */
export async function startDemoClusters(latencyMs = 0): Promise<DemoClusters> {
  const simulators = await Promise.all(
    DEMO_CLUSTERS.map((name) => createSimulator({ name, latencyMs, maxRecords: 10_000 })),
  );
  return {
    simulators,
    connections: simulators.map((sim) => {
      const token = `demo-token-${sim.name}`;
      return Object.freeze({
        name: sim.name,
        server: sim.url,
        insecureSkipTlsVerify: false,
        token: () => token,
      });
    }),
    close: async () => {
      await Promise.all(simulators.map((s) => s.close()));
    },
  };
}
