// One linter, with its type-aware rules on: floating and misused promises are the bugs a server
// like this one hides best (an unawaited write acknowledges a change that is not on disk).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'src/generated/**',
      'coverage/**',
      '.tmp/**',
      'openapi/spectral-functions/**',
      'bench/bare-server.mjs',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A leading underscore marks what is left unused on purpose (a destructured field dropped).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Off: an async function without await is how a synchronous implementation keeps a
      // Promise-returning interface (MockApi.principals, a check's run); no-floating-promises and
      // no-misused-promises, which catch the real mistakes, stay on.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The launcher and the bundler are plain JavaScript (they run before anything is compiled):
    // the rules that need TypeScript's types do not apply to them.
    files: ['bin/**/*.mjs', 'scripts/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false, project: null }, globals: { process: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
  {
    // The dashboard's scripts run in the browser as they are (no build step): plain scripts, browser globals.
    files: ['src/server/dashboard/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'script',
      parserOptions: { projectService: false, project: null },
      globals: Object.fromEntries(
        ['window', 'document', 'navigator', 'location', 'fetch', 'setTimeout', 'clearTimeout', 'URLSearchParams', 'Option', 'SwaggerUIBundle'].map((name) => [
          name,
          'readonly',
        ]),
      ),
    },
  },
  {
    // Tests poke at JSON answers of any shape on purpose (that is what they check); the promise
    // rules and the rest stay on.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
