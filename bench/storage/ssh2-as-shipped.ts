// ssh2 as `virtdeck serve` ships it. The bundle (dist/main) loads ssh2's
// optional native crypto addon from dist/main/crypto/build/Release/, where
// the build copies it when npm could compile it (scripts/build-main.mjs);
// otherwise ssh2 seals every packet in pure JS (a Node cipher per packet).
// The benches run the sources (tsx), whose ssh2 would find the addon in
// node_modules either way, so this mirrors the build: native only when the
// bundle has it. VIRTDECK_BENCH_SSH2_NATIVE=0 or 1 forces either path (the
// Electron app, packaged without the addon, runs the pure-JS one).
// Imported first by each bench: it must run before anything loads ssh2.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const forced = process.env.VIRTDECK_BENCH_SSH2_NATIVE;
const shipped = existsSync(path.join(ROOT, 'dist/main/crypto/build/Release/sshcrypto.node'));
const native = forced === undefined || forced === '' ? shipped : forced === '1';

if (!native) {
  const load = Module._load;
  Module._load = function (this: unknown, request: string, ...rest: unknown[]) {
    if (String(request).endsWith('sshcrypto.node')) throw new Error('the pure-JS path was chosen for this run');
    return load.call(this, request, ...rest);
  };
}

/** What ssh2 encrypts with in this run, and why. */
export function ssh2Crypto(): string {
  const { bindingAvailable } = require('ssh2/lib/protocol/crypto.js') as { bindingAvailable: boolean };
  const why = forced ? `VIRTDECK_BENCH_SSH2_NATIVE=${forced}` : shipped ? 'as the serve bundle ships it' : 'as the bundle ships it (npm built no addon)';
  return `${bindingAvailable ? 'native addon' : 'pure JS'} (${why})`;
}
