import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVolumeXml } from '../../shared/libvirt/storage-xml';
import type { TaskSummary } from '../../shared/model/task';
import type { BusMessage } from '../ipc/bus';
import { inHost, REPO, type Harness, type LabHost } from '../hosts/lab-harness';
import { P } from '../libvirt/rpc/procedures/index';
import { LibvirtSessions } from '../libvirt/sessions';
import { TaskManager } from '../tasks/manager';
import { startVolumeClone } from './clone';
import { storageLab, type StorageLab } from './lab-setup';
import { poolDefine, poolDelete, poolList, poolStart, poolStop, type StorageDeps } from './pools';
import { volumeCreate, volumeDelete, volumeList, volumeResize } from './volumes';
import { domainAttachCdrom } from './attach-cdrom';

// Pools, volumes and clones against a real lab host: libvirtd over the host's
// one SSH connection, real files, real pool events.
let h: Harness;
let host: LabHost;
let hostId: string;
let deps: StorageDeps;
let tasks: TaskManager;
let sessions: LibvirtSessions;
let lab: StorageLab;
const stamp = Date.now().toString(36);
const GiB = 1024 ** 3;
const cleanup: Array<() => Promise<unknown>> = [];

function waitBus(pred: (m: BusMessage) => boolean, timeoutMs = 10_000): Promise<BusMessage> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error('no matching event'));
    }, timeoutMs);
    const off = h.bus.subscribe((m) => {
      if (!pred(m)) return;
      clearTimeout(t);
      off();
      resolve(m);
    });
  });
}

/** inHost for commands that read or write a gigabyte (the shared helper gives up after 20 s). */
const slowInHost = (argv: string[]) => promisify(execFile)('bash', [path.join(REPO, 'e2e/lab/lab.sh'), 'in', host.name, ...argv], { timeout: 170_000 });
const virsh = (...args: string[]) => inHost(host, ['virsh', ...args]);
const exists = (p: string) => inHost(host, ['test', '-e', p]).then(() => true, () => false);

async function defineVmOn(name: string, disk: string): Promise<string> {
  const xml = execFileSync('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), name, disk]).toString();
  const dom = await sessions.client(hostId).call(P.DOMAIN_DEFINE_XML, { xml });
  cleanup.push(() => virsh('undefine', dom.uuid).catch(() => {}));
  return dom.uuid;
}

beforeAll(async () => {
  lab = await storageLab('storage', { poolEvents: true });
  ({ h, host, hostId, deps, tasks, sessions } = lab);
});

afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => {});
  await lab?.dispose();
});

describe('storage pools on a lab host', () => {
  it('lists the default pool with sizes and state', async () => {
    const def = (await poolList(deps, hostId)).find((p) => p.name === 'default');
    expect(def).toMatchObject({ type: 'dir', state: 'running', active: true, persistent: true, autostart: true, targetPath: '/var/lib/libvirt/images' });
    expect(def!.capacity).toBeGreaterThan(0);
    expect(def!.available).toBeLessThanOrEqual(def!.capacity);
  });

  it('defines, stops, starts and deletes a dir pool with a hostile name; events follow each step', async () => {
    const name = `vd "p" $(touch x); 名 ${stamp}`;
    const dir = `/var/lib/libvirt/vd-pool-${stamp}`;
    cleanup.push(() => virsh('pool-destroy', name).catch(() => {}).then(() => virsh('pool-undefine', name).catch(() => {})));
    const started = waitBus((m) => m.name === 'pool.changed' && (m.payload as { pool?: string }).pool === name);
    const pool = await poolDefine(deps, hostId, { type: 'dir', name, path: dir }, { build: true, start: true, autostart: true });
    expect(pool).toMatchObject({ name, type: 'dir', state: 'running', autostart: true, persistent: true, targetPath: dir });
    await started;
    expect(await exists(dir)).toBe(true);
    await expect(poolDefine(deps, hostId, { type: 'dir', name, path: `${dir}-2` }, { build: true, start: true, autostart: false })).rejects.toMatchObject({
      error: { code: 'CONFLICT', detail: { reason: 'name-taken' } },
    });
    await expect(poolDefine(deps, hostId, { type: 'dir', name: `other-${stamp}`, path: dir }, { build: true, start: true, autostart: false })).rejects.toMatchObject({
      error: { code: 'CONFLICT', message: expect.stringContaining(name) },
    });
    const stoppedEvent = waitBus((m) => m.name === 'pool.changed' && (m.payload as { pool?: string }).pool === name);
    expect(await poolStop(deps, hostId, name)).toMatchObject({ state: 'inactive', active: false });
    await stoppedEvent;
    expect(await poolStart(deps, hostId, name)).toMatchObject({ state: 'running' });
    expect(await poolDelete(deps, hostId, name)).toEqual({ deleted: true });
    expect((await poolList(deps, hostId)).some((p) => p.name === name)).toBe(false);
  });

  it('removes a half-made pool again when a later step fails', async () => {
    const name = `vd-broken-${stamp}`;
    // A netfs pool whose server does not exist: define works, start (mount) fails.
    await expect(
      poolDefine(deps, hostId, { type: 'netfs', name, server: '10.255.255.1', exportPath: '/nope', path: `/var/lib/libvirt/vd-mnt-${stamp}`, protocol: 'nfs' }, { build: true, start: true, autostart: true }),
    ).rejects.toMatchObject({ error: { message: expect.stringMatching(/removed again/) } });
    expect((await poolList(deps, hostId)).some((p) => p.name === name)).toBe(false);
  });
});

describe('volumes on a lab host', () => {
  const pool = 'default';
  it('creates, lists, resizes and deletes a qcow2 volume; a taken name is refused by name', async () => {
    const name = `vd-vol '"$(x)"' ${stamp}.qcow2`;
    cleanup.push(() => virsh('vol-delete', '--pool', pool, name).catch(() => {}));
    const changed = waitBus((m) => m.name === 'pool.changed' && (m.payload as { pool?: string; volumes: boolean }).volumes);
    const { volume } = await volumeCreate(deps, tasks, { hostId, pool, name, format: 'qcow2', capacity: GiB, preallocation: 'metadata' });
    await changed;
    expect(volume).toMatchObject({ name, format: 'qcow2', capacity: GiB, usedBy: [], backingOf: [] });
    expect(volume!.allocation).toBeLessThan(GiB / 4);
    await expect(volumeCreate(deps, tasks, { hostId, pool, name, format: 'raw', capacity: GiB, preallocation: 'off' })).rejects.toMatchObject({
      error: { code: 'CONFLICT', detail: { reason: 'name-taken' }, message: expect.stringContaining(name) },
    });
    expect((await volumeList(deps, hostId, pool)).find((v) => v.name === name)).toMatchObject({ format: 'qcow2', capacity: GiB });
    expect(await volumeResize(deps, { hostId, pool, name }, 2 * GiB, false)).toMatchObject({ capacity: 2 * GiB });
    await expect(volumeResize(deps, { hostId, pool, name }, GiB, false)).rejects.toMatchObject({ error: { code: 'CONFLICT' } });
    expect(await volumeDelete(deps, { hostId, pool, name })).toEqual({ deleted: true });
    expect((await volumeList(deps, hostId, pool)).some((v) => v.name === name)).toBe(false);
  });

  it('refuses to preallocate more than the pool has free, saying how much', async () => {
    const free = (await poolList(deps, hostId)).find((p) => p.name === pool)!.available;
    await expect(volumeCreate(deps, tasks, { hostId, pool, name: `vd-huge-${stamp}`, format: 'raw', capacity: free + GiB, preallocation: 'full' })).rejects.toMatchObject({
      error: { code: 'CONFLICT', detail: { reason: 'pool-full' }, message: expect.stringMatching(/free; this needs/) },
    });
  });

  it('full preallocation runs as a task that writes every byte', async () => {
    const name = `vd-full-${stamp}.img`;
    cleanup.push(() => virsh('vol-delete', '--pool', pool, name).catch(() => {}));
    const { taskId, volume } = await volumeCreate(deps, tasks, { hostId, pool, name, format: 'raw', capacity: 64 << 20, preallocation: 'full' });
    expect(volume).toBeUndefined();
    const t = await tasks.settled(taskId!);
    expect(t).toMatchObject({ state: 'succeeded', kind: 'volume.create', result: { pool, name } });
    expect((await volumeList(deps, hostId, pool)).find((v) => v.name === name)).toMatchObject({ capacity: 64 << 20, allocation: 64 << 20 });
  });

  it('never deletes a backing file or a disk a VM uses, naming the VM and the image', async () => {
    const base = `vd-base-${stamp}.qcow2`;
    const top = `vd-top-${stamp}.qcow2`;
    const c = sessions.client(hostId);
    const poolRef = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: pool });
    const baseVol = await c.call(P.STORAGE_VOL_CREATE_XML, { pool: poolRef, xml: buildVolumeXml({ name: base, capacity: 64 << 20, allocation: 0, format: 'qcow2' }), flags: 0 });
    cleanup.push(() => virsh('vol-delete', '--pool', pool, base).catch(() => {}));
    const basePath = await c.call(P.STORAGE_VOL_GET_PATH, { vol: baseVol });
    const topVol = await c.call(P.STORAGE_VOL_CREATE_XML, {
      pool: poolRef,
      xml: buildVolumeXml({ name: top, capacity: 64 << 20, allocation: 0, format: 'qcow2', backing: { path: basePath, format: 'qcow2' } }),
      flags: 0,
    });
    cleanup.unshift(() => virsh('vol-delete', '--pool', pool, top).catch(() => {}));
    const topPath = await c.call(P.STORAGE_VOL_GET_PATH, { vol: topVol });
    // No VM yet: the base is still the backing file of the overlay.
    await expect(volumeDelete(deps, { hostId, pool, name: base })).rejects.toMatchObject({
      error: { code: 'CONFLICT', detail: { reason: 'backing-file' }, message: expect.stringContaining(topPath) },
    });
    const vmName = `vd-linked-${stamp}`;
    await defineVmOn(vmName, topPath);
    const list = await volumeList(deps, hostId, pool);
    expect(list.find((v) => v.name === top)?.usedBy).toEqual([expect.objectContaining({ name: vmName, target: 'vda', how: 'disk', active: false })]);
    expect(list.find((v) => v.name === base)?.usedBy).toEqual([expect.objectContaining({ name: vmName, how: 'backing', top: topPath })]);
    expect(list.find((v) => v.name === base)?.backingOf).toEqual([topPath]);
    await expect(volumeDelete(deps, { hostId, pool, name: base })).rejects.toMatchObject({ error: { code: 'CONFLICT', detail: { reason: 'in-use' }, message: expect.stringContaining(vmName) } });
    await expect(volumeDelete(deps, { hostId, pool, name: top })).rejects.toMatchObject({ error: { message: expect.stringContaining(`${vmName} (vda)`) } });
    expect(await exists(basePath)).toBe(true);
    expect(await exists(topPath)).toBe(true);
  });

  it('refuses to delete a pool while a VM uses one of its volumes', async () => {
    const name = `vd-busy-${stamp}`;
    const dir = `/var/lib/libvirt/vd-busy-${stamp}`;
    cleanup.push(() => virsh('pool-destroy', name).catch(() => {}).then(() => virsh('pool-undefine', name).catch(() => {})));
    await poolDefine(deps, hostId, { type: 'dir', name, path: dir }, { build: true, start: true, autostart: false });
    const { volume } = await volumeCreate(deps, tasks, { hostId, pool: name, name: 'disk.qcow2', format: 'qcow2', capacity: 64 << 20, preallocation: 'off' });
    cleanup.unshift(() => virsh('vol-delete', '--pool', name, 'disk.qcow2').catch(() => {}));
    const vm = `vd-pooluser-${stamp}`;
    await defineVmOn(vm, volume!.path);
    await expect(poolDelete(deps, hostId, name)).rejects.toMatchObject({ error: { code: 'CONFLICT', message: expect.stringContaining(vm) } });
    expect((await poolList(deps, hostId)).find((p) => p.name === name)).toMatchObject({ state: 'running' });
  });

  it('puts an ISO into a new CD-ROM drive of a shut-off VM', async () => {
    const iso = `vd-cd-${stamp}.iso`;
    const c = sessions.client(hostId);
    const poolRef = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: pool });
    await c.call(P.STORAGE_VOL_CREATE_XML, { pool: poolRef, xml: buildVolumeXml({ name: iso, capacity: 1 << 20, allocation: 0, format: 'raw' }), flags: 0 });
    cleanup.push(() => virsh('vol-delete', '--pool', pool, iso).catch(() => {}));
    const disk = `/var/lib/libvirt/images/vd-cdvm-${stamp}.qcow2`;
    const uuid = await defineVmOn(`vd-cdvm-${stamp}`, disk);
    expect(await domainAttachCdrom(deps, hostId, uuid, { pool, name: iso })).toEqual({ target: 'hda', live: false, config: true });
    const xml = await virsh('dumpxml', '--inactive', uuid);
    expect(xml).toMatch(new RegExp(`<disk type='file' device='cdrom'>[\\s\\S]*${iso}[\\s\\S]*<target dev='hda' bus='ide'/>`));
    // The drive now exists: a second ISO changes its media instead of adding a drive.
    expect(await domainAttachCdrom(deps, hostId, uuid, { pool, name: iso })).toMatchObject({ target: 'hda', config: true });
    expect((await virsh('dumpxml', '--inactive', uuid)).match(/device='cdrom'/g)).toHaveLength(1);
  });
});

describe('volume clone as a task', () => {
  const pool = 'default';
  const src = `vd-clonesrc-${stamp}.raw`;

  beforeAll(async () => {
    const c = sessions.client(hostId);
    const poolRef = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: pool });
    const vol = await c.call(P.STORAGE_VOL_CREATE_XML, { pool: poolRef, xml: buildVolumeXml({ name: src, capacity: GiB, allocation: 0, format: 'raw' }), flags: 0 });
    cleanup.push(() => virsh('vol-delete', '--pool', pool, src).catch(() => {}));
    // Non-zero data (libvirt skips zero blocks), so the copy takes time and its allocation grows.
    const file = await c.call(P.STORAGE_VOL_GET_PATH, { vol });
    await slowInHost(['sh', '-c', 'yes VirtDeck-clone-test | head -c 1073741824 > "$1"', 'fill', file]);
  }, 120_000);

  it('cancels a 1 GiB clone midway and leaves no copy behind', async () => {
    const newName = `vd-clone-cancel-${stamp}.raw`;
    cleanup.push(() => virsh('vol-delete', '--pool', pool, newName).catch(() => {}));
    const progressed = new Promise<TaskSummary>((resolve) => {
      const off = h.bus.subscribe((m) => {
        const t = m.payload as TaskSummary;
        if (m.name === 'task.updated' && t.kind === 'volume.clone' && (t.progress?.done ?? 0) > 0 && t.state === 'running') {
          off();
          resolve(t);
        }
      });
    });
    const { taskId } = startVolumeClone(deps, tasks, { hostId, pool, name: src, newName });
    const seen = await progressed;
    expect(seen.progress).toMatchObject({ unit: 'bytes' });
    expect(seen.progress!.total).toBeGreaterThanOrEqual(GiB);
    tasks.cancel(taskId);
    const t = await tasks.settled(taskId);
    expect(t.state).toBe('cancelled');
    expect(t.cleanup).toEqual([expect.stringMatching(/^Undone: delete the new volume/)]);
    expect((await volumeList(deps, hostId, pool)).some((v) => v.name === newName)).toBe(false);
    expect(await exists(`/var/lib/libvirt/images/${newName}`)).toBe(false);
  }, 120_000);

  it('clones to the end with progress, and the copy holds the same bytes', async () => {
    const newName = `vd-clone-${stamp}.raw`;
    cleanup.push(() => virsh('vol-delete', '--pool', pool, newName).catch(() => {}));
    const { taskId } = startVolumeClone(deps, tasks, { hostId, pool, name: src, newName });
    const t = await tasks.settled(taskId);
    expect(t).toMatchObject({ state: 'succeeded', result: { pool, name: newName } });
    expect(t.progress!.done).toBe(t.progress!.total);
    expect(t.progress!.total).toBeGreaterThanOrEqual(GiB);
    // cmp exits non-zero at the first differing byte (and the helper throws).
    await slowInHost( ['cmp', '-s', `/var/lib/libvirt/images/${src}`, `/var/lib/libvirt/images/${newName}`]);
  }, 180_000);
});
