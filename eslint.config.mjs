// @ts-check
// House rules (STYLE.md "Checked by machines"): typescript-eslint's
// type-checked set (no-floating-promises, no-misused-promises, no-explicit-any
// among them) over every TypeScript file the project compiles, and the Jest
// plugin over the specs. Formatting is Prettier's job, not ESLint's.
import eslint from '@eslint/js';
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'data/**', 'node_modules/**', 'bench/tmp/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A leading underscore marks a parameter a signature needs (Nest's
      // @Body() pipe, an interface) but this implementation does not read;
      // a rest sibling is how a property is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // STYLE.md "Dependencies point one way" (the import arrows themselves
      // are dependency-cruiser's: .dependency-cruiser.cjs).
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='forwardRef']",
          message: 'No forwardRef: a cycle means the use case lives in the wrong module.',
        },
        {
          selector: "Property[key.name='exports'] > ArrayExpression > :matches(Identifier[name='TypeOrmModule'], CallExpression)",
          message: 'A module exports services, never repositories (TypeOrmModule or a dynamic module).',
        },
      ],
    },
  },
  {
    files: ['src/**/*.spec.ts', 'test/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/valid-expect': ['error', { alwaysAwait: true }],
      // fast-check's fc.assert() is the assertion of a property test; a
      // helper named expect…() (expectRefused, expectCassettesMatchLedger) asserts.
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'fc.assert'] }],
      // "A refused request changes nothing" is checked once per test, after it.
      'jest/no-standalone-expect': ['error', { additionalTestBlockFunctions: ['afterEach'] }],
    },
  },
  {
    // supertest types every response body as `any`: an e2e spec reads
    // untyped JSON, and each read feeds the expect() that checks it. Outside
    // test/ (src, bench, unit specs) these rules stay on; no-explicit-any
    // stays on everywhere.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
