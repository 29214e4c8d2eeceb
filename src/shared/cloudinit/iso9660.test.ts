import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIso } from './iso9660';

// The image is checked with a real ISO 9660 reader (isoinfo, from Debian's
// genisoimage package, installed by .ci/run), not with our own parser.
const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-iso-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const enc = (s: string) => new TextEncoder().encode(s);
const isoinfo = (file: string, ...args: string[]) => execFileSync('isoinfo', ['-i', file, ...args]).toString();

function write(name: string, img: Uint8Array): string {
  const f = path.join(dir, name);
  writeFileSync(f, img);
  return f;
}

describe('buildIso', () => {
  const userData = '#cloud-config\nhostname: ci-test\nruncmd:\n  - [sh, -c, "echo marker > /root/m"]\n';
  const big = 'x'.repeat(5000) + '\nend\n'; // spans three sectors
  const file = write(
    'seed.iso',
    buildIso({
      label: 'cidata',
      date: new Date(Date.UTC(2026, 11, 1, 12, 0, 0)),
      files: [
        { name: 'user-data', data: enc(userData) },
        { name: 'meta-data', data: enc('instance-id: vd-1\nlocal-hostname: ci-test\n') },
        { name: 'network-config', data: enc(big) },
        { name: 'empty', data: new Uint8Array(0) },
      ],
    }),
  );

  it('has the volume label, Joliet level 3 and the right size', () => {
    const d = isoinfo(file, '-d');
    expect(d).toMatch(/Volume id: CIDATA/);
    expect(d).toMatch(/Joliet with UCS level 3 found/);
    expect(d).toMatch(/Logical block size is: 2048/);
    expect(d).toMatch(/Volume size is: 31\n/); // 25 sectors of structure + empty 1, meta-data 1, network-config 3, user-data 1
  });

  it('lists the real names through Joliet and 8.3 names in the primary tree', () => {
    const joliet = isoinfo(file, '-J', '-f').split('\n').filter(Boolean).sort();
    expect(joliet).toEqual(['/empty', '/meta-data', '/network-config', '/user-data']);
    const primary = isoinfo(file, '-f').split('\n').filter(Boolean).sort();
    expect(primary).toEqual(['/EMPTY.;1', '/METADATA.;1', '/NETWORKC.;1', '/USERDATA.;1']);
  });

  it('gives back every file byte for byte', () => {
    expect(isoinfo(file, '-J', '-x', '/user-data')).toBe(userData);
    expect(isoinfo(file, '-J', '-x', '/network-config')).toBe(big);
    expect(isoinfo(file, '-J', '-x', '/meta-data')).toBe('instance-id: vd-1\nlocal-hostname: ci-test\n');
    expect(isoinfo(file, '-J', '-x', '/empty')).toBe('');
  });

  it('refuses names that cannot be in one flat directory', () => {
    expect(() => buildIso({ label: 'x', files: [{ name: 'a/b', data: new Uint8Array() }] })).toThrow(/not allowed/);
    expect(() => buildIso({ label: 'x', files: [{ name: 'a', data: new Uint8Array() }, { name: 'a', data: new Uint8Array() }] })).toThrow(/unique/);
  });
});
