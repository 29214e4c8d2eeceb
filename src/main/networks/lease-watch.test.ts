import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TailParser, WATCH_SCRIPT } from './lease-watch';
import { updateWireArgs } from './update';

describe('tail output parsing', () => {
  it('reports content lines against the last header, never the headers alone', () => {
    const seen: string[] = [];
    const p = new TailParser((f) => seen.push(f));
    p.push('==> /d/virbr0.status <==\n\n==> /d/virbr1.status <==\n');
    expect(seen).toEqual([]);
    p.push('\n==> /d/virbr0.status <==\n[\n  {\n    "ip-address": "1');
    expect(seen).toEqual(['/d/virbr0.status', '/d/virbr0.status']);
    p.push('92.168.1.5"\n  }\n]\n');
    expect(seen.length).toBe(5);
    p.push('==> /d/virbr1.status <==\n[]\n');
    expect(seen.at(-1)).toBe('/d/virbr1.status');
  });
});

// The watch script against the real sh and tail of this machine: a file
// replaced by rename (what libvirt's leases helper does) is reported, a file
// that appears later too, and closing stdin ends everything.
describe('the lease watch script', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-lease-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports renames and new files, and exits when stdin closes', async () => {
    const a = path.join(dir, 'virbr0.status');
    const b = path.join(dir, "vir br'1.status");
    writeFileSync(a, '[]\n');
    const child = spawn('sh', ['-c', WATCH_SCRIPT, 'sh', a, b], { stdio: ['pipe', 'pipe', 'inherit'] });
    const seen: string[] = [];
    let waiters: Array<() => void> = [];
    const parser = new TailParser((f) => {
      seen.push(f);
      waiters.forEach((w) => w());
      waiters = [];
    });
    let raw = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      raw += d;
      parser.push(d);
      waiters.forEach((w) => w());
    });
    const until = async (pred: () => boolean, what: string) => {
      const deadline = Date.now() + 8000;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(seen)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    };
    // tail names the file it follows once it is watching; changes before that would be lost.
    await until(() => raw.includes(`==> ${a} <==`), 'tail to start');
    writeFileSync(`${a}.new`, '[{"ip-address":"192.168.1.9"}]\n');
    renameSync(`${a}.new`, a);
    await until(() => seen.includes(a), 'the renamed file');
    writeFileSync(b, '[]\n');
    await until(() => seen.includes(b), 'the new file');
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.stdin.end();
    expect(await exited).toBe(0);
    // tail went with it: nothing still follows our files.
    expect(() => execFileSync('pgrep', ['-f', dir])).toThrow();
  });
});

describe('NetworkUpdate argument order', () => {
  const args = { net: { name: 'n', uuid: '00000000-0000-0000-0000-000000000000' }, command: 3, section: 4, parentIndex: -1, xml: '<host/>', flags: 3 };
  it('keeps the documented order when the daemon has the fix, swaps it otherwise', () => {
    expect(updateWireArgs(args, true)).toMatchObject({ command: 3, section: 4 });
    expect(updateWireArgs(args, false)).toMatchObject({ command: 4, section: 3, parentIndex: -1, xml: '<host/>', flags: 3 });
  });
});
