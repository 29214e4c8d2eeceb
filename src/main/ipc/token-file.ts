import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isWellFormedToken } from '../../shared/ipc/access';
import { newToken } from './auth';

/**
 * A long-lived token kept in a file (the Prometheus scrape token): the same
 * across restarts, so a scraper's `credentials_file` keeps working. Made with
 * mode 0600 when missing and `create` is set.
 */
export async function tokenFromFile(file: string, opts: { create: boolean }): Promise<string> {
  let text: string | null = null;
  try {
    text = (await fs.readFile(file, 'utf8')).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !opts.create) throw new Error(`cannot read the token file ${file}: ${(e as Error).message}`);
  }
  if (text !== null) {
    if (!isWellFormedToken(text)) throw new Error(`the token file ${file} must hold 16-256 characters of A-Z a-z 0-9 _ - (e.g. from \`openssl rand -base64 32 | tr '+/' '-_' | tr -d =\`)`);
    return text;
  }
  const token = newToken();
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.writeFile(file, token + '\n', { mode: 0o600, flag: 'wx' });
  return token;
}
