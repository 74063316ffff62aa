import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClusterProbe } from '../src/clusters/createClusterProbe.js';
import { createClusterRegistry } from '../src/clusters/createClusterRegistry.js';
import { GatewayError } from '../src/errors.js';
import { streamKey } from '../src/loaders/keys.js';
import { createTracing } from '../src/tracing/createTracing.js';
import { createTestContext } from './helpers/createTestContext.js';
import {
  startSimulatedClusters,
  type SimulatedClusters,
} from './helpers/startSimulatedClusters.js';
import { waitFor } from './helpers/waitFor.js';

let clusters: SimulatedClusters;
beforeAll(async () => {
  clusters = await startSimulatedClusters([
    {
      name: 'east',
      grants: {
        'demo-token-east': { user: 'gateway', namespaces: '*' },
        'caller-token': { user: 'caller', namespaces: '*' },
      },
    },
    { name: 'west' },
  ]);
});
afterEach(() => {
  clusters.sim('east').clearFaults();
});
afterAll(async () => {
  await clusters.close();
});

/** The error a function throws, for exact assertions on its code, message and extensions. */
function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

const python = streamKey('east', 'openshift', 'python');

describe('createContext: the cluster directory', () => {
  it('lists the clusters in configuration order, as names and URLs only', () => {
    const { context } = createTestContext(clusters.registry);
    expect(context.clusters.all).toEqual([
      { name: 'east', server: clusters.sim('east').url },
      { name: 'west', server: clusters.sim('west').url },
    ]);
    expect(context.clusters.find('west')).toEqual({
      name: 'west',
      server: clusters.sim('west').url,
    });
    expect(context.clusters.find('nowhere')).toBeUndefined();
  });

  it('treats an unknown name from a key or model as a bug, not as the caller’s fault', () => {
    const { context } = createTestContext(clusters.registry);
    expect(context.clusters.get('east').name).toBe('east');
    expect(thrown(() => context.clusters.get('nowhere'))).toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      message: 'unknown cluster "nowhere"',
    });
  });

  it('resolves a cluster argument, naming the argument and the clusters when it cannot', () => {
    const { context } = createTestContext(clusters.registry);
    expect(context.clusters.resolve('west')).toEqual({
      name: 'west',
      server: clusters.sim('west').url,
    });
    expect(thrown(() => context.clusters.resolve(undefined, 'refs[2].cluster'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message:
        'Argument "refs[2].cluster" is required when more than one cluster is configured (clusters: "east", "west").',
    });
    expect(thrown(() => context.clusters.resolve(null)).message).toBe(
      'Argument "cluster" is required when more than one cluster is configured (clusters: "east", "west").',
    );
    const long = thrown(() => context.clusters.resolve('x'.repeat(10_000)));
    expect(long.code).toBe('BAD_USER_INPUT');
    expect(long.message).toBe(
      `Argument "cluster" names an unknown cluster "${'x'.repeat(80)}…" (clusters: "east", "west").`,
    );
  });

  it('resolves an omitted argument to the only cluster', () => {
    const single = createClusterRegistry([
      { name: 'only', server: clusters.sim('east').url, insecureSkipTlsVerify: false },
    ]);
    const { context } = createTestContext(single);
    expect(context.clusters.resolve(undefined)).toEqual({
      name: 'only',
      server: clusters.sim('east').url,
    });
    single.close();
  });

  it('in passthrough mode, refuses a caller without a token before any upstream call', () => {
    clusters.resetCounts();
    const { context } = createTestContext(clusters.registry, { auth: 'passthrough' });
    expect(thrown(() => context.clusters.resolve('east'))).toMatchObject({
      code: 'UNAUTHENTICATED',
      cluster: 'east',
      message:
        'This gateway forwards the caller\'s credentials: send "Authorization: Bearer <token>" (or "X-Cluster-Authorization-east: Bearer <token>" for this cluster).',
    });
    expect(clusters.sim('east').count()).toBe(0);
    // The gateway's own credentials need no token from the caller.
    expect(createTestContext(clusters.registry).context.clusters.resolve('east').name).toBe('east');
  });

  it('in passthrough mode, accepts a general token, or one for that cluster’s header only', () => {
    const general = createTestContext(clusters.registry, {
      auth: 'passthrough',
      bearerToken: 'caller-token',
    }).context;
    expect(general.clusters.resolve('west').name).toBe('west');
    const perCluster = createTestContext(clusters.registry, {
      auth: 'passthrough',
      clusterTokens: new Map([['west', 'caller-token']]),
    }).context;
    expect(perCluster.clusters.resolve('west').name).toBe('west');
    expect(thrown(() => perCluster.clusters.resolve('east')).code).toBe('UNAUTHENTICATED');
  });

  it('in passthrough mode, matches tokens by the cluster’s header alias', () => {
    const server = clusters.sim('east').url;
    const registry = createClusterRegistry([
      { name: 'default/api-crc-testing:6443/kubeadmin', server, insecureSkipTlsVerify: false },
      { name: 'from-kubeconfig', headerName: 'crc', server, insecureSkipTlsVerify: false },
    ]);
    const { context } = createTestContext(registry, {
      auth: 'passthrough',
      clusterTokens: new Map([
        ['default-api-crc-testing-6443-kubeadmin', 'caller-token'],
        ['crc', 'caller-token'],
      ]),
    });
    expect(context.clusters.resolve('default/api-crc-testing:6443/kubeadmin').name).toBe(
      'default/api-crc-testing:6443/kubeadmin',
    );
    expect(context.clusters.resolve('from-kubeconfig').name).toBe('from-kubeconfig');
    const none = createTestContext(registry, { auth: 'passthrough' }).context;
    expect(thrown(() => none.clusters.resolve('from-kubeconfig')).message).toContain(
      '"X-Cluster-Authorization-crc: Bearer <token>"',
    );
    registry.close();
  });

  it('reports a cluster’s status from the shared probe', async () => {
    const { context } = createTestContext(clusters.registry);
    expect(await context.clusters.status('west')).toMatchObject({
      cluster: 'west',
      reachable: true,
      lastErrorCode: null,
      version: 'v1.29.0+simulated',
    });
  });
});

describe('createContext: credentials', () => {
  it('sends the caller’s token in passthrough mode', async () => {
    const ok = createTestContext(clusters.registry, {
      auth: 'passthrough',
      bearerToken: 'caller-token',
    });
    expect((await ok.context.loaders.imageStream.load(python)).metadata.name).toBe('python');
    const bad = createTestContext(clusters.registry, {
      auth: 'passthrough',
      bearerToken: 'forged',
    });
    await expect(bad.context.loaders.imageStream.load(python)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('sends the gateway’s own token in service-account mode, whatever the caller sent', async () => {
    const { context } = createTestContext(clusters.registry, {
      auth: 'serviceaccount',
      bearerToken: 'forged',
      clusterTokens: new Map([['east', 'forged']]),
    });
    expect((await context.loaders.imageStream.load(python)).metadata.name).toBe('python');
  });
});

describe('createContext: limits of one request', () => {
  it('gives each request its own budget of upstream requests', async () => {
    clusters.resetCounts();
    const { context } = createTestContext(clusters.registry, { maxUpstreamRequests: 2 });
    const results = await context.loaders.imageStream.loadMany([
      python,
      streamKey('east', 'openshift', 'hello-multiarch'),
      streamKey('east', 'apps', 'frontend'),
    ]);
    const spent = results.filter((r) => r instanceof GatewayError);
    expect(spent).toHaveLength(1);
    expect(spent[0]).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { reason: 'UPSTREAM_BUDGET_EXHAUSTED' },
      message: expect.stringContaining('This operation has used its 2 upstream requests'),
    });
    expect(clusters.sim('east').count()).toBe(2);
    // The next request starts with a full budget.
    const next = createTestContext(clusters.registry, { maxUpstreamRequests: 2 }).context;
    expect((await next.loaders.imageStream.load(python)).metadata.name).toBe('python');
  });

  it('ends upstream calls when the request’s deadline passes', async () => {
    clusters.sim('east').addFault({
      pathIncludes: '/imagestreams/python',
      fault: { kind: 'hang' },
      times: Infinity,
    });
    const { context } = createTestContext(clusters.registry, { deadlineMs: 200 });
    await expect(context.loaders.imageStream.load(python)).rejects.toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      message: 'cluster "east": the request deadline passed',
    });
  });

  it('ends upstream calls when the client goes away', async () => {
    clusters.resetCounts();
    clusters.sim('east').addFault({
      pathIncludes: '/imagestreams/python',
      fault: { kind: 'hang' },
      times: Infinity,
    });
    const client = new AbortController();
    const { context } = createTestContext(clusters.registry, { clientSignal: client.signal });
    const load = context.loaders.imageStream.load(python);
    await waitFor(() => clusters.sim('east').count('imagestreams') === 1, 'the call to arrive');
    client.abort();
    await expect(load).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', cluster: 'east' });
  });

  it('hands out the configured limits and defaults', () => {
    const { context } = createTestContext(clusters.registry, {
      requestId: 'req-1',
      limits: { maxRefs: 7, maxPageSize: 9 },
    });
    expect(context.requestId).toBe('req-1');
    expect(context.limits).toEqual({ maxRefs: 7, maxPageSize: 9 });
    expect(context.extraErrors).toEqual([]);
    expect(context.cacheMutableTtlMs).toBe(60_000);
    expect(context.trace).toEqual({});
    expect(
      createTestContext(clusters.registry, { cacheMutableTtlMs: 5 }).context.cacheMutableTtlMs,
    ).toBe(5);
  });
});

describe('createContext: tracing', () => {
  it('records each upstream call as a child of the operation’s span', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ exporter });
    const { context } = createTestContext(clusters.registry, { tracing });
    const operation = tracing.tracer.startSpan('graphql.operation');
    context.trace.span = operation;
    await context.loaders.imageStream.load(python);
    operation.end();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['GET imagestreams', 'graphql.operation']);
    expect(spans[0]?.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
    expect(spans[0]?.attributes).toMatchObject({
      'openshift.cluster': 'east',
      'openshift.resource': 'imagestreams',
      'http.response.status_code': 200,
    });
    await tracing.shutdown();
  });
});

describe('createContext: the probe', () => {
  it('is the one handed in, shared across requests', async () => {
    const probe = createClusterProbe(clusters.registry, { ttlMs: 60_000 });
    clusters.resetCounts();
    await createTestContext(clusters.registry, { probe }).context.clusters.status('east');
    await createTestContext(clusters.registry, { probe }).context.clusters.status('east');
    expect(clusters.sim('east').count('version')).toBe(1);
  });
});
