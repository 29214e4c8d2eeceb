import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const ipcPrimitives = { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'ipcMain/ipcRenderer live only in src/main/ipc and src/preload.' };

// Layer boundaries (DESIGN.md convention 7), enforced as import rules.
export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', '.lab/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', __dirname: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', performance: 'readonly', window: 'readonly', document: 'readonly', location: 'readonly', WebSocket: 'readonly', localStorage: 'readonly', navigator: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', queueMicrotask: 'readonly', structuredClone: 'readonly', fetch: 'readonly', setImmediate: 'readonly', requestAnimationFrame: 'readonly', cancelAnimationFrame: 'readonly', ResizeObserver: 'readonly', HTMLElement: 'readonly', KeyboardEvent: 'readonly', MouseEvent: 'readonly', Blob: 'readonly', crypto: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { paths: [ipcPrimitives] }],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'electron', 'react', 'ssh2', 'ws'].map((name) => ({ name, message: 'src/shared is pure TypeScript: no node, electron or DOM libraries.' })),
          patterns: [{ group: ['**/main/**', '**/renderer/**', '**/preload/**', '../../main*', '../../renderer*'], message: 'src/shared imports nothing of ours beyond shared.' }],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'electron', 'ssh2', 'ws'].map((name) => ({ name, message: 'The renderer never imports node built-ins or main-process libraries.' })),
          patterns: [{ group: ['**/main/**', '**/preload/**'], message: 'The renderer talks to the core only through the contract.' }],
        },
      ],
    },
  },
  {
    // Tests run in Node and may use it to check pure code against real tools (sh).
    files: ['src/shared/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/main/ipc/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/ipc/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [ipcPrimitives], patterns: [{ group: ['**/renderer/**', '**/preload/**'], message: 'main never imports renderer or preload code.' }] }],
    },
  },
);
