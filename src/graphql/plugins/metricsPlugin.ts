import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../../context.js';
import type { Metrics } from '../../metrics/createMetrics.js';

/** Counts operations by name and outcome, with their duration. */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ response, operationName }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const outcome = (body?.errors?.length ?? 0) > 0 ? 'error' : 'ok';
          metrics.operation(
            operationName ?? undefined,
            outcome,
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}
