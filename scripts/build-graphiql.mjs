// Bundles GraphiQL and its React dependencies into dist/graphiql/ (served by the gateway).
import { build } from 'esbuild';

await build({
  entryPoints: ['web/graphiql.tsx'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  outdir: 'dist/graphiql',
  entryNames: 'graphiql',
  loader: { '.graphql': 'text', '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'external',
  logLevel: 'warning',
});
