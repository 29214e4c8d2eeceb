import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LineSplitter, WATCH_SCRIPT } from './lease-watch';
import { updateWireArgs } from './update';
import { leaseDiff, leaseMap } from './events';

describe('watch output', () => {
  it('splits chunks into file names, keeping partial lines for the next chunk', () => {
    const seen: string[] = [];
    const p = new LineSplitter((f) => seen.push(f));
    p.push('/d/virbr0.status\n/d/vir');
    expect(seen).toEqual(['/d/virbr0.status']);
    p.push("br 'x'.status\n\n");
    expect(seen).toEqual(['/d/virbr0.status', "/d/virbr 'x'.status"]);
  });
});

// The watch script against the real sh and tail of this machine: a file
// replaced by rename (what libvirt's leases helper does) is reported, a file
// that appears later too, and closing stdin ends everything.
describe('the lease watch script', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-lease-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each new version of a file once, new files too, and leaves nothing when stdin closes', async () => {
    const a = path.join(dir, 'virbr0.status');
    const b = path.join(dir, "vir br'1.status");
    const tmp = mkdtempSync(path.join(dir, 'tmp-'));
    writeFileSync(a, '[]\n');
    const child = spawn('sh', ['-c', WATCH_SCRIPT, 'sh', a, b], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: tmp } });
    const seen: string[] = [];
    const splitter = new LineSplitter((f) => seen.push(f));
    child.stdout.setEncoding('utf8').on('data', (d: string) => splitter.push(d));
    const until = async (pred: () => boolean, what: string) => {
      const deadline = Date.now() + 8000;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(seen)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    // libvirt's leases helper: a new file renamed over the old, a JSON array per line.
    const leases = (n: number) => `[\n${Array.from({ length: n }, (_, i) => `  {\n    "ip-address": "192.168.1.${i + 2}"\n  }`).join(',\n')}\n]\n`;
    const replace = (f: string, text: string) => {
      writeFileSync(`${f}.new`, text);
      renameSync(`${f}.new`, f);
    };
    // tail may not follow yet right after start: keep replacing until it reports.
    await until(() => {
      if (!seen.length) replace(a, leases(1));
      return seen.length > 0;
    }, 'the first change');
    const before = seen.length;
    replace(a, leases(200));
    await until(() => seen.length > before, 'a big change');
    writeFileSync(b, '[]\n');
    await until(() => seen.includes(b), 'the new file');
    // Names only, never lease contents: a few bytes per change whatever the size.
    expect(seen.every((f) => f === a || f === b)).toBe(true);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.stdin.end();
    expect(await exited).toBe(0);
    // tail and the filter went with it, and the fifo's directory is gone.
    expect(() => execFileSync('pgrep', ['-f', dir])).toThrow();
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('NetworkUpdate argument order', () => {
  const args = { net: { name: 'n', uuid: '00000000-0000-0000-0000-000000000000' }, command: 3, section: 4, parentIndex: -1, xml: '<host/>', flags: 3 };
  it('keeps the documented order when the daemon has the fix, swaps it otherwise', () => {
    expect(updateWireArgs(args, true)).toMatchObject({ command: 3, section: 4 });
    expect(updateWireArgs(args, false)).toMatchObject({ command: 4, section: 3, parentIndex: -1, xml: '<host/>', flags: 3 });
  });
});

describe('lease snapshots', () => {
  it('finds the MACs whose addresses moved, ignoring renewals', () => {
    const before = leaseMap([
      { mac: '52:54:00:00:00:01', ipaddr: '10.0.0.5' },
      { mac: '52:54:00:00:00:02', ipaddr: '10.0.0.6' },
      { mac: null, ipaddr: '10.0.0.9' },
    ]);
    const after = leaseMap([
      { mac: '52:54:00:00:00:01', ipaddr: '10.0.0.5' }, // renewed: same address
      { mac: '52:54:00:00:00:03', ipaddr: '10.0.0.7' }, // new
      { mac: '52:54:00:00:00:04', ipaddr: 'fd00::4' },
      { mac: '52:54:00:00:00:04', ipaddr: '10.0.0.8' }, // two addresses, any order
    ]);
    expect(leaseDiff(before, after).sort()).toEqual(['52:54:00:00:00:02', '52:54:00:00:00:03', '52:54:00:00:00:04']);
    expect(leaseDiff(after, leaseMap([{ mac: '52:54:00:00:00:04', ipaddr: '10.0.0.8' }, { mac: '52:54:00:00:00:04', ipaddr: 'fd00::4' }, { mac: '52:54:00:00:00:01', ipaddr: '10.0.0.5' }, { mac: '52:54:00:00:00:03', ipaddr: '10.0.0.7' }]))).toEqual([]);
    expect(leaseDiff(undefined, before).sort()).toEqual(['52:54:00:00:00:01', '52:54:00:00:00:02']);
  });
});
