import { existsSync, readFileSync } from 'node:fs';
import { EXAMPLE_QUERY } from './exampleQuery.js';

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** GraphiQL as built by `npm run build` (scripts/build-graphiql.mjs), served from the package. */
export interface GraphiQLAssets {
  readonly js: Buffer;
  readonly css: Buffer;
}

const ASSETS = new URL('../dist/graphiql/', import.meta.url);

/** The bundled GraphiQL, or undefined when the package was not built with it. */
export function loadGraphiQLAssets(): GraphiQLAssets | undefined {
  const js = new URL('graphiql.js', ASSETS);
  const css = new URL('graphiql.css', ASSETS);
  if (!existsSync(js) || !existsSync(css)) return undefined;
  return { js: readFileSync(js), css: readFileSync(css) };
}

/** The GraphiQL page: two files of this package, nothing from the network. */
export function renderGraphiQLPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>openshift-image-gateway · GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/graphiql/graphiql.css">
<style>html,body,#graphiql{height:100%;margin:0}</style>
</head><body><div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/graphiql.js"></script>
</body></html>`;
}

/**
 * A small self-contained query page, served when the package was built without GraphiQL
 * (`tsc` alone). No CDN, no external script.
 */
export function renderExplorerPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>openshift-image-gateway</title>
<style>
body{font-family:system-ui,sans-serif;margin:1rem;background:#f6f7f9;color:#151515}
textarea,pre{width:100%;box-sizing:border-box;font:13px/1.4 ui-monospace,monospace}
textarea{height:16rem}pre{background:#fff;border:1px solid #ccc;padding:.5rem;min-height:10rem;overflow:auto}
label{display:block;margin:.5rem 0 .2rem}button{margin:.5rem 0;padding:.4rem 1rem}
</style></head><body>
<h1>openshift-image-gateway</h1>
<p>POST GraphQL to this URL. The schema is in <code>schema.graphql</code>; introspection is on. (Run <code>npm run build</code> for GraphiQL.)</p>
<label for="query">Query</label><textarea id="query">${escapeHtml(EXAMPLE_QUERY)}</textarea>
<label for="token">Bearer token (only for --auth passthrough)</label><input id="token" type="password" size="60">
<div><button id="run">Run</button></div>
<pre id="result"></pre>
<script>
document.getElementById('run').addEventListener('click', async () => {
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  const token = document.getElementById('token').value.trim();
  if (token) headers.authorization = 'Bearer ' + token;
  const res = await fetch(location.pathname, { method: 'POST', headers, body: JSON.stringify({ query: document.getElementById('query').value }) });
  document.getElementById('result').textContent = JSON.stringify(await res.json(), null, 2);
});
</script></body></html>`;
}
