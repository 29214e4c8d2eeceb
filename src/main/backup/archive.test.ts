import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { AppFailure } from '../../shared/ipc/result';
import { domainFile, networkFile } from '../../shared/backup/paths';
import { openArchive, openArchiveBytes, packArchive, writeArchive, type ManifestDraft } from './archive';
import { packTar, unpackTar } from './tar';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const draft: ManifestDraft = {
  format: 'virtdeck-backup',
  version: 1,
  id: 'b-20261201T180000Z-abcdef',
  created: Date.UTC(2026, 11, 1, 18),
  virtdeckVersion: '0.1.0',
  trigger: 'manual',
  hosts: [{ hostId: 'lab-1', name: 'lab 1', dir: 'hosts/lab-1', tags: [], errors: [] }],
  items: [],
};
const hostile = `web "q" $(rm -rf /) ;\\ 名前 ../../etc/passwd ${'x'.repeat(150)}`;
const files = new Map([
  [domainFile('lab-1', '0b6c1e1c-6c1e-4c1e-8c1e-0b6c1e1c6c1e'), Buffer.from('<domain><name>a</name></domain>')],
  [networkFile('lab-1', hostile), Buffer.from('<network/>')],
  ['hosts/lab-1/ips.json', Buffer.from('{}')],
]);

const failure = async (p: Promise<unknown>): Promise<AppFailure> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppFailure) return e;
    throw e;
  }
  throw new Error('expected a failure');
};

describe('backup archive', () => {
  it('round-trips files and a manifest with their checksums', async () => {
    const file = path.join(dir, 'ok.tar.gz');
    const { manifest } = await writeArchive(file, draft, files);
    expect(manifest.files.map((f) => f.path)).toEqual([...files.keys()]);
    const opened = await openArchive(file, 'ok');
    expect(opened.manifest).toEqual(manifest);
    for (const [p, data] of files) expect(opened.files.get(p)).toEqual(data);
  });

  it('writes a tar that GNU tar lists, with no raw name as a path', async () => {
    const file = path.join(dir, 'gnu.tar.gz');
    await writeArchive(file, draft, files);
    const listed = execFileSync('tar', ['tzf', file]).toString().trim().split('\n');
    expect(listed[0]).toBe('manifest.json');
    expect(listed).toHaveLength(4);
    for (const p of listed) expect(p).not.toMatch(/\.\.\/|"|\$|名/);
    // And what GNU tar writes (a plain file) our reader accepts.
    const gnuDir = path.join(dir, 'gnu');
    execFileSync('mkdir', ['-p', gnuDir]);
    execFileSync('tar', ['xzf', file, '-C', gnuDir]);
    expect(readFileSync(path.join(gnuDir, 'hosts/lab-1/ips.json'), 'utf8')).toBe('{}');
  });

  it('refuses a file whose content changed, naming it', async () => {
    const { bytes } = await packArchive(draft, files);
    const tar = gunzipSync(bytes);
    const at = tar.indexOf(Buffer.from('<network/>'));
    tar.write('<netwrk!/>', at);
    const e = await failure(openArchiveBytes(gzipSync(tar), 'b-x'));
    expect(e.error.code).toBe('VALIDATION');
    expect(e.message).toContain(`Backup b-x is damaged: ${networkFile('lab-1', hostile)} does not match its checksum`);
  });

  it('refuses a truncated archive, a file missing from it, and something that is not gzip', async () => {
    const { bytes } = await packArchive(draft, files);
    const tar = gunzipSync(bytes);
    expect((await failure(openArchiveBytes(gzipSync(tar.subarray(0, 1024 + 512)), 't'))).message).toMatch(/damaged: .*(cut short|end marker)/);
    expect((await failure(openArchiveBytes(Buffer.from('hello'), 'g'))).message).toMatch(/not a readable gzip file/);
    const other = await packArchive(draft, new Map([...files].slice(0, 1)));
    // Manifest from the 1-file archive, files of the 3-file one: two are not in the manifest.
    const m = unpackTar(gunzipSync(other.bytes), () => true).get('manifest.json')!;
    const mixed = packTar([{ path: 'manifest.json', data: m, mtime: 0 }, ...[...files].map(([p, data]) => ({ path: p, data, mtime: 0 }))]);
    expect((await failure(openArchiveBytes(gzipSync(mixed), 'm'))).message).toMatch(/is not in the manifest/);
  });

  it('refuses unsafe member paths and links', () => {
    const evil = packTar([{ path: 'hosts/../../etc/passwd', data: Buffer.from('x'), mtime: 0 }]);
    expect(() => unpackTar(evil, (p) => !p.includes('..'))).toThrow(/unexpected path/);
    const link = packTar([{ path: 'a', data: Buffer.alloc(0), mtime: 0 }]);
    link.write('2', 156); // symlink type; the checksum no longer matches either
    expect(() => unpackTar(link, () => true)).toThrow(/bad tar header|unexpected member type/);
  });

  it('reports a missing archive as NOT_FOUND', async () => {
    writeFileSync(path.join(dir, 'x'), '');
    expect((await failure(openArchive(path.join(dir, 'none.tar.gz'), 'gone'))).error.code).toBe('NOT_FOUND');
  });
});
