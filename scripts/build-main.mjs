// Bundles the core for Node (serve/CLI) and Electron (main + sandboxed preload).
// Sandboxed preloads can't require our modules, so each entry is one file.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';

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
// ssh2 loads its crypto addon from './crypto/build/Release/sshcrypto.node'
// next to its own module, which in the bundle means next to dist/main/*.cjs.
// When npm built the addon (it needs a C++ toolchain; ssh2 skips it quietly
// otherwise) it goes there too: `virtdeck serve` then seals SSH packets in
// native code (~0.6 s less main-thread CPU per GiB uploaded, docs/uploads.md).
// It is built for Node's ABI: the desktop packages leave it out
// (electron-builder.yml), and a runtime that cannot load it fails the
// require, which ssh2 catches, and encrypts in pure JS.
const addon = 'node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node';
if (existsSync(addon)) {
  mkdirSync('dist/main/crypto/build/Release', { recursive: true });
  copyFileSync(addon, 'dist/main/crypto/build/Release/sshcrypto.node');
}
console.log(`built dist/main/{cli,electron,preload}.cjs (ssh2 crypto: ${existsSync(addon) ? 'native addon' : 'pure JS'})`);
