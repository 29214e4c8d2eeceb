import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inHost, REPO, type LabHost } from '../hosts/lab-harness';
import { P } from '../libvirt/rpc/procedures/index';
import type { RpcStream } from '../libvirt/rpc/stream';
import { LibvirtSessions } from '../libvirt/sessions';
import { TaskManager } from '../tasks/manager';
import { domainAttachCdrom } from './attach-cdrom';
import type { StorageDeps } from './pools';
import { storageLab, type StorageLab } from './lab-setup';
import { Transfers } from './transfers';

// An ISO uploaded from this machine goes into a RUNNING guest's empty CD-ROM
// drive (media change, live and in the definition) and the guest reads the
// file on it, typed into its serial console over libvirt's console stream.
const run = promisify(execFile);
let host: LabHost;
let hostId: string;
let deps: StorageDeps;
let tasks: TaskManager;
let dir: string;
let sessions: LibvirtSessions;
let lab: StorageLab;
const stamp = Date.now().toString(36);
const vm = `vd-cdlive-${stamp}`;
const iso = `vd-cdlive-${stamp}.iso`;

beforeAll(async () => {
  lab = await storageLab('cdrom');
  ({ host, hostId, deps, tasks, sessions, dir } = lab);
});

afterAll(async () => {
  await inHost(host, ['virsh', 'destroy', vm]).catch(() => {});
  await inHost(host, ['virsh', 'undefine', vm]).catch(() => {});
  await inHost(host, ['virsh', 'vol-delete', '--pool', 'default', iso]).catch(() => {});
  await inHost(host, ['rm', '-f', `/var/lib/libvirt/images/${vm}.qcow2`]).catch(() => {});
  await lab?.dispose();
});

/** Types a command into the guest's serial console and waits for a line of output. */
async function consoleRun(stream: RpcStream, seen: () => string, command: string, want: RegExp, timeoutMs: number): Promise<string> {
  stream.write(`${command}\n`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = want.exec(seen());
    if (m) return m[0];
    if (Date.now() > deadline) throw new Error(`no ${want} in the console within ${timeoutMs} ms; it showed:\n${seen().slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('an ISO in a running guest', () => {
  it('is inserted into the empty drive and the guest reads the file on it', async () => {
    const root = path.join(dir, 'root');
    execFileSync('mkdir', ['-p', root]);
    const marker = `VIRTDECK-CD-${stamp}`;
    writeFileSync(path.join(root, 'hello.txt'), `${marker}\n`);
    await run('genisoimage', ['-quiet', '-o', path.join(dir, 'cd.iso'), '-V', 'VDLAB', '-r', '-J', root]);
    const disk = `/var/lib/libvirt/images/${vm}.qcow2`;
    await inHost(host, ['qemu-img', 'create', '-q', '-f', 'qcow2', disk, '64M']);
    const xml = execFileSync('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), vm, disk], { env: { ...process.env, LAB_GUEST_CDROM: '1' } }).toString();
    const c = sessions.client(hostId);
    const dom = await c.call(P.DOMAIN_DEFINE_XML, { xml });
    await c.call(P.DOMAIN_CREATE, { dom });
    await run('bash', [path.join(REPO, 'e2e/lab/lab.sh'), 'wait-guest', host.name, vm, '90'], { timeout: 100_000 });

    const transfers = new Transfers(deps, tasks, { open: async () => path.join(dir, 'cd.iso'), save: async () => undefined });
    await transfers.chooseFile({ mode: 'open' });
    const { taskId } = await transfers.fileUpload({ hostId, pool: 'default', name: iso, path: path.join(dir, 'cd.iso'), format: 'iso' });
    expect((await tasks.settled(taskId)).state).toBe('succeeded');
    const live = await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: dom.uuid });
    const stream = await c.openStream(P.DOMAIN_OPEN_CONSOLE, { dom: live, dev_name: null, flags: 1 });
    let out = '';
    stream.on('data', (d: Buffer) => (out += d.toString('latin1')));
    try {
      // Insert into a drive the guest has already probed empty (the usual case: the OS is up).
      await consoleRun(stream, () => out, 'until [ -b /dev/sr0 ]; do sleep 1; done; echo ready-$((6*7))', /ready-42/, 90_000);
      expect(await domainAttachCdrom(deps, hostId, dom.uuid, { pool: 'default', name: iso })).toEqual({ target: 'hdc', live: true, config: true });
      const got = await consoleRun(
        stream,
        () => out,
        // The first read after a media change may meet the drive's "medium changed" report: retry like udev would.
        'mkdir -p /mnt/cd; for i in 1 2 3 4 5 6 7 8 9 10; do mount -t iso9660 -o ro /dev/sr0 /mnt/cd 2>/dev/null && break; sleep 1; done; cat /mnt/cd/hello.txt || dmesg | tail -5',
        new RegExp(`^${marker}\\r?$`, 'm'),
        120_000,
      );
      expect(got.trim()).toBe(marker);
    } finally {
      stream.destroy();
    }
    // What the guest printed also landed in its serial log on the host (lab.json says where).
    const serial = readFileSync(path.join((host as LabHost & { serialLogDir: string }).serialLogDir, `${vm}-serial.log`), 'utf8');
    expect(serial).toContain(marker);
  }, 300_000);
});
