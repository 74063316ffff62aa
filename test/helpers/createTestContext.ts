import { createClusterProbe } from '../../src/clusters/createClusterProbe.js';
import type { ClusterRegistry } from '../../src/clusters/createClusterRegistry.js';
import { createContext, type ContextOptions, type GatewayContext } from '../../src/context.js';
import { captureLogs } from './captureLogs.js';

/**
 * A real per-request context over a registry, with the settings a resolver or plugin test does
 * not care about (service-account auth, a 20 s deadline, a real probe with a 20 s timeout) and
 * every log line kept. Options override any of them.
 */
export function createTestContext(
  registry: ClusterRegistry,
  options: Partial<ContextOptions> = {},
): { context: GatewayContext; lines: string[] } {
  const { lines, logger } = captureLogs();
  const context = createContext({
    requestId: 'test-request',
    logger,
    registry,
    auth: 'serviceaccount',
    bearerToken: undefined,
    deadlineMs: 20_000,
    limits: { maxRefs: 100, maxPageSize: 100 },
    // A probe timeout no loaded machine reaches: reachability must not depend on speed.
    probe: createClusterProbe(registry, { timeoutMs: 20_000 }),
    ...options,
  });
  return { context, lines };
}
