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
  // Type-aware rules at full strength for the TypeScript of src/ and test/ (tsconfig.check.json)
  // and of web/ (tsconfig.web.json); plain rules for the JavaScript of bench/ and scripts/.
  ...tseslint.configs.strictTypeChecked,
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.check.json', './tsconfig.web.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Numbers read naturally in messages; everything else must be made a string on purpose.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `() => void x()` shorthand is common and clear in callbacks.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Apollo's plugin hooks and Fastify's handlers are async by contract; an async function
      // without an await is how such a hook is written.
      '@typescript-eslint/require-await': 'off',
    },
  },
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
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Tests throw strings and fake instances on purpose (hostile values), clean up defensively
      // with `?.`, and await resolver results whose generated types are unions with promises.
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/await-thenable': 'off',
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
    },
  },
);
