import os from 'node:os';
import path from 'node:path';

/** Where the core keeps hosts, history and known state; VIRTDECK_CONFIG_DIR wins. */
export function defaultConfigDir(): string {
  if (process.env.VIRTDECK_CONFIG_DIR) return process.env.VIRTDECK_CONFIG_DIR;
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'VirtDeck');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'VirtDeck');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'virtdeck');
}
