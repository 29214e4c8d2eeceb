import type { Remember } from '../../shared/model/host';

// Where passwords and key passphrases live between connections, and only
// those the user asked to "Remember". The core only sees this interface:
// Electron injects one backed by safeStorage (encrypted by the OS keychain);
// serve mode uses MemorySecretStore, which forgets everything when the
// process ends. Nothing here ever writes plain text to disk.
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Where a remembered secret would be kept, shown beside the prompt's "Remember" box. */
  remembers(): Remember;
}

export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();

  constructor(private readonly note = 'Kept in memory until VirtDeck stops; never written to disk') {}

  remembers(): Remember {
    return { persistent: false, note: this.note };
  }

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }

  get size(): number {
    return this.values.size;
  }
}

/** Secret keys are per SSH endpoint, so a jump host shared by hosts asks once. */
export const secretKeys = {
  password: (user: string, hostname: string, port: number) => `ssh-password:${user}@${hostname}:${port}`,
  passphrase: (keyFile: string) => `ssh-passphrase:${keyFile}`,
};
