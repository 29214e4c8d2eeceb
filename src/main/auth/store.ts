import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AccountSchema } from '../../shared/model/account';
import { writeFileAtomic } from '../util/atomic-file';

// `<config-dir>/accounts.json` (mode 0600): serve's team accounts with their
// password hashes. Both `serve` and the `virtdeck accounts` CLI write it, so
// every change re-reads the file first and replaces it atomically, and a
// running serve notices changes made by the CLI (refresh()).

/** An account as kept on disk: what the UI sees (less the live session count), plus the hash. */
export const StoredAccountSchema = AccountSchema.omit({ sessions: true }).extend({
  hash: z.string(),
  /** Set by `virtdeck accounts logout`: a running serve ends the account's sessions when it changes. */
  loggedOutAt: z.number().optional(),
});
export type StoredAccount = z.infer<typeof StoredAccountSchema>;

const FileSchema = z.object({ version: z.literal(1), accounts: z.array(StoredAccountSchema) });

/** What makes sessions of an account stale when it changes (lastLoginAt doesn't). */
const rights = (a: StoredAccount) => JSON.stringify([a.role, a.hosts, a.tags, a.disabled, a.hash, a.loggedOutAt ?? 0]);

export class AccountStore {
  readonly file: string;
  private accounts: StoredAccount[] = [];
  private stamp = '';
  private queue: Promise<unknown> = Promise.resolve();

  constructor(configDir: string) {
    this.file = path.join(configDir, 'accounts.json');
  }

  /** Reads the file when it changed on disk; returns the accounts whose rights changed or that went away. */
  async refresh(): Promise<string[]> {
    const st = await stat(this.file).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    const stamp = st ? `${st.mtimeMs}:${st.size}:${st.ino}` : 'none';
    if (stamp === this.stamp) return [];
    const next = st ? await this.read() : [];
    const changed = changedNames(this.accounts, next);
    this.accounts = next;
    this.stamp = stamp;
    return changed;
  }

  all(): readonly StoredAccount[] {
    return this.accounts;
  }

  get(name: string): StoredAccount | undefined {
    return this.accounts.find((a) => a.name === name);
  }

  /**
   * Changes the accounts: re-reads the file, applies `change` to a copy,
   * writes it atomically. `change` may throw to refuse (nothing is written).
   * Returns the accounts whose rights changed (theirs sessions must end).
   */
  mutate<T>(change: (accounts: StoredAccount[]) => T): Promise<{ result: T; changed: string[] }> {
    const run = async () => {
      await this.refresh();
      const before = this.accounts;
      const copy = before.map((a) => ({ ...a, hosts: [...a.hosts], tags: [...a.tags] }));
      const result = change(copy);
      await writeFileAtomic(this.file, JSON.stringify({ version: 1, accounts: copy }, null, 1) + '\n');
      this.accounts = copy;
      const st = await stat(this.file);
      this.stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
      return { result, changed: changedNames(before, copy) };
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<StoredAccount[]> {
    const text = await readFile(this.file, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`${this.file} is not valid JSON (${(e as Error).message}); fix or remove it`);
    }
    const parsed = FileSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${this.file} is damaged: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data.accounts;
  }
}

function changedNames(before: readonly StoredAccount[], after: readonly StoredAccount[]): string[] {
  const now = new Map(after.map((a) => [a.name, rights(a)]));
  return before.filter((a) => now.get(a.name) !== rights(a)).map((a) => a.name);
}
