import { readFileSync } from 'node:fs';
import { FuseV1Options } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { afterPack, fuseConfig } from './electron-fuses.mjs';

// The Electron binary is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD),
// so flipFuses cannot run: this checks the configuration we hand it, and
// that electron-builder is told to run the hook.

describe('Electron fuses', () => {
  it('turns off RunAsNode, NODE_OPTIONS and --inspect, and turns on asar integrity', () => {
    const c = fuseConfig('linux') as Record<number, boolean>;
    expect(c[FuseV1Options.RunAsNode]).toBe(false);
    expect(c[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(c[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(c[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(c[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
  });

  it('decides every fuse @electron/fuses knows, and requires that of future ones', () => {
    const c = fuseConfig('win32') as Record<string, unknown>;
    expect(c.strictlyRequireAllFuses).toBe(true);
    const known = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number');
    for (const fuse of known) expect(typeof c[fuse], FuseV1Options[fuse]).toBe('boolean');
  });

  it('re-signs ad hoc only on macOS', () => {
    expect(fuseConfig('darwin').resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig('linux').resetAdHocDarwinSignature).toBe(false);
  });

  it('is wired as electron-builder’s afterPack hook, with the packaged platform', async () => {
    expect(readFileSync(new URL('../electron-builder.yml', import.meta.url), 'utf8')).toMatch(/^afterPack: \.\/scripts\/electron-fuses\.mjs$/m);
    const calls: unknown[] = [];
    await afterPack({ electronPlatformName: 'darwin', packager: { addElectronFuses: async (_ctx, fuses) => void calls.push(fuses) } });
    expect(calls).toEqual([fuseConfig('darwin')]);
  });
});
