// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'src/generated/**', 'examples/generated/**', 'test-results/**', 'node_modules/**', 'coverage/**', 'bench/results/**'],
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
  {
    // Layers point downward: got only in src/upstream; tests never imported from src.
    files: ['src/**/*.ts'],
    ignores: ['src/upstream/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'got', message: 'got is used only under src/upstream/.' }],
          patterns: [{ group: ['**/test/**'], message: 'src must not import test helpers.' }],
        },
      ],
    },
  },
  {
    files: ['bench/**/*.js', 'bench/**/*.ts', 'test/**/*.ts'],
    // Tests read untyped JSON responses; asserting their shape is the point of the test.
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
