import { readFileSync } from 'node:fs';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FindAStreamDocument,
  ImageLayersAndConfigDocument,
  ListMyNamespacesDocument,
  ImageSignaturesDocument,
  ManifestListPlatformsDocument,
  TagHistoryDocument,
  WhereDoesADigestRunDocument,
  VulnerableWorkloadsDocument,
  WatchTagChangesDocument,
  type WatchTagChangesSubscription,
} from '../examples/generated/graphql.js';
import { buildImageStream } from '../src/simulator/buildImageStream.js';
import { startStack, type Stack } from './helpers/startStack.js';
import { sseSubscribe } from './helpers/subscribe.js';
import { until } from './helpers/until.js';

const variables = JSON.parse(
  readFileSync(new URL('../examples/variables.json', import.meta.url), 'utf8'),
) as Record<string, Record<string, unknown>>;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ logLevel: 'warn' });
});
afterAll(async () => {
  await stack.close();
});

/** What a frontend does with a typed document: the result type comes from the document. */
async function execute<R, V>(document: TypedDocumentNode<R, V>, vars: V): Promise<R> {
  const { body } = await stack.gql(print(document), vars as Record<string, unknown>);
  expect(body.errors).toBeUndefined();
  return body.data as R;
}

describe('the example operations as typed documents (codegen client preset)', () => {
  it('ListMyNamespaces', async () => {
    const data = await execute(ListMyNamespacesDocument, variables['ListMyNamespaces'] as never);
    expect(data.clusters.map((c) => c.name)).toEqual(['east', 'west']);
    const east = data.clusters[0]?.namespaces;
    expect(east?.totalCount).toBe(11);
    expect(east?.edges.map((e) => e.node.name)).toContain('openshift');
    expect(east?.edges[0]?.node.displayName).toBe('The apps project');
  });

  it('FindAStream', async () => {
    const data = await execute(FindAStreamDocument, variables['FindAStream'] as never);
    const streams = data.cluster?.imageStreams.edges.map((e) => e.node) ?? [];
    expect(streams.map((s) => `${s.namespace}/${s.name}`)).toEqual(['openshift/python']);
    const latest = streams[0]?.tags.find((t) => t.name === 'latest');
    expect(latest?.history[0]?.imageStreamImage?.image.totalLayerSize).toBe(347478492);
  });

  it('ImageLayersAndConfig', async () => {
    const data = await execute(
      ImageLayersAndConfigDocument,
      variables['ImageLayersAndConfig'] as never,
    );
    const size: number | null | undefined = data.imageStreamImage?.image.totalLayerSize;
    expect(size).toBe(347478492);
    expect(data.imageStreamImage?.image.dockerImageMetadata?.config?.cmd).toEqual(['python3']);
  });

  it('ManifestListPlatforms', async () => {
    const data = await execute(
      ManifestListPlatformsDocument,
      variables['ManifestListPlatforms'] as never,
    );
    expect(data.imageStreamImage?.image.manifests.map((m) => `${m.os}/${m.architecture}`)).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(data.imageStreamImage?.image.arm64?.name).toBe(
      'sha256:1a06d68cb9117b52965035a5b0fa4c1470ef892e6062ffedb1af1922952e0950',
    );
  });

  it('ImageSignatures', async () => {
    const data = await execute(ImageSignaturesDocument, variables['ImageSignatures'] as never);
    expect(data.imageStreamImage?.image.signatures.map((s) => s.trusted)).toEqual([true, false]);
  });

  it('TagHistory', async () => {
    const data = await execute(TagHistoryDocument, variables['TagHistory'] as never);
    expect(data.imageStream?.tags.map((t) => t.name)).toEqual(['3.8.12', '3.99']);
  });

  it('WhereDoesADigestRun', async () => {
    const data = await execute(
      WhereDoesADigestRunDocument,
      variables['WhereDoesADigestRun'] as never,
    );
    expect(data.imageLocations.map((l) => `${l.cluster.name}/${l.namespace}/${l.stream}`)).toEqual([
      'east/openshift/python',
      'west/openshift/python',
    ]);
  });

  it('VulnerableWorkloads', async () => {
    const data = await execute(
      VulnerableWorkloadsDocument,
      variables['VulnerableWorkloads'] as never,
    );
    // Log4Shell runs in two Deployments of east (the cluster with the scanner): backend is
    // current with its tag, frontend is behind it.
    expect(
      data.vulnerableWorkloads.map(
        (w) => `${w.cluster.name}/${w.namespace}/${w.kind}/${w.name}:${w.drift}`,
      ),
    ).toEqual(['east/apps/Deployment/backend:false', 'east/apps/Deployment/frontend:true']);
    expect(data.vulnerableWorkloads.map((w) => w.image?.vulnerabilities.highestSeverity)).toEqual([
      'Critical',
      'Critical',
    ]);
  });
});

describe('the example subscription', () => {
  let indexed: Stack;
  beforeAll(async () => {
    // A location index feeds subscriptions; demo/ticker as the demo clusters have it.
    indexed = await startStack({ logLevel: 'warn', locationIndex: { maxEntries: 100_000 } });
    indexed.sims['east']?.changes.putImageStream(buildImageStream('demo', 'ticker', [], []));
    await until(
      () => Object.values(indexed.sims).every((sim) => sim.watches.open === 1),
      'every index watches its cluster',
    );
  });
  afterAll(async () => {
    await indexed.close();
  });

  it('WatchTagChanges (over SSE): a tag moved in a watched namespace arrives as an event', async () => {
    const sub = await sseSubscribe(
      indexed.url,
      print(WatchTagChangesDocument),
      variables['WatchTagChanges'],
    );
    try {
      await until(
        () => indexed.gateway.subscriptions.subscribers === 1,
        'the subscription is in place',
      );
      const east = indexed.sims['east'];
      if (!east) throw new Error('no east');
      east.changes.moveTag('openshift', 'python', 'latest'); // not in namespaces ["demo"]
      const moved = east.changes.moveTag('demo', 'ticker', 'live');
      const result = await sub.next('the tag change');
      expect(result.errors).toBeUndefined();
      const event = (result.data as WatchTagChangesSubscription | undefined)?.imageStreamEvents;
      expect(event).toEqual({
        type: 'MODIFIED',
        cluster: { name: 'east' },
        namespace: 'demo',
        stream: 'ticker',
        changedTags: [{ tag: 'live', from: null, to: moved, importError: null }],
      });
    } finally {
      sub.close();
    }
  });
});
