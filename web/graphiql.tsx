// GraphiQL, bundled into the package at build time (scripts/build-graphiql.mjs): no CDN, so it
// works on air-gapped clusters. One tab per example operation in examples/, with the demo's
// variables; a headers tab for "Authorization: Bearer …" in --auth passthrough. Queries go over
// HTTP, subscriptions over a WebSocket (graphql-ws) to the same /graphql.
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import findAStream from '../examples/FindAStream.graphql';
import imageLayersAndConfig from '../examples/ImageLayersAndConfig.graphql';
import listMyNamespaces from '../examples/ListMyNamespaces.graphql';
import imageSignatures from '../examples/ImageSignatures.graphql';
import manifestListPlatforms from '../examples/ManifestListPlatforms.graphql';
import tagHistory from '../examples/TagHistory.graphql';
import variables from '../examples/variables.json';
import watchTagChanges from '../examples/WatchTagChanges.graphql';
import whereDoesADigestRun from '../examples/WhereDoesADigestRun.graphql';
import vulnerableWorkloads from '../examples/VulnerableWorkloads.graphql';

// Exploration starts from nothing: clusters and namespaces, then streams, tags and images.
const examples: [keyof typeof variables, string][] = [
  ['ListMyNamespaces', listMyNamespaces],
  ['FindAStream', findAStream],
  ['ImageLayersAndConfig', imageLayersAndConfig],
  ['ManifestListPlatforms', manifestListPlatforms],
  ['ImageSignatures', imageSignatures],
  ['TagHistory', tagHistory],
  ['WhereDoesADigestRun', whereDoesADigestRun],
  ['VulnerableWorkloads', vulnerableWorkloads],
  ['WatchTagChanges', watchTagChanges],
];

const HEADERS = '{\n  "Authorization": "Bearer <token, only with --auth passthrough>"\n}';
const tabs = examples.map(([name, query]) => ({
  query,
  variables: JSON.stringify(variables[name], null, 2),
  headers: HEADERS,
}));

const url = window.location.pathname;
const wsUrl = `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}${url}`;
/**
 * A browser cannot set headers on a WebSocket, so the headers editor's (Authorization,
 * X-Cluster-Authorization-<cluster>) go in graphql-ws's connection_init payload, where the
 * gateway reads them. That payload is sent once per connection, and @graphiql/toolkit hands the
 * editor's headers to HTTP requests only (a `wsClient` never sees them): hence a fetcher, with a
 * graphql-ws client of its own, per distinct headers. A changed token gets a new client and a new
 * connection; each client connects lazily and closes once its last subscription ends.
 */
const fetchers = new Map<string, { fetcher: Fetcher; dispose: () => void }>();
const KEPT_CLIENTS = 4;
function fetcherFor(headers: Record<string, unknown>): Fetcher {
  const key = JSON.stringify(headers);
  const known = fetchers.get(key);
  if (known) return known.fetcher;
  const wsClient = createClient({ url: wsUrl, connectionParams: { ...headers }, lazy: true });
  const created = {
    fetcher: createGraphiQLFetcher({ url, wsClient }),
    dispose: () => void wsClient.dispose(),
  };
  fetchers.set(key, created);
  // The oldest headers' client goes (ending a subscription still running with them).
  for (const [old, entry] of fetchers) {
    if (fetchers.size <= KEPT_CLIENTS) break;
    entry.dispose();
    fetchers.delete(old);
  }
  return created.fetcher;
}
const fetcher: Fetcher = (params, opts) => fetcherFor(opts?.headers ?? {})(params, opts);
const root = document.getElementById('graphiql');
if (root) {
  createRoot(root).render(
    createElement(GraphiQL, {
      fetcher,
      defaultTabs: tabs,
      // GraphiQL 3 fills the first tab's editors from these, not from defaultTabs[0].
      query: tabs[0]?.query,
      variables: tabs[0]?.variables,
      headers: tabs[0]?.headers,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: 'variables',
    }),
  );
}
