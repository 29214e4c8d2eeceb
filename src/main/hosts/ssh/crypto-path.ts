// A default import: the module is CommonJS, and Node's ESM loader (tsx, tests)
// cannot see its exports by name.
import ssh2Crypto from 'ssh2/lib/protocol/crypto.js';

/**
 * Which code seals SSH packets in this process: ssh2's native addon (serve,
 * when the build put it next to the bundle) or its pure-JS path (the desktop
 * app, packaged without it, or no compiler at install). Said at start:
 * it is worth ~0.7 s of main-thread CPU per GiB transferred (docs/uploads.md).
 */
export const sshCryptoPath = (): string => (ssh2Crypto.bindingAvailable ? 'native addon' : 'pure JS');
