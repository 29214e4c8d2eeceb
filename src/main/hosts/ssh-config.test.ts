import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SshConfig, type ResolvedSshHost } from './ssh-config';
import { parseProxyJump, tokenize } from './ssh-config-syntax';

const fixtures = path.join(__dirname, 'fixtures', 'ssh');
const opts = { home: '/home/ann', localUser: 'ann' };

// The real ssh client is the oracle: `ssh -G` prints the configuration it
// would use, so our resolver must agree with it on every field we read.
function sshG(file: string, host: string): Record<string, string[]> {
  const out = execFileSync('ssh', ['-G', '-F', file, host], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  const map: Record<string, string[]> = {};
  for (const line of out.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const key = line.slice(0, sp).toLowerCase();
    (map[key] ??= []).push(line.slice(sp + 1));
  }
  return map;
}

const jumpText = (r: ResolvedSshHost) =>
  r.proxyJump.map((j) => `${j.user ? `${j.user}@` : ''}${j.host}${j.port ? `:${j.port}` : ''}`).join(',');

describe('SshConfig agrees with ssh -G', () => {
  const file = path.join(fixtures, 'config-basic');
  const cfg = SshConfig.load(file, opts);
  it.each(['kvm1', 'kvm-a', 'kvm-legacy', 'behind', 'noproxy', 'q1', 'matchme', 'other', 'KVM1', 'bastion.example'])(
    '%s',
    (host) => {
      const want = sshG(file, host);
      const got = cfg.resolve(host);
      expect(got.hostname).toBe(want.hostname?.[0]);
      expect(String(got.port)).toBe(want.port?.[0]);
      if (got.user !== undefined) expect(got.user).toBe(want.user?.[0]);
      expect(got.identityFiles).toEqual(want.identityfile);
      expect(jumpText(got)).toBe(want.proxyjump?.[0] ?? '');
    },
  );

  it('first obtained value wins; IdentityFile accumulates', () => {
    const f = path.join(fixtures, 'config-first-wins');
    const got = SshConfig.load(f, opts).resolve('alpha');
    const want = sshG(f, 'alpha');
    expect(got.port).toBe(1111);
    expect(String(got.port)).toBe(want.port?.[0]);
    expect(got.hostname).toBe('alpha.example');
    expect(got.identityFiles).toEqual(['/keys/a1', '/keys/a2']);
    expect(got.identityFiles).toEqual(want.identityfile);
  });
});

describe('SshConfig details', () => {
  it('expands ~ and %-tokens in IdentityFile', () => {
    const cfg = SshConfig.parse('Host h\n  User bob\n  IdentityFile ~/.ssh/id_%h_%r\n  IdentityFile %d/k_%u', opts);
    expect(cfg.resolve('h').identityFiles).toEqual(['/home/ann/.ssh/id_h_bob', '/home/ann/k_ann']);
  });

  it('reports what was specified and defaults the rest', () => {
    const r = SshConfig.parse('Host x\n  Port 2200', opts).resolve('y');
    expect(r).toMatchObject({ hostname: 'y', port: 22, user: undefined, identityFiles: [], proxyJump: [] });
    expect(r.specified).toEqual({ hostname: false, port: false, user: false, identityFiles: false, proxyJump: false });
    expect(SshConfig.parse('Host x\n  Port 2200', opts).resolve('x').specified.port).toBe(true);
  });

  it('ProxyJump none as the first value disables later ones', () => {
    const cfg = SshConfig.parse('Host a\n ProxyJump none\nHost *\n ProxyJump j', opts);
    expect(cfg.resolve('a').proxyJump).toEqual([]);
    expect(cfg.resolve('b').proxyJump).toEqual([{ host: 'j' }]);
  });

  it('ignores Match criteria it cannot evaluate, with a warning', () => {
    const cfg = SshConfig.parse('Match exec "true"\n HostName never\nMatch !host foo all\n Port 9', opts);
    expect(cfg.resolve('a')).toMatchObject({ hostname: 'a', port: 9 });
    expect(cfg.warnings.join('\n')).toMatch(/Match exec is not supported/);
  });

  it('lists aliases without wildcards', () => {
    expect(SshConfig.load(path.join(fixtures, 'config-basic'), opts).aliases()).toEqual(
      expect.arrayContaining(['kvm1', 'kvm-legacy', 'behind', 'quoted name', 'bastion.example']),
    );
  });

  it('a missing file is an empty config', () => {
    expect(SshConfig.load('/nonexistent/config', opts).resolve('h').hostname).toBe('h');
  });
});

describe('Include', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'vd-sshcfg-'));
  const dotSsh = path.join(home, '.ssh');
  mkdirSync(path.join(dotSsh, 'conf.d'), { recursive: true });
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  writeFileSync(path.join(dotSsh, 'conf.d', '10-a.conf'), 'Host a\n  HostName a.from-include\n');
  writeFileSync(path.join(dotSsh, 'conf.d', '20-b.conf'), 'Host b\n  HostName b.from-include\nHost *\n  User inc\n');
  writeFileSync(path.join(dotSsh, 'conf.d', 'skip.txt'), 'Host a\n  HostName wrong\n');
  writeFileSync(path.join(dotSsh, 'late'), 'Host *\n  Port 2222\n');
  const main = path.join(dotSsh, 'config');
  writeFileSync(
    main,
    [
      'Include conf.d/*.conf', // relative to ~/.ssh
      'Host c',
      '  Include ~/.ssh/late', // only applies to c
      'Host a',
      '  HostName too-late',
      'Host *',
      '  User fallback',
    ].join('\n'),
  );
  const cfg = SshConfig.load(main, { home, localUser: 'ann' });

  it('reads globbed files relative to ~/.ssh, in order, before later sections', () => {
    expect(cfg.resolve('a').hostname).toBe('a.from-include');
    expect(cfg.resolve('b')).toMatchObject({ hostname: 'b.from-include', user: 'inc' });
  });

  it('an Include inside a section applies only when that section does', () => {
    expect(cfg.resolve('c').port).toBe(2222);
    expect(cfg.resolve('d').port).toBe(22);
  });

  it('matches ssh -G for absolute includes', () => {
    const abs = path.join(home, 'abs-config');
    writeFileSync(abs, `Include ${path.join(dotSsh, 'conf.d')}/*.conf\nHost c\n Include ${path.join(dotSsh, 'late')}\n`);
    const mine = SshConfig.load(abs, { home, localUser: 'ann' });
    for (const h of ['a', 'b', 'c', 'd']) {
      const want = sshG(abs, h);
      expect(mine.resolve(h).hostname, h).toBe(want.hostname?.[0]);
      expect(String(mine.resolve(h).port), h).toBe(want.port?.[0]);
    }
  });
});

describe('syntax', () => {
  it('tokenizes keyword forms, quotes and trailing comments', () => {
    expect(tokenize('  HostName = example.com ')).toEqual(['HostName', 'example.com']);
    expect(tokenize('Port=22')).toEqual(['Port', '22']);
    expect(tokenize('IdentityFile "/a b/key" # mine')).toEqual(['IdentityFile', '/a b/key']);
    expect(tokenize('# comment')).toEqual([]);
    expect(tokenize('')).toEqual([]);
  });

  it('parses ProxyJump chains', () => {
    expect(parseProxyJump('a,u@b:2200,ssh://v@c:22,[fe80::1]:2022,w@[::1]')).toEqual([
      { host: 'a' },
      { host: 'b', user: 'u', port: 2200 },
      { host: 'c', user: 'v', port: 22 },
      { host: 'fe80::1', port: 2022 },
      { host: '::1', user: 'w' },
    ]);
    expect(() => parseProxyJump('h:99999')).toThrow(/bad port/);
  });
});
