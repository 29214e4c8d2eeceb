import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inHost } from '../hosts/lab-harness';
import { VmSettingsService } from './service';
import { defineGuest, GuestShell, labCtx, virsh, type LabCtx } from './testing/lab-vm';

// VM settings against a real lab host: each change is checked in `virsh
// dumpxml` (the definition) and, for live changes, inside the guest through
// its serial console.
let ctx: LabCtx;
let svc: VmSettingsService;
let uuid: string;
let sh: GuestShell;
const stamp = Date.now();
const name = `vd-set-${stamp}`;
const iso = `/var/lib/libvirt/images/vd-media-${stamp}.iso`;

beforeAll(async () => {
  ctx = await labCtx();
  svc = new VmSettingsService(ctx.sessions, ctx.tasks);
  ({ uuid } = await defineGuest(ctx, {
    name,
    edit: (x) =>
      x
        // Two vCPUs possible, one running: the other is hot-pluggable.
        .replace("<vcpu placement='static'>1</vcpu>", "<vcpu placement='static' current='1'>2</vcpu>")
        // A balloon (live memory) and an empty IDE CD-ROM drive (media changes).
        .replace("<memballoon model='none'/>", "<memballoon model='virtio'/>")
        // QEMU can change a VNC password live only if the display started with one.
        .replace("<graphics type='vnc'", "<graphics type='vnc' passwd='start1'")
        .replace('<interface', "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/><readonly/></disk>\n    <interface"),
  }));
  await virsh(ctx, 'start', uuid);
  sh = await GuestShell.open(ctx, uuid);
  // An ISO with a marker file for the media change.
  await inHost(ctx.host, ['sh', '-c', `d=$(mktemp -d) && echo "media-${stamp}" > "$d/marker.txt" && genisoimage -quiet -V VDMEDIA -o ${iso} "$d" && rm -rf "$d"`]);
});

afterAll(async () => {
  sh?.close();
  await inHost(ctx.host, ['rm', '-f', iso]).catch(() => {});
  await ctx?.dispose();
});

const dump = (inactive = true) => virsh(ctx, 'dumpxml', ...(inactive ? ['--inactive'] : []), uuid);

vi.setConfig({ testTimeout: 120_000 });

describe('VM settings on a running lab guest', () => {
  it('hot-adds a vCPU: it comes online in the guest and is kept in the definition', async () => {
    const s = await svc.get({ hostId: ctx.hostId, uuid });
    expect(s.config.cpu).toMatchObject({ vcpus: 1, maxVcpus: 2 });
    const r = await svc.setCpu({ hostId: ctx.hostId, uuid, cpu: { ...s.config.cpu, vcpus: 2, shares: 512, pins: [{ vcpu: 0, cpuset: '0' }] } });
    expect(r.warnings).toEqual([]);
    expect(r.changes).toContainEqual({ what: 'vCPUs 1 → 2', when: 'both' });
    expect(await dump()).toMatch(/<vcpu placement='static'>2<\/vcpu>/);
    expect(await dump()).toMatch(/<shares>512<\/shares>/);
    expect(await virsh(ctx, 'vcpucount', uuid, '--live', '--current')).toMatch(/^2\s*$/m);
    expect(await virsh(ctx, 'schedinfo', uuid, '--live')).toMatch(/cpu_shares\s*:\s*512/);
    expect(await virsh(ctx, 'vcpupin', uuid, '--live', '--vcpu', '0')).toMatch(/0\s+0\s*$/m);
    await sh.until('cat /sys/devices/system/cpu/online', (o) => o.trim() === '0-1');
  });

  it('balloons memory live; a new maximum waits for the next boot', async () => {
    const s = await svc.get({ hostId: ctx.hostId, uuid });
    const r = await svc.setMemory({ hostId: ctx.hostId, uuid, memory: { ...s.config.memory, currentKiB: 80 * 1024, maxKiB: 128 * 1024 } });
    expect(r.changes).toContainEqual({ what: 'Memory 96 MiB → 80 MiB', when: 'both' });
    expect(r.changes).toContainEqual({ what: 'Maximum memory 96 MiB → 128 MiB', when: 'next-boot' });
    expect(await dump()).toMatch(/<memory unit='KiB'>131072<\/memory>/);
    expect(await dump()).toMatch(/<currentMemory unit='KiB'>81920<\/currentMemory>/);
    const after = await svc.get({ hostId: ctx.hostId, uuid });
    expect(after.pending.memory).toContain('Maximum memory: 128 MiB at next boot (now 96 MiB)');
    // The guest sees the balloon take memory away.
    await sh.until("awk '/MemTotal/ {print $2}' /proc/meminfo", (o) => Number(o) < 80 * 1024 && Number(o) > 40 * 1024);
  });

  it('hot-adds a new volume as /dev/vdb, caps it with I/O limits, and unplugs it', async () => {
    const r = await svc.attachDisk({
      hostId: ctx.hostId,
      uuid,
      disk: { device: 'disk', bus: 'virtio', source: { kind: 'none' } },
      create: { pool: 'default', name: `vd-set-${stamp}-b.raw`, capacityBytes: 32 << 20, format: 'raw' },
    });
    expect(r.changes[0]).toMatchObject({ when: 'both' });
    await sh.until('ls /dev/vdb 2>&1', (o) => o.trim() === '/dev/vdb');
    expect(await dump()).toContain(`vd-set-${stamp}-b.raw`);

    const limit = 1024 * 1024;
    const io = await svc.setDiskIoTune({ hostId: ctx.hostId, uuid, target: 'vdb', iotune: { read_bytes_sec: limit } });
    expect(io.applied).toBe('both');
    expect(await virsh(ctx, 'blkdeviotune', uuid, 'vdb', '--live')).toMatch(/read_bytes_sec\s*:\s*1048576/);
    expect(await dump()).toMatch(/<read_bytes_sec>1048576<\/read_bytes_sec>/);
    // 4 MiB read with O_DIRECT at 1 MiB/s: busybox dd prints the seconds it took.
    // busybox dd prints no timing here: the guest's own uptime (1/100 s) brackets it.
    const out = await sh.run("a=$(cut -d' ' -f1 /proc/uptime); dd if=/dev/vdb of=/dev/null bs=64k count=64 iflag=direct 2>/dev/null; b=$(cut -d' ' -f1 /proc/uptime); echo \"took $a $b\"", 60_000);
    const m = /took ([\d.]+) ([\d.]+)/.exec(out);
    const secs = m ? Number(m[2]) - Number(m[1]) : NaN;
    expect(secs, JSON.stringify(out)).toBeGreaterThan(0);
    const rate = (4 * 1024 * 1024) / secs;
    console.log(`dd through a ${limit} B/s limit: ${Math.round(rate)} B/s (${secs} s)`);
    expect(Math.abs(rate - limit) / limit).toBeLessThan(0.2);

    const d = await svc.detachDisk({ hostId: ctx.hostId, uuid, target: 'vdb' });
    expect(d.warnings).toEqual([]);
    expect(d.changes).toContainEqual({ what: 'Disk vdb removed', when: 'both' });
    await sh.until('ls /dev/vdb 2>&1', (o) => /No such file/.test(o));
    expect(await dump()).not.toContain(`vd-set-${stamp}-b.raw`);
    await virsh(ctx, 'vol-delete', '--pool', 'default', `vd-set-${stamp}-b.raw`);
  });

  it('changes CD-ROM media live: the new disc is readable in the guest', async () => {
    const r = await svc.changeMedia({ hostId: ctx.hostId, uuid, target: 'hdc', source: { kind: 'file', path: iso } });
    expect(r.changes[0]).toMatchObject({ when: 'both' });
    expect(await dump(false)).toContain(iso);
    expect(await dump()).toContain(iso);
    const out = await sh.until('mkdir -p /mnt/cd; mount -t iso9660 -o ro /dev/sr0 /mnt/cd 2>&1; cat /mnt/cd/marker.txt 2>&1; umount /mnt/cd 2>/dev/null', (o) => o.includes(`media-${stamp}`));
    expect(out).toContain(`media-${stamp}`);
    const ej = await svc.changeMedia({ hostId: ctx.hostId, uuid, target: 'hdc', source: { kind: 'none' } });
    expect(ej.changes[0]?.what).toMatch(/ejected/);
    expect(await dump()).not.toContain(iso);
  });

  it('sets a NIC link down live: the guest shows NO-CARRIER', async () => {
    const mac = (await svc.get({ hostId: ctx.hostId, uuid })).config.nics[0]!.mac;
    const r = await svc.updateNic({ hostId: ctx.hostId, uuid, mac, linkUp: false });
    expect(r.changes).toEqual([{ what: `NIC ${mac} link down`, when: 'both' }]);
    expect(await virsh(ctx, 'domif-getlink', uuid, mac)).toMatch(/down/);
    expect(await dump()).toMatch(/<link state='down'\/>/);
    await sh.until('ip link show eth0', (o) => o.includes('NO-CARRIER'));
    await svc.updateNic({ hostId: ctx.hostId, uuid, mac, linkUp: true });
    await sh.until('ip link show eth0', (o) => !o.includes('NO-CARRIER'));
    // Model changes wait for the next boot.
    const m = await svc.updateNic({ hostId: ctx.hostId, uuid, mac, model: 'e1000' });
    expect(m.changes).toEqual([{ what: `NIC ${mac} model e1000`, when: 'next-boot' }]);
    expect((await svc.get({ hostId: ctx.hostId, uuid })).pending.nics).toContain(`NIC ${mac} model: e1000 at next boot (now virtio)`);
  });

  it('boot order per device, menu and kernel arguments are saved for the next boot', async () => {
    const r = await svc.setBoot({ hostId: ctx.hostId, uuid, boot: { order: [{ kind: 'disk', key: 'vda' }], menu: true, menuTimeoutMs: 1500, kernel: undefined, cmdline: 'console=ttyS0 panic=-1 quiet' } });
    expect(r.applied).toBe('next-boot');
    const x = await dump();
    expect(x).toMatch(/<boot order='1'\/>/);
    expect(x).toMatch(/<bootmenu enable='yes' timeout='1500'\/>/);
    expect(x).toContain('<cmdline>console=ttyS0 panic=-1 quiet</cmdline>');
    expect(x).not.toContain('<kernel>'); // removed from the form = removed from the definition
    // Put the kernel back so the guest can boot again in later tests.
    const cfg = (await svc.get({ hostId: ctx.hostId, uuid })).live!.boot;
    await svc.setBoot({ hostId: ctx.hostId, uuid, boot: { order: [], menu: false, kernel: cfg.kernel, initrd: cfg.initrd, cmdline: cfg.cmdline } });
    expect(await dump()).toContain('<kernel>');
  });

  it('sets a VNC password live without ever returning it; listen address waits for the next boot', async () => {
    const r = await svc.setGraphics({ hostId: ctx.hostId, uuid, index: 0, password: { set: 'Pw$1<x' } });
    expect(r.warnings).toEqual([]);
    expect(r.changes).toEqual([{ what: 'Display password set', when: 'both' }]);
    expect(await virsh(ctx, 'dumpxml', '--security-info', uuid)).toContain(`passwd='Pw$1&lt;x'`);
    const s = await svc.get({ hostId: ctx.hostId, uuid });
    expect(s.config.display.graphics[0]?.hasPassword).toBe(true);
    expect(JSON.stringify(s)).not.toContain('Pw$1');
    const xml = (await svc.getXml({ hostId: ctx.hostId, uuid })).xml;
    expect(xml).not.toContain('Pw$1');
    expect(xml).toContain('__VIRTDECK_KEEP_PASSWORD__');
    const l = await svc.setGraphics({ hostId: ctx.hostId, uuid, index: 0, listen: '0.0.0.0' });
    expect(l.applied).toBe('next-boot');
    // The raw editor's round trip keeps the real password.
    await svc.defineXml({ hostId: ctx.hostId, uuid, xml });
    expect(await virsh(ctx, 'dumpxml', '--inactive', '--security-info', uuid)).toContain(`passwd='Pw$1&lt;x'`);
  });

  it('an invalid raw edit shows libvirt’s message with its line and changes nothing', async () => {
    const before = await dump();
    const xml = (await svc.getXml({ hostId: ctx.hostId, uuid })).xml;
    const bad = xml.replace(/<vcpu([^>]*)>2<\/vcpu>/, '<vcpu$1>2</vcpu>\n  <bogus-element/>');
    const e = await svc.defineXml({ hostId: ctx.hostId, uuid, xml: bad }).catch((x: unknown) => x);
    expect(e).toMatchObject({ error: { code: 'LIBVIRT' } });
    const err = (e as { error: { message: string; detail: { line?: number } } }).error;
    expect(err.message).toMatch(/schema|validate|bogus/i);
    expect(bad.split('\n')[err.detail.line! - 1], `${err.message} ${JSON.stringify(err.detail)}`).toContain('bogus-element');
    const malformed = await svc.defineXml({ hostId: ctx.hostId, uuid, xml: xml.replace('</name>', '</nam>') }).catch((x: unknown) => x);
    expect(malformed).toMatchObject({ error: { code: 'VALIDATION', detail: { line: 2 } } });
    expect(await dump()).toBe(before);
    // A valid edit: libvirt's additions come back as a diff of stored vs sent.
    const ok = await svc.defineXml({ hostId: ctx.hostId, uuid, xml: xml.replace('</name>', '</name>\n  <description>edited &amp; stored</description>') });
    expect(ok.stored).toContain('edited &amp; stored');
    expect(await dump()).toContain('edited &amp; stored');
  });
});

describe('VM settings on a shut-off VM (customise before start)', () => {
  it('changes CPU, memory, disks and NICs, all for the next start', async () => {
    const off = await defineGuest(ctx, { name: `vd-set-off-${stamp}` });
    const s = await svc.get({ hostId: ctx.hostId, uuid: off.uuid });
    expect(s.live).toBeUndefined();
    const cpu = await svc.setCpu({ hostId: ctx.hostId, uuid: off.uuid, cpu: { ...s.config.cpu, vcpus: 2, maxVcpus: 2, mode: 'custom', model: 'qemu64', topology: { sockets: 1, cores: 2, threads: 1 } } });
    expect(cpu.applied).toBe('next-boot');
    const nic = await svc.attachNic({ hostId: ctx.hostId, uuid: off.uuid, nic: { type: 'network', source: 'default', model: 'e1000' } });
    expect(nic.applied).toBe('next-boot');
    const cd = await svc.attachDisk({ hostId: ctx.hostId, uuid: off.uuid, disk: { device: 'cdrom', bus: 'sata', source: { kind: 'none' } } });
    expect(cd.applied).toBe('next-boot');
    const upd = await svc.updateDisk({ hostId: ctx.hostId, uuid: off.uuid, target: 'vda', cache: 'none', discard: 'unmap', io: 'native' });
    expect(upd.changes.map((c) => c.when)).toEqual(['next-boot', 'next-boot', 'next-boot']);
    const grow = await svc.resizeDisk({ hostId: ctx.hostId, uuid: off.uuid, target: 'vda', sizeBytes: 96 << 20 });
    expect(grow.applied).toBe('next-boot');
    expect(await inHost(ctx.host, ['qemu-img', 'info', off.disk])).toMatch(/virtual size: 96 MiB/);
    await svc.setVideo({ hostId: ctx.hostId, uuid: off.uuid, model: 'vga' });
    const x = await virsh(ctx, 'dumpxml', '--inactive', off.uuid);
    expect(x).toMatch(/<vcpu placement='static'>2<\/vcpu>/);
    expect(x).toMatch(/<model fallback='forbid'>qemu64<\/model>/);
    expect(x).toMatch(/<topology sockets='1' dies='1' cores='2' threads='1'\/>/);
    expect(x).toMatch(/<driver name='qemu' type='qcow2' cache='none' io='native' discard='unmap'\/>/);
    expect(x).toMatch(/<model type='e1000'\/>/);
    expect(x).toMatch(/device='cdrom'/);
    expect(x).toMatch(/<model type='vga'/);
    // It still starts with all of that.
    await virsh(ctx, 'start', off.uuid);
    expect(await virsh(ctx, 'domstate', off.uuid)).toMatch(/running/);
    await virsh(ctx, 'destroy', off.uuid);
  });
});
