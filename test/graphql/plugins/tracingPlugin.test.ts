import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tracingPlugin } from '../../../src/graphql/plugins/tracingPlugin.js';
import { createTracing, type Tracing } from '../../../src/tracing/createTracing.js';
import { createPluginServer, type PluginServer } from '../../helpers/createPluginServer.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let server: PluginServer;
beforeAll(async () => {
  tracing = createTracing({ exporter });
  server = await createPluginServer(tracingPlugin(tracing));
});
beforeEach(() => {
  exporter.reset();
});
afterAll(async () => {
  await server.stop();
  await tracing.shutdown();
});

describe('tracingPlugin', () => {
  it('records one span per operation, named after it, and hands it to the context', async () => {
    const { context } = await server.run('query Greeting { hello }', { operationName: 'Greeting' });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['query Greeting']);
    expect(spans[0]?.attributes).toEqual({
      'gateway.request_id': 'test-request',
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'Greeting',
      'graphql.errors': 0,
    });
    expect(spans[0]?.status.code).toBe(SpanStatusCode.UNSET);
    expect(context.trace.span?.spanContext().spanId).toBe(spans[0]?.spanContext().spanId);
  });

  it('marks an operation with errors as failed, and names an anonymous one so', async () => {
    await server.run('{ notFound hello }');
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('query anonymous');
    expect(span?.attributes['graphql.errors']).toBe(1);
    expect(span?.attributes['graphql.operation.name']).toBeUndefined();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('ends the span of a request that never became an operation', async () => {
    await server.run('{ hello');
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('graphql.operation');
    expect(span?.attributes['graphql.errors']).toBe(1);
  });
});
