import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafeStorageSecretStore, type SafeStorageLike } from './safe-secrets';

// Stand-in for Electron's safeStorage (the Electron binary can't run here): a
// reversible transform is enough to check we only ever persist ciphertext.
const fakeSafe = (available: boolean, backend?: string): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
  encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).toString('hex')}`),
  decryptString: (b) => {
    const t = b.toString();
    if (!t.startsWith('enc:')) throw new Error('not ours');
    return Buffer.from(t.slice(4), 'hex').toString();
  },
});

describe('SafeStorageSecretStore', () => {
  it('persists only ciphertext and reads it back in a new instance', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-sec-'));
    const a = new SafeStorageSecretStore(fakeSafe(true, 'gnome_libsecret'), dir, undefined, 'linux');
    expect(a.remembers()).toEqual({ persistent: true, note: 'Saved encrypted by the system keychain' });
    await a.set('ssh-password:root@h:22', 'hunter2 "quoted"');
    const raw = readFileSync(path.join(dir, 'secrets.json'), 'utf8');
    expect(raw).not.toContain('hunter2');
    const b = new SafeStorageSecretStore(fakeSafe(true), dir);
    expect(await b.get('ssh-password:root@h:22')).toBe('hunter2 "quoted"');
    await b.delete('ssh-password:root@h:22');
    expect(await new SafeStorageSecretStore(fakeSafe(true), dir).get('ssh-password:root@h:22')).toBeUndefined();
  });

  it('keeps secrets in memory only when the OS offers no encryption', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-sec-'));
    const s = new SafeStorageSecretStore(fakeSafe(false), dir);
    await s.set('k', 'v');
    expect(await s.get('k')).toBe('v');
    expect(existsSync(path.join(dir, 'secrets.json'))).toBe(false);
  });

  it('refuses to persist with the basic_text backend (a fixed key), keeps secrets in memory, and says why once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-sec-'));
    const warned: string[] = [];
    const s = new SafeStorageSecretStore(fakeSafe(true, 'basic_text'), dir, { warn: (m) => warned.push(m) }, 'linux');
    expect(s.remembers()).toMatchObject({ persistent: false, note: expect.stringMatching(/^Kept in memory until VirtDeck quits: .*"basic_text"/) });
    await s.set('ssh-password:root@h:22', 'hunter2');
    await s.set('ssh-password:root@h2:22', 'hunter3');
    expect(await s.get('ssh-password:root@h:22')).toBe('hunter2');
    expect(existsSync(path.join(dir, 'secrets.json'))).toBe(false);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/stay in memory only: .*basic_text.*GNOME Keyring or KWallet/);
    // 'unknown' is no better; other platforms have no such backend question.
    expect(new SafeStorageSecretStore(fakeSafe(true, 'unknown'), dir, undefined, 'linux').remembers().persistent).toBe(false);
    expect(new SafeStorageSecretStore(fakeSafe(true, 'basic_text'), dir, undefined, 'darwin').remembers().persistent).toBe(true);
  });
});
