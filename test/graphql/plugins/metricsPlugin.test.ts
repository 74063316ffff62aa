import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsPlugin } from '../../../src/graphql/plugins/metricsPlugin.js';
import { createMetrics, type Metrics } from '../../../src/metrics/createMetrics.js';
import { createPluginServer, type PluginServer } from '../../helpers/createPluginServer.js';

let metrics: Metrics;
let server: PluginServer;
beforeAll(async () => {
  metrics = createMetrics({ defaultMetrics: false });
  server = await createPluginServer(metricsPlugin(metrics));
});
afterAll(async () => {
  await server.stop();
});

async function lines(prefix: string): Promise<string[]> {
  return (await metrics.registry.metrics()).split('\n').filter((l) => l.startsWith(prefix));
}

describe('metricsPlugin', () => {
  it('counts operations by name and outcome, and times each', async () => {
    await server.run('query Greeting { hello }', { operationName: 'Greeting' });
    await server.run('query Greeting { hello }', { operationName: 'Greeting' });
    await server.run('query Lookup { notFound }', { operationName: 'Lookup' });
    await server.run('{ partial }');
    expect(await lines('image_gateway_graphql_operations_total{')).toEqual([
      'image_gateway_graphql_operations_total{operation="Greeting",outcome="ok"} 2',
      'image_gateway_graphql_operations_total{operation="Lookup",outcome="error"} 1',
      'image_gateway_graphql_operations_total{operation="anonymous",outcome="ok"} 1',
    ]);
    expect(await lines('image_gateway_graphql_operation_duration_seconds_count{')).toEqual([
      'image_gateway_graphql_operation_duration_seconds_count{operation="Greeting"} 2',
      'image_gateway_graphql_operation_duration_seconds_count{operation="Lookup"} 1',
      'image_gateway_graphql_operation_duration_seconds_count{operation="anonymous"} 1',
    ]);
  });
});
