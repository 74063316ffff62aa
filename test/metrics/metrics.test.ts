import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyOf, startStack, type Stack } from '../helpers/startStack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ logLevel: 'warn' });
});
afterAll(async () => {
  await stack.close();
});

const scrape = async (): Promise<string> =>
  (await fetch(stack.url.replace('/graphql', '/metrics'))).text();
const value = (text: string, line: RegExp): number => Number(line.exec(text)?.[1] ?? NaN);

describe('/metrics', () => {
  it('shows upstream requests per cluster, operations, batches and breaker state after a query', async () => {
    const east = historyOf(stack.sims['east']!, 'apps', 'frontend');
    const west = historyOf(stack.sims['west']!, 'apps', 'frontend');
    const refs = [
      ...east.map((d) => ({ cluster: 'east', namespace: 'apps', name: `frontend@${d}` })),
      { cluster: 'west', namespace: 'apps', name: `frontend@${west[0]}` },
    ];
    const { body } = await stack.gql(
      'query PageOfImages($refs: [ImageStreamImageRef!]!) { imageStreamImages(refs: $refs) { name } }',
      { refs },
    );
    expect(body.errors).toBeUndefined();
    const text = await scrape();
    expect(
      value(
        text,
        /^image_gateway_upstream_requests_total\{cluster="east",resource="imagestreamimages",status="200"\} (\d+)$/m,
      ),
    ).toBe(east.length);
    expect(
      value(
        text,
        /^image_gateway_upstream_requests_total\{cluster="west",resource="imagestreamimages",status="200"\} (\d+)$/m,
      ),
    ).toBe(1);
    expect(text).toMatch(
      /^image_gateway_upstream_request_duration_seconds_bucket\{le="\+Inf",cluster="east",resource="imagestreamimages"\} \d+$/m,
    );
    expect(
      value(
        text,
        /^image_gateway_graphql_operations_total\{operation="PageOfImages",outcome="ok"\} (\d+)$/m,
      ),
    ).toBe(1);
    expect(
      value(text, /^image_gateway_loader_batch_size_sum\{loader="imageStreamImage"\} (\d+)$/m),
    ).toBe(east.length + 1);
    expect(value(text, /^image_gateway_circuit_breaker_state\{cluster="east"\} (\d+)$/m)).toBe(0);
    expect(text).toMatch(
      /^image_gateway_http_requests_total\{route="\/graphql",method="POST",status="200"\} \d+$/m,
    );
  });

  it('counts a failed upstream call under its status', async () => {
    const digest = historyOf(stack.sims['east']!, 'apps', 'frontend')[0];
    await stack.gql(
      `{ imageStreamImage(cluster: "east", namespace: "apps", name: "nope@${digest}") { name } }`,
    );
    expect(
      value(
        await scrape(),
        /^image_gateway_upstream_requests_total\{cluster="east",resource="imagestreamimages",status="404"\} (\d+)$/m,
      ),
    ).toBe(1);
  });
});
