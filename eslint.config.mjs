// Lint config: typescript-eslint's recommended rules, plus the layering rule that keeps
// src/core free of VS Code so it runs (and is tested) on plain Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Imports that would bundle a whole library where a part is used.
const zodNamed = {
  // The namespace import lets esbuild keep only what is used (443 KiB against 83 KiB for one schema).
  selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
  message: "Write import * as z from 'zod': the named import bundles all of zod.",
};
const forgeIndex = {
  selector: "ImportDeclaration[source.value='node-forge']",
  message: "Import forge from src/core/forge: node-forge's index bundles its TLS, SSH and ciphers too.",
};
const undiciIndex = {
  selector: "ImportDeclaration[source.value='undici'][importKind!='type']",
  message: "Import from src/core/http/undici: undici's index bundles fetch, WebSocket, caches and mocks too.",
};
// Imports that would put a lazily loaded part back on the extension's common path.
const undiciParts = {
  selector: "ImportDeclaration[source.value=/undiciParts$/][importKind!='type']",
  message: 'Reach undici through loadUndici() in src/core/http/undici.ts: its parts load with the first request, not at startup.',
};
const credentialsParser = {
  selector: "ImportDeclaration[source.value=/credentials\\/parse$/][importKind!='type']",
  message: 'Read a credentials file with inspectCredentialsFile (credentials/inspect.ts): it imports the parser, node-forge with it, on the first file read.',
};
const tarIndex = {
  selector: "ImportDeclaration[source.value='tar'][importKind!='type']",
  message: "Import the part you use (tar/parse): tar's index bundles its packer and file-system writers too.",
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'test-results/**', '**/*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      'no-restricted-syntax': ['error', zodNamed],
    },
  },
  {
    // Shipped code; tests may use the whole of node-forge, undici and tar. src/core/forge.ts and
    // src/core/http/undiciParts.ts load their parts.
    files: ['src/**/*.ts'],
    ignores: ['src/core/forge.ts', 'src/types/*.d.ts'],
    rules: { 'no-restricted-syntax': ['error', zodNamed, forgeIndex, undiciIndex, tarIndex, undiciParts, credentialsParser] },
  },
  {
    // The domain, the vault, the agent and the CLI must never depend on the editor.
    files: ['src/core/**/*.ts', 'src/vault/**/*.ts', 'src/agent/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core (and the vault, agent and CLI) must not import vscode: put editor code in src/vscode.' }],
        patterns: [{ group: ['**/vscode/**', '../vscode', '../../vscode'], message: 'Core code must not reach into the VS Code adapters.' }],
      }],
    },
  },
  {
    // The VS Code features reach the core through its front door only (src/core/service's index),
    // never its internals: the core owns every rule, and what an adapter needs is exported there.
    files: ['src/vscode/features/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          group: ['**/core/**', '!**/core/service'],
          message: "Import from src/core/service (the core's front door); export what is missing from its index.",
        }],
      }],
    },
  },
  {
    // Plain CommonJS test extensions loaded by the VS Code extension host.
    files: ['test/fixtures/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable', module: 'writable', performance: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Plain CommonJS preloads a bench starts its processes with (node --require).
    files: ['bench/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['scripts/**/*.mjs', 'test/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly' } },
  },
  {
    // Mocha suites written as plain ES modules (they run on Node, outside the extension host).
    files: ['test/**/*.test.mjs'],
    languageOptions: { globals: { describe: 'readonly', it: 'readonly', before: 'readonly', after: 'readonly', beforeEach: 'readonly', afterEach: 'readonly' } },
  },
);
