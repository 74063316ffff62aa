import type { ClusterConnection } from '../upstream/createImageApiClient.js';
import { buildImageStream } from './buildImageStream.js';
import { createSimulator, type Simulator } from './createSimulator.js';

export const DEMO_CLUSTERS = ['east', 'west'] as const;

/** The demo moves `demo/ticker:live` on the first cluster this often, so watches see events. */
export const DEMO_TAG_MOVE_MS = 5_000;

export interface DemoClusters {
  readonly simulators: readonly Simulator[];
  readonly connections: readonly ClusterConnection[];
  close(): Promise<void>;
}

/**
 * Starts the two demo clusters on free loopback ports, each with its own reader token and watch
 * bookmarks every 10 s. Every `tagMoveMs` (0: never) `demo/ticker:live` of the first cluster
 * moves, as an import would (between two generated images, so memory stays flat): a subscription
 * in GraphiQL shows it within seconds. A stream of its own, so the seeded ones never change.
 */
export async function startDemoClusters(
  latencyMs = 0,
  tagMoveMs = DEMO_TAG_MOVE_MS,
): Promise<DemoClusters> {
  const simulators = await Promise.all(
    DEMO_CLUSTERS.map((name) =>
      createSimulator({ name, latencyMs, maxRecords: 10_000, watchBookmarkMs: 10_000 }),
    ),
  );
  const first = simulators[0];
  let mover: NodeJS.Timeout | undefined;
  if (first && tagMoveMs > 0) {
    first.changes.putImageStream(buildImageStream('demo', 'ticker', [], []));
    const tick = (): void => {
      const history =
        first.data.streams
          .get('demo')
          ?.get('ticker')
          ?.status?.tags?.find((t) => t.tag === 'live')?.items ?? [];
      first.changes.moveTag('demo', 'ticker', 'live', history[1]?.image);
    };
    tick();
    mover = setInterval(tick, tagMoveMs).unref();
  }
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
      clearInterval(mover);
      await Promise.all(simulators.map((s) => s.close()));
    },
  };
}
