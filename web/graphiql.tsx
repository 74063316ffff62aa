// GraphiQL, bundled into the package at build time (scripts/build-graphiql.mjs): no CDN, so it
// works on air-gapped clusters. One tab per example operation in examples/, with the demo's
// variables; a headers tab for "Authorization: Bearer …" in --auth passthrough.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
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
];

const HEADERS = '{\n  "Authorization": "Bearer <token, only with --auth passthrough>"\n}';
const tabs = examples.map(([name, query]) => ({
  query,
  variables: JSON.stringify(variables[name], null, 2),
  headers: HEADERS,
}));
const fetcher = createGraphiQLFetcher({ url: window.location.pathname });
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
