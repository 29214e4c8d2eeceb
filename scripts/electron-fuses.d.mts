import type { FuseV1Config } from '@electron/fuses';

export function fuseConfig(platform: string): FuseV1Config;
export function afterPack(context: {
  electronPlatformName: string;
  packager: { addElectronFuses(context: unknown, fuses: FuseV1Config): Promise<unknown> };
}): Promise<void>;
