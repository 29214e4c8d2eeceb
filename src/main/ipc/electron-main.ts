// The only main-side file that touches Electron's ipcMain (boundary rule).
import { ipcMain } from 'electron';
import type { EventBus } from './bus';
import { ElectronAdapter } from './electron-adapter';
import type { HandlerRegistry } from './registry';
import type { Logger } from '../util/log';

export function attachElectronIpc(registry: HandlerRegistry, bus: EventBus, isTrustedUrl: (url: string) => boolean, log: Logger): ElectronAdapter {
  return new ElectronAdapter(ipcMain, registry, bus, isTrustedUrl, log);
}
