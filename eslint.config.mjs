// Lint: TypeScript, Lit templates, web-component practice and template accessibility.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import litA11y from 'eslint-plugin-lit-a11y';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'lib/',
      'vendor/*.js',
      'types/',
      'server/dist/',
      'server/types/',
      'tmp/',
      '.cache/',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  { rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }] } },
  {
    files: ['src/**/*.ts'],
    extends: [...tseslint.configs.recommended, lit.configs['flat/recommended'], wc.configs['flat/best-practice']],
    plugins: { 'lit-a11y': litA11y },
    rules: {
      ...litA11y.configs.recommended.rules,
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
    languageOptions: { globals: globals.browser },
  },
  {
    // The server: TypeScript for Node.
    files: ['server/**/*.ts'],
    extends: [...tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
    languageOptions: { globals: globals.node },
  },
  {
    files: ['src/**/*.test.ts', 'src/test-support.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
    languageOptions: { globals: { ...globals.mocha } },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
  },
  {
    // Every test runs, every time: no `.only`, `.skip` or `.todo`, in mocha (wtr) or node:test, however spelled.
    // (npm test also fails a run that skipped anything; this says so at the line.)
    files: ['src/**/*.test.ts', 'test/**/*.js'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(only|skip|todo)$/]',
          message: 'Every test runs: no .only(), .skip() or .todo() (fix or delete the test instead).',
        },
        {
          selector: 'CallExpression[callee.name=/^(x|f)(it|describe|context|test)$/]',
          message: 'Every test runs: no xit/xdescribe/fit (fix or delete the test instead).',
        },
        {
          selector:
            'CallExpression[callee.name=/^(it|test|describe|suite|context)$/] > ObjectExpression > Property[key.name=/^(only|skip|todo)$/]',
          message: 'Every test runs: no { only }, { skip } or { todo } option (fix or delete the test instead).',
        },
      ],
    },
  },
  {
    files: ['demo/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['test/**/*.js', 'bench/**/*.mjs'],
    // Functions passed to page.evaluate run in the browser.
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
