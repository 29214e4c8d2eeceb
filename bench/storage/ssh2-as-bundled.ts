// The app ships bundled (esbuild, dist/main), and the bundle cannot load
// ssh2's optional native crypto addon: its require('./crypto/build/Release/
// sshcrypto.node') is resolved next to dist/main/*.cjs, where no addon is.
// So the app encrypts with ssh2's pure-JS path (a Node cipher per packet),
// and this bench measures that too, unless VIRTDECK_BENCH_SSH2_NATIVE=1
// (then ssh2 uses the addon when node_modules has it built).
// Imported first by main.ts: it must run before anything loads ssh2.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };

if (!process.env.VIRTDECK_BENCH_SSH2_NATIVE) {
  const load = Module._load;
  Module._load = function (this: unknown, request: string, ...rest: unknown[]) {
    if (String(request).endsWith('sshcrypto.node')) throw new Error('not loadable from the bundle');
    return load.call(this, request, ...rest);
  };
}

/** What ssh2 encrypts with in this run. */
export function ssh2Crypto(): string {
  const { bindingAvailable } = require('ssh2/lib/protocol/crypto.js') as { bindingAvailable: boolean };
  return bindingAvailable ? 'native addon (VIRTDECK_BENCH_SSH2_NATIVE=1)' : 'pure JS, as in the bundled app';
}
