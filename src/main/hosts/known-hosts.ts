import { createHmac, randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { access, appendFile, mkdir, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { keyTypeOf, sha256Fingerprint } from './keys';
import { matchPatternList } from './patterns';

// OpenSSH known_hosts(5): `[@marker] hosts keytype base64key [comment]`.
// hosts is a comma list of patterns (`*`, `?`, `!neg`, `[host]:port`) or one
// hashed name `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.

export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: 'revoked' | 'cert-authority';
  hosts: { kind: 'hashed'; salt: Buffer; hash: Buffer } | { kind: 'patterns'; patterns: string[] };
  keyType: string;
  blob: Buffer;
}

export type KnownHostsCheck =
  | { status: 'match'; file: string; line: number }
  | { status: 'mismatch'; file: string; line: number; knownKeyType: string; knownFingerprint: string }
  | { status: 'unknown'; otherKeyTypes: string[] }
  | { status: 'revoked'; file: string; line: number };

/** The name OpenSSH looks up: plain for port 22, `[host]:port` otherwise, lowercased. */
export function lookupName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

export function parseKnownHosts(text: string, file: string): { entries: KnownHostEntry[]; problems: string[] } {
  const entries: KnownHostEntry[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return void problems.push(`${file}:${i + 1}: unknown marker ${m}`);
    }
    const [hostsField, keyType, b64] = fields;
    if (!hostsField || !keyType || !b64) return void problems.push(`${file}:${i + 1}: expected hosts, key type and key`);
    const blob = Buffer.from(b64, 'base64');
    if (blob.length < 8 || blob.toString('base64').replace(/=+$/, '') !== b64.replace(/=+$/, '')) {
      return void problems.push(`${file}:${i + 1}: key is not valid base64`);
    }
    let hosts: KnownHostEntry['hosts'];
    if (hostsField.startsWith('|1|')) {
      const [, , salt, hash] = hostsField.split('|');
      if (!salt || !hash) return void problems.push(`${file}:${i + 1}: malformed hashed host name`);
      hosts = { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    } else {
      hosts = { kind: 'patterns', patterns: hostsField.split(',') };
    }
    entries.push({ file, line: i + 1, ...(marker ? { marker } : {}), hosts, keyType, blob });
  });
  return { entries, problems };
}

export function entryMatchesHost(entry: KnownHostEntry, name: string): boolean {
  if (entry.hosts.kind === 'hashed') {
    return createHmac('sha1', entry.hosts.salt).update(name).digest().equals(entry.hosts.hash);
  }
  return matchPatternList(name, entry.hosts.patterns, true) === 'match';
}

/** Decides on one offered key from parsed entries; revoked beats match beats mismatch. */
export function checkEntries(entries: readonly KnownHostEntry[], name: string, blob: Buffer): KnownHostsCheck {
  const offeredType = keyTypeOf(blob);
  let match: KnownHostsCheck | undefined;
  let mismatch: KnownHostsCheck | undefined;
  const otherTypes = new Set<string>();
  for (const e of entries) {
    if (e.marker === 'cert-authority' || !entryMatchesHost(e, name)) continue;
    const same = e.blob.equals(blob);
    if (e.marker === 'revoked') {
      if (same) return { status: 'revoked', file: e.file, line: e.line };
      continue;
    }
    let type = e.keyType;
    try {
      type = keyTypeOf(e.blob);
    } catch {
      // keep the type written on the line
    }
    if (same) match ??= { status: 'match', file: e.file, line: e.line };
    else if (type === offeredType)
      mismatch ??= { status: 'mismatch', file: e.file, line: e.line, knownKeyType: type, knownFingerprint: sha256Fingerprint(e.blob) };
    else otherTypes.add(type);
  }
  return match ?? mismatch ?? { status: 'unknown', otherKeyTypes: [...otherTypes] };
}

// Appends from several connections (and several KnownHosts instances) must not
// interleave inside one file.
const fileQueues = new Map<string, Promise<unknown>>();
function serialized<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const prev = fileQueues.get(file) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const tail = next.catch(() => undefined);
  fileQueues.set(file, tail);
  void tail.then(() => {
    if (fileQueues.get(file) === tail) fileQueues.delete(file);
  });
  return next;
}

export class KnownHosts {
  readonly paths: readonly string[];
  problems: string[] = [];

  constructor(paths: readonly string[]) {
    if (paths.length === 0) throw new Error('known_hosts: at least one file is needed');
    this.paths = paths;
  }

  /** Files are re-read on every check: users edit them by hand (ssh-keygen -R) while we run. */
  async entries(): Promise<KnownHostEntry[]> {
    const all: KnownHostEntry[] = [];
    const problems: string[] = [];
    for (const file of this.paths) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        // As ssh does: a file we cannot read adds nothing (and we say why).
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') problems.push(`${file}: ${(e as Error).message}`);
        continue;
      }
      const parsed = parseKnownHosts(text, file);
      all.push(...parsed.entries);
      problems.push(...parsed.problems);
    }
    this.problems = problems;
    return all;
  }

  /** keyType may be the negotiated algorithm (rsa-sha2-512); the blob's own type decides. */
  async check(host: string, port: number, keyType: string, keyBlob: Buffer): Promise<KnownHostsCheck> {
    assertKeyType(keyType, keyBlob);
    return checkEntries(await this.entries(), lookupName(host, port), keyBlob);
  }

  /**
   * Records an accepted key in the first file we can write (creating ~/.ssh
   * 0700 and the file 0600 as ssh does). Returns where it went.
   */
  async append(
    host: string,
    port: number,
    keyType: string,
    keyBlob: Buffer,
    opts: { hash?: boolean } = {},
  ): Promise<{ file: string; line: number }> {
    assertKeyType(keyType, keyBlob);
    const name = lookupName(host, port);
    const blobType = keyTypeOf(keyBlob);
    const text = `${opts.hash ? hashHostName(name) : name} ${blobType} ${keyBlob.toString('base64')}\n`;
    const errors: string[] = [];
    for (const file of this.paths) {
      try {
        return await serialized(file, async () => {
          const existing = await this.check(host, port, blobType, keyBlob);
          if (existing.status === 'match') return { file: existing.file, line: existing.line };
          await ensureWritable(file);
          const before = await readFile(file, 'utf8').catch(() => '');
          const sep = before !== '' && !before.endsWith('\n') ? '\n' : '';
          await appendFile(file, sep + text, { mode: 0o600 });
          return { file, line: (before + sep).split('\n').length };
        });
      } catch (e) {
        errors.push(`${file}: ${(e as Error).message}`);
      }
    }
    throw new Error(`cannot write any known_hosts file (${errors.join('; ')})`);
  }
}

async function ensureWritable(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    await access(file, fsc.W_OK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    // Create it 0600 up front so no other mode ever exists on disk.
    const fh = await open(file, 'a', 0o600);
    await fh.close();
  }
  if (!(await stat(file)).isFile()) throw new Error('not a regular file');
}

// RSA keys are negotiated as rsa-sha2-256/512 but stored as ssh-rsa.
function assertKeyType(keyType: string, blob: Buffer): void {
  const stored = /^rsa-sha2-(256|512)$/.test(keyType) ? 'ssh-rsa' : keyType.replace(/-cert-v01@openssh\.com$/, '');
  const inBlob = keyTypeOf(blob);
  if (stored !== inBlob) throw new Error(`key type ${keyType} does not match the key (${inBlob})`);
}
