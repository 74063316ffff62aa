import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/createMetrics.js';

/** The operation counter's lines, `operation outcome value` each. */
async function operations(metrics: ReturnType<typeof createMetrics>): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return [
    ...text.matchAll(
      /^image_gateway_graphql_operations_total\{operation="([^"]*)",outcome="(\w+)"\} (\d+)$/gm,
    ),
  ].map(([, operation, outcome, value]) => `${operation} ${outcome} ${value}`);
}

describe('createMetrics', () => {
  it('labels the first 200 operation names as sent and groups the rest as other', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (let i = 0; i < 250; i += 1) metrics.operation(`Op${i}`, 'ok', 0.01);
    // A name already labelled keeps its label once the cap is reached.
    metrics.operation('Op7', 'error', 0.01);
    const lines = await operations(metrics);
    expect(lines.filter((l) => /^Op\d+ /.test(l))).toHaveLength(201);
    expect(lines).toContain('Op199 ok 1');
    expect(lines).not.toContain('Op200 ok 1');
    expect(lines).toContain('Op7 error 1');
    expect(lines).toContain('other ok 50');
  });

  it('groups anonymous operations and names that are not GraphQL names as anonymous', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.operation(undefined, 'ok', 0.01);
    metrics.operation('', 'ok', 0.01);
    metrics.operation('Bearer sha256~secret', 'error', 0.01);
    metrics.operation(`A${'b'.repeat(64)}`, 'ok', 0.01);
    expect(await operations(metrics)).toEqual(['anonymous ok 3', 'anonymous error 1']);
  });
});
