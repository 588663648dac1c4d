// Type-aware linting for every TypeScript source; generated and built files are ignored.
import js from '@eslint/js'
import simpleImportSort from 'eslint-plugin-simple-import-sort'
import tseslint from 'typescript-eslint'

// Sources outside tests and contract suites stay small enough to read: no function over 120 lines,
// no file over 600. Tests, contract suites and the programs tests run are exempt.
const TESTS = [
  '**/*.test.ts',
  '**/*.test-fixture.ts',
  'packages/testing/src/*-contract.ts',
  'test/**',
  'examples/*/src/*.test.ts',
]

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'test/docs/generated/**',
      // the API reference `npm run docs:api` generates
      'docs/api/**',
      // an app outside the workspace, type-checked by the packaging test with its own tsconfig
      'test/packaging/consumer-app/**',
      'bench/**',
      '**/*.mjs',
      '**/*.js',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    plugins: { 'simple-import-sort': simpleImportSort },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: false, skipComments: false }],
      'max-lines': ['error', { max: 600, skipBlankLines: false, skipComments: false }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports: no default exports.' },
        { selector: 'ExportAllDeclaration', message: 'Name the public API explicitly instead of export *.' },
      ],
    },
  },
  {
    files: TESTS,
    rules: { 'max-lines-per-function': 'off', 'max-lines': 'off' },
  },
)
