import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyTypeOf, sha256Fingerprint } from './keys';
import { KnownHosts, hashHostName, lookupName, parseKnownHosts } from './known-hosts';

// Real keys from ssh-keygen, real hashing by `ssh-keygen -H`, and `ssh-keygen
// -F` / `-l` as oracles for lookups and fingerprints.
const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-kh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeKey(name: string, type: string): { line: string; blob: Buffer; fp: string; type: string } {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', file]);
  const line = readFileSync(`${file}.pub`, 'utf8').trim();
  const [kt, b64] = line.split(' ') as [string, string];
  const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`]).toString().split(' ')[1] as string;
  return { line: `${kt} ${b64}`, blob: Buffer.from(b64, 'base64'), fp, type: kt };
}

const ed = makeKey('ed', 'ed25519');
const ed2 = makeKey('ed2', 'ed25519');
const rsa = makeKey('rsa', 'rsa');
const ecdsa = makeKey('ecdsa', 'ecdsa');

function khFile(name: string, lines: string[]): string {
  const f = path.join(dir, name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

describe('keys', () => {
  it('fingerprints match ssh-keygen -l', () => {
    for (const k of [ed, rsa, ecdsa]) expect(sha256Fingerprint(k.blob)).toBe(k.fp);
  });
  it('reads the key type from the blob', () => {
    expect(keyTypeOf(ed.blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(rsa.blob)).toBe('ssh-rsa');
    expect(keyTypeOf(ecdsa.blob)).toBe('ecdsa-sha2-nistp256');
  });
});

describe('KnownHosts.check', () => {
  const file = khFile('plain', [
    '# 10.77.0.11:22 SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3', // ssh-keyscan's comment
    `10.77.0.11 ${ed.line}`,
    `[10.77.0.11]:2222 ${rsa.line}`,
    `alpha,beta.example,10.0.0.5 ${ed.line}`,
    `*.example.com,!evil.example.com ${ecdsa.line}`,
    `Mixed.Case.ORG ${ed.line} with a comment`,
    `web?.lab ${ed.line}`,
    `changed.lab ${ed2.line}`,
    `typed.lab ${rsa.line}`,
    `@cert-authority *.lab ${ed.line}`,
    `garbage-line`,
  ]);
  const kh = new KnownHosts([file]);

  it('plain names, with file and line', async () => {
    expect(await kh.check('10.77.0.11', 22, 'ssh-ed25519', ed.blob)).toEqual({ status: 'match', file, line: 2 });
  });
  it('[host]:port entries apply to that port only', async () => {
    expect(await kh.check('10.77.0.11', 2222, 'rsa-sha2-512', rsa.blob)).toMatchObject({ status: 'match', line: 3 });
    expect(await kh.check('10.77.0.11', 22, 'ssh-rsa', rsa.blob)).toEqual({ status: 'unknown', otherKeyTypes: ['ssh-ed25519'] });
    expect(await kh.check('10.77.0.11', 2200, 'ssh-ed25519', ed.blob)).toMatchObject({ status: 'unknown' });
  });
  it('comma lists, wildcards, negation, case', async () => {
    expect(await kh.check('beta.example', 22, 'ssh-ed25519', ed.blob)).toMatchObject({ status: 'match', line: 4 });
    expect(await kh.check('db.example.com', 22, ecdsa.type, ecdsa.blob)).toMatchObject({ status: 'match', line: 5 });
    expect(await kh.check('evil.example.com', 22, ecdsa.type, ecdsa.blob)).toMatchObject({ status: 'unknown' });
    expect(await kh.check('mixed.case.org', 22, 'ssh-ed25519', ed.blob)).toMatchObject({ status: 'match', line: 6 });
    expect(await kh.check('web1.lab', 22, 'ssh-ed25519', ed.blob)).toMatchObject({ status: 'match', line: 7 });
    expect(await kh.check('web10.lab', 22, 'ssh-ed25519', ed.blob)).toMatchObject({ status: 'unknown' });
  });
  it('a different key of the same type is a mismatch naming the known fingerprint', async () => {
    expect(await kh.check('changed.lab', 22, 'ssh-ed25519', ed.blob)).toEqual({
      status: 'mismatch',
      file,
      line: 8,
      knownKeyType: 'ssh-ed25519',
      knownFingerprint: ed2.fp,
    });
  });
  it('a key of another type only is unknown, not a mismatch', async () => {
    expect(await kh.check('typed.lab', 22, 'ssh-ed25519', ed.blob)).toEqual({ status: 'unknown', otherKeyTypes: ['ssh-rsa'] });
  });
  it('skips @cert-authority lines and reports bad lines', async () => {
    expect(await kh.check('other.lab', 22, 'ssh-ed25519', ed.blob)).toMatchObject({ status: 'unknown' });
    expect(kh.problems.join('\n')).toMatch(/plain:11: expected hosts/);
  });
  it('@revoked refuses even a key listed as good', async () => {
    const f = khFile('revoked', [`10.77.0.11 ${ed.line}`, `@revoked * ${ed.line}`]);
    expect(await new KnownHosts([f]).check('10.77.0.11', 22, 'ssh-ed25519', ed.blob)).toEqual({ status: 'revoked', file: f, line: 2 });
  });
  it('rejects a key type that contradicts the blob', async () => {
    await expect(kh.check('x', 22, 'ssh-rsa', ed.blob)).rejects.toThrow(/does not match/);
  });
  it('looks through every file in order', async () => {
    const a = khFile('a', [`one ${ed.line}`]);
    const b = khFile('b', [`two ${ed.line}`]);
    expect(await new KnownHosts([a, b, path.join(dir, 'missing')]).check('two', 22, 'ssh-ed25519', ed.blob)).toEqual({
      status: 'match',
      file: b,
      line: 1,
    });
  });
});

describe('hashed entries from ssh-keygen -H', () => {
  const file = khFile('hashed', [`10.77.0.12 ${ed.line}`, `[10.77.0.12]:2022 ${rsa.line}`, `lab-2,10.77.0.99 ${ecdsa.line}`]);
  execFileSync('ssh-keygen', ['-q', '-H', '-f', file]);
  const kh = new KnownHosts([file]);
  const text = readFileSync(file, 'utf8');

  it('really hashed every name', () => {
    expect(text).not.toMatch(/10\.77|lab-2/);
    expect(parseKnownHosts(text, file).entries.every((e) => e.hosts.kind === 'hashed')).toBe(true);
  });
  it('finds the hosts', async () => {
    expect(await kh.check('10.77.0.12', 22, 'ssh-ed25519', ed.blob)).toMatchObject({ status: 'match' });
    expect(await kh.check('10.77.0.12', 2022, 'ssh-rsa', rsa.blob)).toMatchObject({ status: 'match' });
    expect(await kh.check('lab-2', 22, ecdsa.type, ecdsa.blob)).toMatchObject({ status: 'match' });
    expect(await kh.check('10.77.0.99', 22, ecdsa.type, ecdsa.blob)).toMatchObject({ status: 'match' });
    expect(await kh.check('10.77.0.13', 22, 'ssh-ed25519', ed.blob)).toMatchObject({ status: 'unknown' });
    expect(await kh.check('10.77.0.12', 22, 'ssh-ed25519', ed2.blob)).toMatchObject({ status: 'mismatch', knownFingerprint: ed.fp });
  });
  it('our hashing is what ssh-keygen -F finds', () => {
    const f = khFile('ours-hashed', [`${hashHostName(lookupName('Host.Example', 2200))} ${ed.line}`]);
    const out = execFileSync('ssh-keygen', ['-F', '[host.example]:2200', '-f', f]).toString();
    expect(out).toMatch(/found: line 1/);
  });
});

describe('KnownHosts.append', () => {
  it('creates ~/.ssh 0700 and the file 0600, then the key matches', async () => {
    const f = path.join(dir, 'new-home', '.ssh', 'known_hosts');
    const kh = new KnownHosts([f]);
    expect(await kh.append('10.77.0.11', 22, 'ssh-ed25519', ed.blob)).toEqual({ file: f, line: 1 });
    expect(statSync(path.dirname(f)).mode & 0o777).toBe(0o700);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(await kh.append('10.77.0.11', 2222, 'rsa-sha2-256', rsa.blob)).toEqual({ file: f, line: 2 });
    expect(readFileSync(f, 'utf8')).toBe(`10.77.0.11 ${ed.line}\n[10.77.0.11]:2222 ${rsa.line}\n`);
    expect(await kh.check('10.77.0.11', 2222, 'ssh-rsa', rsa.blob)).toEqual({ status: 'match', file: f, line: 2 });
    // ssh itself reads what we wrote
    expect(execFileSync('ssh-keygen', ['-F', '[10.77.0.11]:2222', '-f', f]).toString()).toMatch(/found: line 2/);
  });
  it('does not duplicate a known key and fixes a missing final newline', async () => {
    const f = path.join(dir, 'no-newline');
    writeFileSync(f, `a ${ed.line}`);
    const kh = new KnownHosts([f]);
    expect(await kh.append('a', 22, 'ssh-ed25519', ed.blob)).toEqual({ file: f, line: 1 });
    expect(await kh.append('b', 22, 'ssh-ed25519', ed.blob, { hash: true })).toEqual({ file: f, line: 2 });
    expect(readFileSync(f, 'utf8').split('\n')[1]).toMatch(/^\|1\|/);
    expect(await kh.check('b', 22, 'ssh-ed25519', ed.blob)).toMatchObject({ status: 'match', line: 2 });
  });
  it('skips files it cannot write and uses the next', async () => {
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, '');
    const second = path.join(dir, 'second', 'known_hosts');
    const kh = new KnownHosts([path.join(blocker, 'known_hosts'), second]);
    expect(await kh.append('c', 22, 'ssh-ed25519', ed.blob)).toEqual({ file: second, line: 1 });
  });
  it('serializes concurrent appends', async () => {
    const f = path.join(dir, 'concurrent');
    const kh = new KnownHosts([f]);
    await Promise.all(['h1', 'h2', 'h3', 'h4', 'h5'].map((h) => kh.append(h, 22, 'ssh-ed25519', ed.blob)));
    expect(readFileSync(f, 'utf8').trim().split('\n')).toHaveLength(5);
  });
});
