import { existsSync, readFileSync } from 'node:fs';

/** GraphiQL as built by `npm run build` (scripts/build-graphiql.mjs), served from the package. */
export interface GraphiQLAssets {
  readonly js: Buffer;
  readonly css: Buffer;
}

const ASSETS = new URL('../dist/graphiql/', import.meta.url);

/** The bundled GraphiQL, or undefined when the package was built without it (`tsc` alone). */
export function loadGraphiQLAssets(): GraphiQLAssets | undefined {
  const js = new URL('graphiql.js', ASSETS);
  const css = new URL('graphiql.css', ASSETS);
  if (!existsSync(js) || !existsSync(css)) return undefined;
  return { js: readFileSync(js), css: readFileSync(css) };
}

/** The page for GET /graphql from a browser: two files of this package, nothing from the network. */
export function renderGraphiQLPage(assets: GraphiQLAssets | undefined): string {
  if (!assets) {
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>openshift-image-gateway</title></head>
<body><p>POST GraphQL to this URL. GraphiQL is not built into this package: run <code>npm run build</code>.</p></body></html>`;
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>openshift-image-gateway · GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/graphiql/graphiql.css">
<style>html,body,#graphiql{height:100%;margin:0}</style>
</head><body><div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/graphiql.js"></script>
</body></html>`;
}
