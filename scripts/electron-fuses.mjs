// Electron fuses for packaged builds, flipped by electron-builder's afterPack
// hook (before signing, which must cover the flipped binary). Fuses are bits
// in the Electron binary that switch features off for good; a packaged
// VirtDeck never needs any of these.
//
// strictlyRequireAllFuses: an Electron upgrade that adds a fuse fails the
// build until someone decides it here, instead of shipping its default.
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/** @param {string} platform electron-builder's electronPlatformName (darwin, mas, win32, linux) */
export function fuseConfig(platform) {
  return {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    // Flipping fuses breaks the ad-hoc signature of an unsigned macOS arm64 binary; re-sign it ad hoc.
    resetAdHocDarwinSignature: platform === 'darwin' || platform === 'mas',
    // ELECTRON_RUN_AS_NODE would turn the signed app into a plain Node interpreter for anyone.
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    // NODE_OPTIONS (--require …) and --inspect would let another local program inject code into the main process.
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    // Load only app.asar, and only if it matches the hash embedded at build time (macOS, Windows).
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    // Kept on: the UI is loaded from file:// and its ES modules need Electron's file:// privileges.
    // The page's CSP (index.html) and the navigation guards (src/main/electron/hardening.ts) fence it.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
    [FuseV1Options.WasmTrapHandlers]: true,
  };
}

/** electron-builder afterPack hook (electron-builder.yml: afterPack). */
export async function afterPack(context) {
  await context.packager.addElectronFuses(context, fuseConfig(context.electronPlatformName));
}
