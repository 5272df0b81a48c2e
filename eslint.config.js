// ESLint (flat config): correctness rules that need types, the house line length, and the layer
// order of docs/design/layers.md enforced with import-x/no-restricted-paths. Formatting is
// Prettier's (.prettierrc.json); ESLint does not fight it (no stylistic rules here but max-len).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { layerZones } from './eslint.layers.js';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'fixtures/scenarios/**',
      'fixtures/real/incidents/**',
      'fixtures/real/captures/**',
      'coverage/**',
      '*.config.ts',
      '*.config.js',
      'eslint.layers.js',
      'eslint.layers.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.test.json' })] },
    rules: {
      // correctness, as ESLint's own codebase keeps them
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-fallthrough': 'error',
      // netsnap's output layer exists to find and neutralize control characters in bundle text
      'no-control-regex': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // the house line length: code 120 columns; long literals (log lines, data) are not code
      'max-len': [
        'error',
        {
          code: 120,
          tabWidth: 2,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          ignoreUrls: true,
        },
      ],
      // layers: imports only run downhill (docs/design/layers.md)
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
);
