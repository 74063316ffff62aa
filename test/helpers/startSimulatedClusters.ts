import {
  createClusterRegistry,
  type ClusterRegistry,
} from '../../src/clusters/createClusterRegistry.js';
import type { Logger } from '../../src/logger.js';
import type { SeedOptions } from '../../src/simulator/createSeed.js';
import {
  createSimulator,
  type Simulator,
  type TokenGrant,
} from '../../src/simulator/createSimulator.js';
import {
  DEFAULT_UPSTREAM_OPTIONS,
  type ClusterConnection,
  type UpstreamObserver,
  type UpstreamOptions,
} from '../../src/upstream/createImageApiClient.js';

export interface SimulatedClusterSpec {
  readonly name: string;
  /** The token the gateway sends as its own; default `demo-token-<name>`. */
  readonly token?: string;
  /** Tokens the simulator accepts; default: the demo token reads everything. */
  readonly grants?: Readonly<Record<string, TokenGrant>>;
  /** Default: no generated `bench` streams (they are not needed by most unit tests). */
  readonly seedOptions?: SeedOptions;
  /** Other connection fields (headerName, impersonate…). */
  readonly connection?: Partial<ClusterConnection>;
}

export interface SimulatedClustersOptions {
  readonly upstream?: Partial<UpstreamOptions>;
  readonly logger?: Logger;
  readonly observer?: UpstreamObserver;
}

/** Real simulators on loopback (port 0) and the real cluster registry in front of them. */
export interface SimulatedClusters {
  readonly registry: ClusterRegistry;
  /** The simulator of a cluster; throws for a name that was not started. */
  sim(name: string): Simulator;
  /** Sets every simulator's request counters and records back to zero. */
  resetCounts(): void;
  close(): Promise<void>;
}

export async function startSimulatedClusters(
  specs: readonly SimulatedClusterSpec[],
  options: SimulatedClustersOptions = {},
): Promise<SimulatedClusters> {
  const sims = new Map<string, Simulator>();
  const connections: ClusterConnection[] = [];
  for (const spec of specs) {
    const sim = await createSimulator({
      name: spec.name,
      tokens: spec.grants,
      seedOptions: spec.seedOptions ?? { benchStreams: 0 },
    });
    sims.set(spec.name, sim);
    const token = spec.token ?? `demo-token-${spec.name}`;
    connections.push({
      name: spec.name,
      server: sim.url,
      insecureSkipTlsVerify: false,
      token: () => token,
      ...spec.connection,
    });
  }
  const registry = createClusterRegistry(
    connections,
    { ...DEFAULT_UPSTREAM_OPTIONS, ...options.upstream },
    options.logger,
    options.observer,
  );
  return {
    registry,
    sim(name) {
      const sim = sims.get(name);
      if (!sim) throw new Error(`no simulator named ${name}`);
      return sim;
    },
    resetCounts() {
      for (const sim of sims.values()) sim.resetCounts();
    },
    async close() {
      registry.close();
      await Promise.all([...sims.values()].map((sim) => sim.close()));
    },
  };
}

/** The requests a simulator saw (optionally of one resource) as `METHOD path`, sorted. */
export function upstreamRequests(sim: Simulator, resource?: string): string[] {
  return sim.requests
    .filter((r) => resource === undefined || r.resource === resource)
    .map((r) => `${r.method} ${r.path}`)
    .sort();
}

/** The digests of one tag's history in a simulator's seed, newest first. */
export function tagHistory(
  sim: Simulator,
  namespace: string,
  stream: string,
  tag: string,
): string[] {
  const s = sim.data.streams.get(namespace)?.get(stream);
  return (s?.status?.tags?.find((t) => t.tag === tag)?.items ?? []).map((i) => i.image);
}
