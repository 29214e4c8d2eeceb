import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BusMessage } from '../ipc/bus';
import { inHost } from '../hosts/lab-harness';
import { VmSettingsService } from './service';
import { defineGuest, GuestShell, hostScript, labCtx, virsh, type LabCtx } from './testing/lab-vm';

// Snapshots and clones against a real lab host, checked in virsh and inside the guest.
let ctx: LabCtx;
let svc: VmSettingsService;
const stamp = Date.now();

beforeAll(async () => {
  ctx = await labCtx();
  svc = new VmSettingsService(ctx.sessions, ctx.tasks);
});
afterAll(async () => ctx?.dispose());

const settle = async (taskId: string) => ctx.tasks.settled(taskId);

// TCG guests under a shared 2-core machine: boots and savevm/loadvm take tens of seconds.
vi.setConfig({ testTimeout: 180_000 });

describe('snapshots', () => {
  it('a snapshot of a running VM, a file written in the guest, a revert: the file is gone and the guest runs on', async () => {
    const { uuid } = await defineGuest(ctx, { name: `vd-snap-${stamp}` });
    await virsh(ctx, 'start', uuid);
    const sh = await GuestShell.open(ctx, uuid);
    try {
      await sh.run('echo before > /root/kept.txt');
      const { taskId } = await svc.snapshotCreate({ hostId: ctx.hostId, uuid, name: 'clean state: 1 – ünï', kind: 'internal' });
      const t = await settle(taskId);
      expect(t.state, t.error?.message).toBe('succeeded');
      expect(t.title).toMatch(/with memory/);
      const list = await svc.snapshotList({ hostId: ctx.hostId, uuid });
      expect(list).toMatchObject([{ name: 'clean state: 1 – ünï', kind: 'internal', memory: true, current: true, state: 'running' }]);
      expect(await virsh(ctx, 'snapshot-list', uuid)).toContain('clean state: 1 – ünï');

      await sh.run('echo after > /root/new-file.txt');
      expect(await sh.run('cat /root/new-file.txt')).toBe('after');
      const rv = await svc.snapshotRevert({ hostId: ctx.hostId, uuid, name: 'clean state: 1 – ünï' });
      const rt = await settle(rv.taskId);
      expect(rt.state, rt.error?.message).toBe('succeeded');
      expect(await virsh(ctx, 'domstate', uuid)).toMatch(/running/);
      // Same QEMU, memory reloaded: the console still answers, from the snapshot's past.
      const after = await GuestShell.open(ctx, uuid, 30_000);
      expect(await after.run('cat /root/new-file.txt 2>&1')).toMatch(/No such file/);
      expect(await after.run('cat /root/kept.txt')).toBe('before');
      after.close();

      const second = await svc.snapshotCreate({ hostId: ctx.hostId, uuid, name: 'child', kind: 'internal' });
      expect((await settle(second.taskId)).state).toBe('succeeded');
      const tree = await svc.snapshotList({ hostId: ctx.hostId, uuid });
      expect(tree.find((s) => s.name === 'clean state: 1 – ünï')?.children).toEqual(['child']);
      expect(await svc.snapshotDelete({ hostId: ctx.hostId, uuid, name: 'clean state: 1 – ünï', children: true })).toEqual({ deleted: ['clean state: 1 – ünï', 'child'] });
      expect(await svc.snapshotList({ hostId: ctx.hostId, uuid })).toEqual([]);
    } finally {
      sh.close();
    }
  });

  it('refuses an internal snapshot of a raw-disk VM, naming the reason; external disk-only works and its revert is refused on 9.0', async () => {
    const { uuid } = await defineGuest(ctx, { name: `vd-snap-raw-${stamp}`, diskFormat: 'raw' });
    const e = await svc.snapshotCreate({ hostId: ctx.hostId, uuid, name: 'nope', kind: 'internal' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ error: { code: 'UNSUPPORTED', detail: { reason: 'raw-disk' } } });
    expect((e as Error).message).toMatch(/qcow2.*vda is raw/);
    expect((await virsh(ctx, 'snapshot-list', '--name', uuid)).trim()).toBe('');

    const ext = await svc.snapshotCreate({ hostId: ctx.hostId, uuid, name: 'ext', kind: 'external-disk' });
    const t = await settle(ext.taskId);
    expect(t.state, t.error?.message).toBe('succeeded');
    expect(await svc.snapshotList({ hostId: ctx.hostId, uuid })).toMatchObject([{ name: 'ext', kind: 'external', memory: false }]);
    const version = await ctx.sessions.client(ctx.hostId).call((await import('../libvirt/rpc/procedures/index')).P.CONNECT_GET_LIB_VERSION);
    if (version < 9_009_000) {
      const r = await svc.snapshotRevert({ hostId: ctx.hostId, uuid, name: 'ext' }).catch((x: unknown) => x);
      expect(r).toMatchObject({ error: { code: 'UNSUPPORTED', detail: { reason: 'external-revert' } } });
      expect((r as Error).message).toMatch(/9\.9/);
    }
    await virsh(ctx, 'snapshot-delete', '--metadata', uuid, 'ext');
  });
});

describe('clone', () => {
  it('a cloned VM boots to its shell with a different MAC and UUID', async () => {
    const src = await defineGuest(ctx, { name: `vd-clone-src-${stamp}` });
    await inHost(ctx.host, ['qemu-io', '-f', 'qcow2', '-c', 'write -P 0x5a 0 4M', src.disk]);
    const { taskId } = await svc.clone({ hostId: ctx.hostId, uuid: src.uuid, names: [`vd-clone-${stamp} "x"`], linked: false });
    const t = await settle(taskId);
    expect(t.state, t.error?.message).toBe('succeeded');
    const made = (t.result as Array<{ uuid: string; name: string }>)[0]!;
    ctx.created.push(made.uuid);
    expect(made.uuid).not.toBe(src.uuid);
    expect(t.progress).toMatchObject({ unit: 'bytes' });
    const a = await virsh(ctx, 'dumpxml', src.uuid);
    const b = await virsh(ctx, 'dumpxml', made.uuid);
    const mac = (x: string) => /<mac address='([^']+)'/.exec(x)?.[1];
    expect(mac(b)).toBeTruthy();
    expect(mac(b)).not.toBe(mac(a));
    expect(b).toContain(`vd-clone-${stamp}_x_.qcow2`);
    // The data came along.
    const newDisk = /<source file='([^']+)'/.exec(b)![1]!;
    expect(await inHost(ctx.host, ['qemu-io', '-f', 'qcow2', '-c', 'read -P 0x5a 0 4M', newDisk])).toMatch(/read 4194304\/4194304/);
    await virsh(ctx, 'start', made.uuid);
    const sh = await GuestShell.open(ctx, made.uuid);
    expect(await sh.run('cat /sys/class/net/eth0/address')).toBe(mac(b));
    sh.close();
  });

  it('a linked clone gets a qcow2 overlay backed by the source disk', async () => {
    const src = await defineGuest(ctx, { name: `vd-linked-src-${stamp}` });
    const { taskId } = await svc.clone({ hostId: ctx.hostId, uuid: src.uuid, names: [`vd-linked-${stamp}`], linked: true });
    const t = await settle(taskId);
    expect(t.state, t.error?.message).toBe('succeeded');
    const made = (t.result as Array<{ uuid: string }>)[0]!;
    ctx.created.push(made.uuid);
    const disk = /<source file='([^']+)'/.exec(await virsh(ctx, 'dumpxml', '--inactive', made.uuid))![1]!;
    expect(await inHost(ctx.host, ['qemu-img', 'info', disk])).toContain(`backing file: ${src.disk}`);
  });

  it('cancelling a clone leaves no volume and no domain', async () => {
    // A disk big enough that the copy is still running when we cancel.
    const src = await defineGuest(ctx, { name: `vd-cancel-src-${stamp}`, diskFormat: 'raw', diskSize: '1G' });
    // 128 MiB of random data written 8 times: 1 GiB that cannot be skipped as zeroes, made at memory speed.
    hostScript(ctx, 'set -e; t=$(mktemp); head -c 134217728 /dev/urandom >"$t"; for i in 1 2 3 4 5 6 7 8; do cat "$t"; done >"$1"; rm -f "$t"', [src.disk]);
    const newName = `vd-cancel-${stamp}`;
    let cancelled = false;
    const off = ctx.h.bus.subscribe((m: BusMessage) => {
      const p = m.payload as { id: string; phase: string; kind: string };
      if (m.name === 'task.updated' && p.kind === 'domain.clone' && p.phase.startsWith('Copying') && !cancelled) {
        cancelled = true;
        ctx.tasks.cancel(p.id);
      }
    });
    try {
      const { taskId } = await svc.clone({ hostId: ctx.hostId, uuid: src.uuid, names: [newName], linked: false });
      const t = await settle(taskId);
      expect(t.state, JSON.stringify(t)).toBe('cancelled');
      expect(t.cleanup.join('\n')).toMatch(/Undone: delete volume .*Undone: undefine the new VM|Undone: undefine the new VM/s);
      expect(t.cleanup.join('\n')).not.toMatch(/NOT undone/);
    } finally {
      off();
    }
    await inHost(ctx.host, ['virsh', 'pool-refresh', 'default']);
    expect(await virsh(ctx, 'vol-list', 'default')).not.toContain(newName);
    expect(await inHost(ctx.host, ['ls', '/var/lib/libvirt/images'])).not.toContain(newName);
    expect(await virsh(ctx, 'list', '--all', '--name')).not.toContain(newName);
  });

  it('refuses to clone a running VM', async () => {
    const src = await defineGuest(ctx, { name: `vd-clone-run-${stamp}` });
    await virsh(ctx, 'start', src.uuid);
    await expect(svc.clone({ hostId: ctx.hostId, uuid: src.uuid, names: ['x'], linked: false })).rejects.toMatchObject({ error: { code: 'CONFLICT' } });
  });
});
