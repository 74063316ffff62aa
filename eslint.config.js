// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TEST_HELPERS = { group: ['**/test/**'], message: 'src must not import test helpers.' };
const SIMULATOR = {
  group: ['**/simulator/*'],
  message: 'The request path never imports the simulator (demo and tests only).',
};
const GOT = { name: 'got', message: 'got is used only under src/upstream/.' };

/** One no-restricted-imports block per layer: what each folder may not import. */
function layerRules() {
  const above = (...folders) => ({
    group: folders.flatMap((f) => [`../${f}/*`, `../../${f}/*`]),
    message: `This layer may not import from ${folders.join(', ')} (docs/architecture.md: who may import whom).`,
  });
  const layers = [
    {
      files: ['src/upstream/**/*.ts'],
      patterns: [
        above('resolvers', 'loaders', 'http', 'graphql', 'clusters', 'cache', 'authz', 'limits'),
        {
          group: ['../context.js', '../../context.js'],
          message: 'upstream does not know the request context.',
        },
      ],
      paths: [],
    },
    {
      files: ['src/clusters/**/*.ts', 'src/cache/**/*.ts', 'src/authz/**/*.ts'],
      patterns: [above('resolvers', 'loaders', 'http', 'graphql', 'limits')],
      paths: [GOT],
    },
    {
      files: ['src/loaders/**/*.ts'],
      patterns: [above('resolvers', 'http', 'graphql', 'limits')],
      paths: [GOT],
    },
    {
      files: ['src/resolvers/**/*.ts'],
      patterns: [
        above('http', 'graphql', 'clusters', 'cache', 'authz'),
        {
          group: ['../upstream/*', '!../upstream/types.js'],
          message: 'Resolvers read through ctx.loaders; from src/upstream only the wire types.',
        },
      ],
      paths: [GOT],
    },
    {
      files: ['src/graphql/**/*.ts', 'src/limits/**/*.ts'],
      patterns: [above('http')],
      paths: [GOT],
    },
    {
      files: ['src/simulator/**/*.ts'],
      patterns: [
        above('resolvers', 'loaders', 'http', 'graphql', 'cache', 'authz', 'limits', 'clusters'),
      ],
      paths: [GOT],
    },
  ];
  return [
    {
      files: ['src/**/*.ts'],
      ignores: [
        'src/upstream/**',
        'src/main.ts',
        'src/clusters/loadClusters.ts',
        'src/simulator/**',
      ],
      rules: {
        'no-restricted-imports': ['error', { paths: [GOT], patterns: [TEST_HELPERS, SIMULATOR] }],
      },
    },
    ...layers.map(({ files, patterns, paths }) => ({
      files,
      rules: {
        'no-restricted-imports': [
          'error',
          {
            paths,
            patterns: [
              TEST_HELPERS,
              ...patterns,
              ...(files[0] === 'src/simulator/**/*.ts' ? [] : [SIMULATOR]),
            ],
          },
        ],
      },
    })),
  ];
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'src/generated/**',
      'examples/generated/**',
      'test-results/**',
      'node_modules/**',
      'coverage/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        AbortSignal: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  // Layers point downward (docs/architecture.md): HTTP -> graphql -> resolvers -> loaders ->
  // clusters/authz/cache -> upstream. got only under src/upstream; nothing on the request path
  // imports the simulator (main.ts and clusters/loadClusters.ts load it with a dynamic import).
  ...layerRules(),
  {
    files: ['bench/**/*.js', 'bench/**/*.ts', 'test/**/*.ts'],
    // Tests read untyped JSON responses; asserting their shape is the point of the test.
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
