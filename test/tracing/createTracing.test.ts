import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracing } from '../../src/tracing/createTracing.js';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

const exporter = new InMemorySpanExporter();
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    clusters: [
      {
        name: 'east',
        token: 'sha256~TRACE-CANARY',
        grants: { 'sha256~TRACE-CANARY': { user: 'u', namespaces: '*' } },
      },
    ],
    tracing: createTracing({ exporter }),
    logLevel: 'warn',
  });
});
afterAll(async () => {
  await stack.close();
});

describe('tracing (in-memory exporter)', () => {
  it('records a span per operation with a child span per upstream call', async () => {
    exporter.reset();
    const digests = historyOf(stack.sims['east']!, 'apps', 'frontend').slice(0, 3);
    const refs = [
      ...digests.map((d) => ({ namespace: 'apps', name: `frontend@${d}` })),
      { namespace: 'apps', name: `nope@${digests[0]}` },
    ];
    const { body } = await stack.gql(
      'query Traced($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name } }',
      { refs },
    );
    expect(body.errors).toHaveLength(1);
    const spans = exporter.getFinishedSpans();
    const operation = spans.find((s) => s.name === 'query Traced');
    expect(operation?.attributes['graphql.operation.name']).toBe('Traced');
    expect(operation?.attributes['graphql.errors']).toBe(1);
    const children = spans.filter((s) => s.name === 'GET imagestreamimages');
    expect(children).toHaveLength(4);
    for (const child of children) {
      expect(child.parentSpanContext?.spanId).toBe(operation?.spanContext().spanId);
      expect(child.spanContext().traceId).toBe(operation?.spanContext().traceId);
      expect(child.attributes['openshift.cluster']).toBe('east');
    }
    expect(children.map((c) => c.attributes['http.response.status_code']).sort()).toEqual([
      200, 200, 200, 404,
    ]);
    expect(
      JSON.stringify(
        spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
      ),
    ).not.toContain('TRACE-CANARY');
  });
});
