import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GrantedPaths, readableFile, sparseFileSink, writableTarget } from './local-files';
import { safeFileName } from './transfers';

// The desktop path of uploads/downloads (Electron's main process reads and
// writes the files the native dialog returned). Electron cannot run here, so
// this checks the core's side on real files in a temp directory.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-local-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('paths the native dialog granted', () => {
  it('accepts only what the dialog returned, per mode, whatever the spelling', () => {
    const g = new GrantedPaths();
    const p = path.join(dir, 'disk.img');
    expect(() => g.check('open', p)).toThrow(/Choose the file with the Open dialog first/);
    g.grant('open', p);
    expect(g.check('open', p)).toBe(p);
    expect(g.check('open', path.join(dir, 'x', '..', 'disk.img'))).toBe(p);
    expect(() => g.check('save', p)).toThrow(/Save dialog/);
    expect(() => g.check('open', 'disk.img')).toThrow(); // relative: never
    expect(() => g.check('open', `${p}\0.txt`)).toThrow();
    expect(() => g.check('open', '/etc/shadow')).toThrow();
  });
});

describe('files to upload', () => {
  it('takes a regular non-empty file and says why it refuses the rest', async () => {
    const f = path.join(dir, 'a.iso');
    writeFileSync(f, 'CD001');
    await expect(readableFile(f)).resolves.toEqual({ path: f, size: 5, name: 'a.iso' });
    writeFileSync(path.join(dir, 'empty'), '');
    await expect(readableFile(path.join(dir, 'empty'))).rejects.toThrow(/is empty/);
    await expect(readableFile(dir)).rejects.toThrow(/not a regular file/);
    await expect(readableFile('/dev/zero')).rejects.toThrow(/not a regular file/);
    await expect(readableFile(path.join(dir, 'gone'))).rejects.toThrow(/no longer exists/);
  });
});

describe('download targets', () => {
  it('needs an existing folder and never writes onto a directory or a link', async () => {
    await expect(writableTarget(path.join(dir, 'new.img'))).resolves.toBe(path.join(dir, 'new.img'));
    await expect(writableTarget(path.join(dir, 'nope', 'x.img'))).rejects.toThrow(/not an existing folder/);
    mkdirSync(path.join(dir, 'sub'));
    await expect(writableTarget(path.join(dir, 'sub'))).rejects.toThrow(/not a regular file/);
    symlinkSync('/etc/passwd', path.join(dir, 'link'));
    await expect(writableTarget(path.join(dir, 'link'))).rejects.toThrow(/not a regular file/);
  });

  it('writes data at its offsets and leaves holes unallocated, trailing hole included', async () => {
    const p = path.join(dir, 'out.img');
    const s = await sparseFileSink(p);
    const MiB = 1 << 20;
    await s.sink(Buffer.from('head'));
    await s.sink({ hole: 8 * MiB - 4 });
    await s.sink(Buffer.alloc(4096, 7));
    await s.sink({ hole: 8 * MiB });
    await s.finish(16 * MiB + 4096);
    const out = readFileSync(p);
    expect(out.length).toBe(16 * MiB + 4096);
    expect(out.subarray(0, 4).toString()).toBe('head');
    expect(out.subarray(8 * MiB, 8 * MiB + 4096).every((b) => b === 7)).toBe(true);
    expect(out.subarray(4, 8 * MiB).every((b) => b === 0)).toBe(true);
    expect(statSync(p).blocks * 512).toBeLessThan(1 * MiB);
  });

  it('abort removes the partial file', async () => {
    const p = path.join(dir, 'partial.img');
    const s = await sparseFileSink(p);
    await s.sink(Buffer.from('x'));
    await s.abort();
    expect(() => statSync(p)).toThrow();
  });
});

describe('download file names', () => {
  it('keep the volume name but never a path or control characters', () => {
    expect(safeFileName('debian-12.iso')).toBe('debian-12.iso');
    expect(safeFileName('../../etc/passwd')).toBe('__.._etc_passwd');
    expect(safeFileName('a\nb\\c')).toBe('a_b_c');
    expect(safeFileName('名前.qcow2')).toBe('名前.qcow2');
  });
});
