import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// `virtdeck serve` as a user runs it (the CLI under tsx, no build needed):
// what it refuses, and what it prints.
const ROOT = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-cli-'));
writeFileSync(path.join(dir, 'known_hosts'), '');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; with `until`, stops it (SIGTERM) once stdout matches. */
function cli(args: string[], until?: RegExp): Promise<Run> {
  const base = ['--config-dir', path.join(dir, 'cfg'), '--static-dir', dir, '--known-hosts', path.join(dir, 'known_hosts'), '--ssh-config', '/dev/null'];
  const p = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'serve', '--port', '0', ...base, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { code: null, stdout: '', stderr: '' };
  return new Promise((resolve) => {
    p.stdout.on('data', (d: Buffer) => {
      run.stdout += d.toString();
      if (until?.test(run.stdout)) p.kill('SIGTERM');
    });
    p.stderr.on('data', (d: Buffer) => (run.stderr += d.toString()));
    p.on('exit', (code) => resolve({ ...run, code }));
  });
}

describe('virtdeck serve refuses what it cannot make safe', () => {
  it('half a TLS pair, contradicting flags, a bad --allow-host', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--tls-cert', 'c.pem'], /--tls-cert and --tls-key go together/],
      [['--listen', '10.9.9.9', '--insecure', '--tls'], /contradict/],
      [['--allow-host', 'x\nSet-Cookie:a'], /--allow-host .*expected a host name/],
      [['--metrics-token-file', 'f'], /needs --metrics/],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(args)));
    runs.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stdout).not.toMatch(/serving at/);
    });
  }, 120_000);

  it('a key file that is not the certificate’s', async () => {
    writeFileSync(path.join(dir, 'c.pem'), 'not a certificate');
    writeFileSync(path.join(dir, 'k.pem'), 'not a key');
    const r = await cli(['--tls-cert', path.join(dir, 'c.pem'), '--tls-key', path.join(dir, 'k.pem')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/do not make a usable pair/);
  }, 120_000);
});

describe('virtdeck serve over HTTPS', () => {
  it('prints an https access link and the certificate fingerprint, the same on every start', async () => {
    const done = /SHA-256 fingerprint: \S+/;
    const first = await cli(['--tls'], done);
    expect(first.stdout).toMatch(/serving at https:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{32}\n/);
    const printed = done.exec(first.stdout)![0].split(': ')[1];
    const onDisk = new X509Certificate(readFileSync(path.join(dir, 'cfg', 'tls', 'serve-cert.pem'))).fingerprint256;
    expect(printed).toBe(onDisk);
    const second = await cli(['--tls'], done);
    expect(done.exec(second.stdout)![0].split(': ')[1]).toBe(printed);
  }, 120_000);
});
