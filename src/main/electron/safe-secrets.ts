import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Remember } from '../../shared/model/host';
import type { SecretStore } from '../hosts/secrets';
import { MemorySecretStore } from '../hosts/secrets';

/** The slice of Electron's safeStorage we use (structural, for tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
  /** Linux only: which keyring safeStorage uses. */
  getSelectedStorageBackend?(): string;
}

/**
 * Whether safeStorage protects anything, and if not, why (for the log and the
 * prompt). On Linux without a keyring Electron falls back to 'basic_text':
 * encryptString then uses a fixed, public key, which is plain text with extra
 * steps, so we refuse to write secrets with it.
 */
export function keychainVerdict(safe: SafeStorageLike, platform: NodeJS.Platform = process.platform): { usable: true } | { usable: false; why: string } {
  if (!safe.isEncryptionAvailable()) return { usable: false, why: 'the system keychain is not available' };
  if (platform === 'linux' && safe.getSelectedStorageBackend) {
    const backend = safe.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') {
      return {
        usable: false,
        why: `no keyring VirtDeck can use was found (Electron's safeStorage backend is "${backend}", a fixed key that would protect nothing on disk); start GNOME Keyring or KWallet to remember passwords across restarts`,
      };
    }
  }
  return { usable: true };
}

/**
 * Secrets encrypted by the OS keychain (DPAPI, Keychain, libsecret/KWallet)
 * through Electron's safeStorage, stored as ciphertext in secrets.json. When
 * the keychain is missing or is only basic_text, remembered secrets stay in
 * memory for this run: we never write a password in plain text, nor under a
 * key everyone knows.
 */
export class SafeStorageSecretStore implements SecretStore {
  private readonly file: string;
  private cache: Record<string, string> | undefined;
  private readonly fallback = new MemorySecretStore();
  private warned = false;

  constructor(
    private readonly safe: SafeStorageLike,
    configDir: string,
    private readonly log: { warn(m: string): void } = { warn() {} },
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.file = path.join(configDir, 'secrets.json');
  }

  // Asked each time: safeStorage is only settled once the app is ready, and a keyring may be unlocked later.
  private get persistent(): boolean {
    const v = keychainVerdict(this.safe, this.platform);
    if (!v.usable && !this.warned) {
      this.warned = true;
      this.log.warn(`remembered passwords stay in memory only: ${v.why}`);
    }
    return v.usable;
  }

  remembers(): Remember {
    const v = keychainVerdict(this.safe, this.platform);
    return v.usable
      ? { persistent: true, note: 'Saved encrypted by the system keychain' }
      : { persistent: false, note: `Kept in memory until VirtDeck quits: ${v.why}` };
  }

  private async load(): Promise<Record<string, string>> {
    if (this.cache) return this.cache;
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(this.file, 'utf8'));
      this.cache = parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch {
      this.cache = {};
    }
    return this.cache;
  }

  private async save(data: Record<string, string>): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(data), { mode: 0o600 });
    await fs.rename(tmp, this.file);
  }

  async get(key: string): Promise<string | undefined> {
    if (!this.persistent) return this.fallback.get(key);
    const c = (await this.load())[key];
    if (c === undefined) return undefined;
    try {
      return this.safe.decryptString(Buffer.from(c, 'base64'));
    } catch {
      // Encrypted by another OS user or keychain: unusable, ask again.
      return undefined;
    }
  }

  async set(key: string, value: string): Promise<void> {
    if (!this.persistent) return this.fallback.set(key, value);
    const data = { ...(await this.load()), [key]: this.safe.encryptString(value).toString('base64') };
    this.cache = data;
    await this.save(data);
  }

  async delete(key: string): Promise<void> {
    await this.fallback.delete(key);
    if (!this.persistent) return;
    const data = { ...(await this.load()) };
    if (!(key in data)) return;
    delete data[key];
    this.cache = data;
    await this.save(data);
  }
}
