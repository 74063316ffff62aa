// Bundles the server (src/main.ts and everything it imports, node_modules included) into
// dist/main.js and lazily loaded chunks beside it (dist/main-*.js), over tsc's dist/main.js:
// start-up reads and compiles a few files instead of about a thousand (issue 16). What
// main.ts and its modules import with import() stays a chunk of its own, loaded when asked for
// (--help loads none, the simulator, tracing and Apollo's reporting plugins only when used).
// The other files tsc writes to dist/ stay, for the benchmarks and tests that import them.
import { readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

/**
 * Our modules find files next to them through `import.meta.url` (schema.graphql, fixtures/,
 * dist/graphiql/, package.json): in the bundle each one's is the URL its tsc output has, so
 * those paths resolve as before. Every output file lies in dist/ itself, so the same relative
 * URL works from the entry and from any chunk.
 */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[/\\]src[/\\].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const compiled = relative('src', args.path).replaceAll('\\', '/').replace(/\.ts$/, '.js');
      return {
        loader: 'ts',
        contents: source.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(`./${compiled}`)}, import.meta.url).href`,
        ),
      };
    });
  },
};

/**
 * Packages our dependencies reach only on paths the gateway never takes, each with the reason.
 * In the bundle each becomes a stub that fails loudly if it is ever used, so start-up neither
 * compiles nor runs them (about a third of the served chunk, issue 16). Only the bundle is
 * affected: tsc's output and the tests use the real packages.
 */
const NEVER_USED = {
  // Fastify requires these only to build the default schema compilers; createHttpServer gives
  // its own (no route has a schema), so Ajv and fast-json-stringify's compiler stay out.
  '@fastify/ajv-compiler': 'createHttpServer gives Fastify its own validator compiler',
  '@fastify/fast-json-stringify-compiler':
    'createHttpServer gives Fastify its own serializer compiler',
  // Required by fastify.inject() only, which the CLI never calls.
  'light-my-request': 'fastify.inject() is not used by the server',
  // got takes it (and Node's http2) for the `http2` option only, which is never set.
  'http2-wrapper': "got's http2 option is never set",
};

/** The stub of a package of NEVER_USED: a function that throws, whose properties throw too. */
function stubSource(name) {
  const message = `${name} is left out of the bundle (scripts/bundle-server.mjs): ${NEVER_USED[name]}`;
  return [
    `const fail = () => { throw new Error(${JSON.stringify(message)}); };`,
    'module.exports = function neverUsed() { fail(); };',
    // got reads these two of http2-wrapper's exports, on its http2 paths only.
    "for (const key of ['auto', 'globalAgent', 'Agent', 'request', 'get'])",
    '  Object.defineProperty(module.exports, key, { get: fail, enumerable: true });',
  ].join('\n');
}

const leaveOutNeverUsed = {
  name: 'leave-out-never-used',
  setup(b) {
    const names = Object.keys(NEVER_USED).map((n) => n.replace(/[/\\^$.*+?()[\]{}|]/g, '\\$&'));
    b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({
      path: args.path,
      namespace: 'never-used',
    }));
    b.onLoad({ filter: /.*/, namespace: 'never-used' }, (args) => ({
      contents: stubSource(args.path),
      loader: 'js',
    }));
  },
};

/**
 * graphql-js ships the same code twice, CommonJS (`.js`, what `main` names) and ES modules
 * (`.mjs`). Bundled as CommonJS, each of our ES modules that imports it copies its ~400 exports
 * into a namespace object of its own at start-up (66 copies); as ES modules they are bound once.
 * Every import and require of graphql, and of its files, takes the `.mjs`: one instance still.
 */
const graphqlAsEsm = {
  name: 'graphql-as-esm',
  setup(b) {
    b.onResolve({ filter: /^graphql(\/.*)?$/ }, async (args) => {
      if (args.pluginData === 'graphql-as-esm') return undefined;
      const result = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'graphql-as-esm',
      });
      if (result.errors.length > 0 || !result.path.endsWith('.js')) return result;
      return { ...result, path: result.path.replace(/\.js$/, '.mjs') };
    });
  },
};

/**
 * Work our dependencies do when loaded that only some paths we never or rarely take need: each
 * patch makes it happen at first use instead, with the same result. Each replaced text must be
 * found as written, or the build fails (look again at the package rather than lose a patch
 * unnoticed when it changes).
 */
const LAZY_PATCHES = [
  {
    // got's argument checks build two Intl.ListFormat at load, for the message of a failed
    // check only; the first Intl object a process makes loads ICU's data (tens of ms).
    file: /[/\\]@sindresorhus[/\\]is[/\\]distribution[/\\]index\.js$/,
    replace: ['conjunction', 'disjunction'].map((type, i) => {
      const name = i === 0 ? 'andFormatter' : 'orFormatter';
      const make = `new Intl.ListFormat('en', { style: 'long', type: '${type}' })`;
      return [
        `const ${name} = ${make};`,
        `let ${name}Made; const ${name} = { format: (list) => (${name}Made ??= ${make}).format(list) };`,
      ];
    }),
  },
  {
    // Fastify loads Node's http2 (three internal modules) for servers made with `http2: true`
    // only; createHttpServer makes its own HTTP/1.1 server (serverFactory).
    file: /[/\\]fastify[/\\]lib[/\\]server\.js$/,
    replace: [
      [
        "const http2 = require('node:http2')",
        "let http2Module; const http2 = { createServer: (...args) => (http2Module ??= require('node:http2')).createServer(...args), createSecureServer: (...args) => (http2Module ??= require('node:http2')).createSecureServer(...args) }",
      ],
    ],
  },
];

const lazyPatches = {
  name: 'lazy-patches',
  setup(b) {
    for (const patch of LAZY_PATCHES)
      b.onLoad({ filter: patch.file }, async (args) => {
        let source = await readFile(args.path, 'utf8');
        for (const [eager, lazy] of patch.replace) {
          if (!source.includes(eager))
            throw new Error(`${args.path} no longer has \`${eager}\`: see LAZY_PATCHES`);
          source = source.replace(eager, lazy);
        }
        return { contents: source, loader: 'js' };
      });
  },
};

// Chunks of an earlier build (their names carry a content hash).
for (const file of readdirSync('dist'))
  if (file.startsWith('main-')) rmSync(join('dist', file), { force: true });

await build({
  entryPoints: { main: 'src/main.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist',
  chunkNames: 'main-[name]-[hash]',
  sourcemap: true,
  sourcesContent: false,
  // CommonJS dependencies call require() and read __filename and __dirname: give every output
  // file all three. (No global such as URL here: a chunk may declare its own, hoisted.)
  banner: {
    js: [
      "import { createRequire as __bundleCreateRequire } from 'node:module';",
      "import { dirname as __bundleDirname } from 'node:path';",
      "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
      'const require = __bundleCreateRequire(import.meta.url);',
      'const __filename = __bundleFileURLToPath(import.meta.url);',
      'const __dirname = __bundleDirname(__filename);',
    ].join('\n'),
  },
  // Loaded from node_modules at run time: it takes Node's crypto only through `module.require`,
  // which a bundled module lacks, and would hash every query with a JavaScript SHA-256 instead.
  external: ['@apollo/utils.createhash'],
  plugins: [ownImportMetaUrl, leaveOutNeverUsed, graphqlAsEsm, lazyPatches],
  logLevel: 'warning',
});
