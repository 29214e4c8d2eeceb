// Bundles the core for Node (serve/CLI) and Electron (main + sandboxed preload).
// Sandboxed preloads can't require our modules, so each entry is one file.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { __VIRTDECK_VERSION__: JSON.stringify(pkg.version) },
  // ssh2's optional native addons: it falls back to pure JS when they are absent.
  external: ['electron', 'cpu-features', '*.node'],
};

await Promise.all([
  build({ ...common, entryPoints: { cli: 'src/main/cli.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' } }),
  build({ ...common, entryPoints: { electron: 'src/main/electron.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' } }),
  build({ ...common, entryPoints: { preload: 'src/preload/index.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' } }),
]);
console.log('built dist/main/{cli,electron,preload}.cjs');
