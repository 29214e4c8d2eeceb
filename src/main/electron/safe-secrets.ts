import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SecretStore } from '../hosts/secrets';
import { MemorySecretStore } from '../hosts/secrets';

/** The slice of Electron's safeStorage we use (structural, for tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
}

/**
 * Secrets encrypted by the OS keychain (DPAPI, Keychain, libsecret) through
 * Electron's safeStorage, stored as ciphertext in secrets.json. When the OS
 * offers no encryption, secrets stay in memory for this run only: we never
 * write a password in plain text.
 */
export class SafeStorageSecretStore implements SecretStore {
  private readonly file: string;
  private cache: Record<string, string> | undefined;
  private readonly fallback = new MemorySecretStore();

  constructor(
    private readonly safe: SafeStorageLike,
    configDir: string,
  ) {
    this.file = path.join(configDir, 'secrets.json');
  }

  private get persistent(): boolean {
    return this.safe.isEncryptionAvailable();
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
