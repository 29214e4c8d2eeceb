import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSpecSchema, type CreateSpec, type CreateSpecInput } from '../../shared/create/spec';
import { readInstallPlan } from '../../shared/create/install-meta';
import { parseXmlDoc } from '../../shared/libvirt/dom/index';
import { REPO, waitForLab } from '../hosts/lab-harness';
import { GuestShell, labCtx, virsh, type LabCtx } from '../domains/testing/lab-vm';
import { P } from '../libvirt/rpc/procedures/index';
import { uploadVolume } from '../storage/transfer';
import { CreateService } from './service';
import { volumeXml } from './volumes';

// The create service against a real lab host: install media uploaded from
// this machine, VMs made from an ISO, an imported disk, a cloud image with a
// NoCloud seed, a network-install tree served inside the lab, and PXE; each
// must reach its serial shell (or show the PXE attempt), and a full pool must
// leave nothing behind.

let ctx: LabCtx;
let svc: CreateService;
let media: string;
let http: ChildProcess | undefined;
let treeUrl: string;
const stamp = Date.now().toString(36);
const uploaded: string[] = [];

/** Uploads a local file into the host's default pool (what the wizard's "from this computer" does). */
async function uploadFile(file: string, name: string): Promise<void> {
  const c = ctx.sessions.client(ctx.hostId);
  const pool = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: 'default' });
  const size = statSync(file).size;
  // The file goes up byte for byte into a raw volume of its size; the pool refresh then reads a qcow2 header as qcow2.
  const vol = await c.call(P.STORAGE_VOL_CREATE_XML, { pool, xml: volumeXml({ name, capacity: size, format: 'raw' }), flags: 0 });
  const buf = readFileSync(file);
  await uploadVolume({ sessions: ctx.sessions, hostId: ctx.hostId, vol, size, source: (async function* () { yield buf; })(), signal: new AbortController().signal });
  uploaded.push(name);
  await c.call(P.STORAGE_POOL_REFRESH, { pool, flags: 0 });
}

const spec = (o: Partial<CreateSpecInput> & Pick<CreateSpecInput, 'name' | 'source'>): CreateSpec =>
  CreateSpecSchema.parse({
    osId: 'linux2022',
    ...o,
    hardware: {
      vcpus: 1,
      memoryMiB: 128,
      machine: 'q35',
      firmware: 'bios',
      accel: 'qemu',
      cpuMode: 'default',
      disk: { sizeGiB: 0.0625, format: 'qcow2', pool: 'default', bus: 'virtio' },
      nic: { type: 'network', source: 'default', model: 'virtio' },
      vnc: true,
      video: 'vga',
      ...o.hardware,
    },
  });

async function create(s: CreateSpec, name = s.name) {
  const run = svc.start(s, [{ hostId: ctx.hostId, name }]);
  const out = await run.result.catch(async (e: unknown) => {
    const t = ctx.tasks.get(run.taskId);
    throw new Error(`create failed: ${String(e)}\nlog: ${t.log.map((l) => l.message).join('\n')}\ncleanup: ${t.cleanup.join('\n')}`);
  });
  ctx.created.push(...out.map((r) => r.uuid));
  return { ...out[0]!, task: ctx.tasks.get(run.taskId) };
}

const xmlOf = async (uuid: string, inactive = true) => {
  const c = ctx.sessions.client(ctx.hostId);
  return c.call(P.DOMAIN_GET_XML_DESC, { dom: await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid }), flags: inactive ? 2 : 0 });
};
const volumes = async (pool = 'default') => {
  const c = ctx.sessions.client(ctx.hostId);
  await c.call(P.STORAGE_POOL_REFRESH, { pool: await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: pool }), flags: 0 }).catch(() => {});
  const { vols } = await c.call(P.STORAGE_POOL_LIST_ALL_VOLUMES, { pool: await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: pool }), need_results: 1, flags: 0 });
  return vols.map((v) => v.name);
};

beforeAll(async () => {
  const lab = await waitForLab();
  // Install media from the lab's guest kernel (cached; rebuilt when the guest image changed).
  const { execFileSync } = await import('node:child_process');
  media = execFileSync('bash', [path.join(REPO, 'e2e/lab/build-media.sh')], { timeout: 300_000 }).toString().trim().split('\n').pop()!;
  ctx = await labCtx();
  svc = new CreateService({ sessions: ctx.sessions, tasks: ctx.tasks, transport: (id) => ctx.h.registry.transport(id), seedWatch: { pollMs: 300, quietMs: 5000, deadlineMs: 180_000 } });
  await uploadFile(path.join(media, 'boot.iso'), `vd-create-${stamp}-boot.iso`);
  await uploadFile(path.join(media, 'disk.qcow2'), `vd-create-${stamp}-disk.qcow2`);
  // A distribution tree served from the lab gateway (inside the lab netns only).
  const port = 18000 + Math.floor(Math.random() * 2000);
  http = spawn('python3', ['-m', 'http.server', '--bind', lab.gateway, String(port), '--directory', path.join(media, 'tree')], { stdio: 'ignore' });
  treeUrl = `http://${lab.gateway}:${port}/`;
  const deadline = Date.now() + 20_000;
  while (!(await fetch(`${treeUrl}.treeinfo`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline) throw new Error('the tree server did not answer');
    await new Promise((r) => setTimeout(r, 100));
  }
}, 400_000);

afterAll(async () => {
  http?.kill();
  if (!ctx) return;
  for (const v of uploaded) await virsh(ctx, 'vol-delete', '--pool', 'default', v).catch(() => {});
  await ctx.dispose();
}, 120_000);

describe('create (lab)', () => {
  it('host options: OS list, capabilities, pools, networks, names', async () => {
    const o = await svc.getOptions(ctx.hostId);
    expect(o.os.profiles.length).toBeGreaterThan(5);
    expect(o.accel).toContain('qemu');
    expect(o.pools.some((p) => p.name === 'default' && p.active)).toBe(true);
    expect(o.networks.some((n) => n.name === 'default')).toBe(true);
    expect(o.names).toContain(`${ctx.host.name.replace('lab-', 'lab')}-web`);
    const m = await svc.listMedia(ctx.hostId);
    expect(m.find((x) => x.volume === `vd-create-${stamp}-boot.iso`)?.kind).toBe('iso');
    expect(m.find((x) => x.volume === `vd-create-${stamp}-disk.qcow2`)?.kind).toBe('disk');
  }, 120_000);

  it('from an uploaded ISO (hostile name): boots to its serial shell; later boots use the disk', async () => {
    const name = `vd "iso" $(x); \\ 名 ${stamp}`;
    expect((await svc.check(ctx.hostId, name, 'default')).free).toBe(true);
    const s = spec({ name, source: { kind: 'iso', media: { kind: 'volume', pool: 'default', volume: `vd-create-${stamp}-boot.iso` } } });
    const pre = await svc.preview(ctx.hostId, name, s);
    expect(pre.virtInstall).toContain('--cdrom');
    const r = await create(s);
    expect(r.started).toBe(true);
    const sh = await GuestShell.open(ctx, r.uuid, 180_000);
    expect(await sh.run('grep -c VDLABBOOT /proc/mounts || cat /proc/cmdline')).toContain('console=ttyS0');
    sh.close();
    const doc = parseXmlDoc(await xmlOf(r.uuid));
    expect(readInstallPlan(doc)).toBeUndefined();
    const cd = Array.from(doc.getElementsByTagName('disk')).find((d) => d.getAttribute('device') === 'cdrom')!;
    expect(cd.getElementsByTagName('source').length).toBe(0); // ejected for later boots
    expect((await svc.check(ctx.hostId, name)).free).toBe(false);
  }, 300_000);

  it('from an imported disk image (in place): boots', async () => {
    const name = `vd-import-${stamp}`;
    const r = await create(spec({ name, source: { kind: 'import', use: 'in-place', media: { kind: 'volume', pool: 'default', volume: `vd-create-${stamp}-disk.qcow2` } } }));
    const sh = await GuestShell.open(ctx, r.uuid, 180_000);
    expect(await sh.run('cat /proc/cmdline')).toContain('console=ttyS0');
    sh.close();
    await virsh(ctx, 'destroy', r.uuid).catch(() => {});
  }, 300_000);

  it('cloud image as a backing file + cloud-init: hostname and runcmd applied, seed removed once read', async () => {
    const name = `vd-cloud-${stamp}`;
    const r = await create(
      spec({
        name,
        source: { kind: 'cloud', use: 'backing', media: { kind: 'volume', pool: 'default', volume: `vd-create-${stamp}-disk.qcow2` } },
        cloudInit: { hostname: 'ci-test', runcmd: `echo VD-MARKER-${stamp} > /tmp/vd-marker\necho "runcmd ran for ${stamp}"` },
      }),
    );
    const sh = await GuestShell.open(ctx, r.uuid, 180_000);
    expect(await sh.until('hostname', (o) => o.trim() === 'ci-test', 60_000)).toBe('ci-test');
    expect(await sh.until('cat /tmp/vd-marker 2>/dev/null', (o) => o.includes(`VD-MARKER-${stamp}`), 60_000)).toContain(stamp);
    sh.close();
    const seedTask = svc.seedTasks.get(r.uuid)!;
    await seedTask.result;
    const seedLog = ctx.tasks.get(seedTask.taskId).log.map((l) => l.message).join('\n');
    expect(await volumes()).not.toContain(`${name}-cidata.iso`);
    expect(seedLog).toMatch(/Unplugged the seed drive/);
    expect(seedLog).toMatch(/No reads for 5 s/); // removed because it was read, not at the deadline
    const diskSources = (xml: string) => Array.from(parseXmlDoc(xml).getElementsByTagName('disk')).map((d) => d.getElementsByTagName('source')[0]?.getAttribute('file') ?? '');
    expect(diskSources(await xmlOf(r.uuid, false)).filter((f) => f.includes('cidata'))).toEqual([]); // unplugged from the running VM
    expect(await xmlOf(r.uuid)).not.toContain('cidata'); // and gone from the definition, plan included
    await virsh(ctx, 'destroy', r.uuid).catch(() => {});
  }, 300_000);

  it.each(['host', 'workstation'] as const)('network install from a tree (fetched by the %s): boots the tree kernel, scratch volumes deleted', async (by) => {
    const name = `vd-url-${by}-${stamp}`;
    const r = await create(spec({ name, source: { kind: 'url', url: treeUrl, fetchBy: by, kernelArgs: `console=ttyS0 vdtree=${by}` } }));
    expect(r.task.log.map((l) => l.message).join('\n')).toContain('.treeinfo');
    const sh = await GuestShell.open(ctx, r.uuid, 180_000);
    expect(await sh.run('cat /proc/cmdline')).toContain(`vdtree=${by}`);
    sh.close();
    const vols = await volumes();
    expect(vols.filter((v) => v.startsWith(`${name}-install`))).toEqual([]);
    const doc = parseXmlDoc(await xmlOf(r.uuid));
    expect(doc.getElementsByTagName('kernel').length).toBe(0);
    await virsh(ctx, 'destroy', r.uuid).catch(() => {});
  }, 300_000);

  it('“Customise before start”, then a plain Start (toolbar, bulk): the install plan runs all the same', async () => {
    const name = `vd-custom-${stamp}`;
    const r = await create(spec({ name, customise: true, source: { kind: 'url', url: treeUrl, fetchBy: 'host', kernelArgs: 'console=ttyS0 vdtree=custom' } }));
    expect(r.started).toBe(false);
    expect(readInstallPlan(parseXmlDoc(await xmlOf(r.uuid)))).toMatchObject({ kernel: true });
    // What DomainActions asks before a start: there is a plan, so it starts through it.
    expect(await svc.beginIfPlanned(ctx.hostId, r.uuid)).toBe(true);
    const sh = await GuestShell.open(ctx, r.uuid, 180_000);
    expect(await sh.run('cat /proc/cmdline')).toContain('vdtree=custom');
    sh.close();
    const doc = parseXmlDoc(await xmlOf(r.uuid));
    expect(readInstallPlan(doc)).toBeUndefined();
    expect(doc.getElementsByTagName('kernel').length).toBe(0);
    expect((await volumes()).filter((v) => v.startsWith(`${name}-install`))).toEqual([]);
    await virsh(ctx, 'destroy', r.uuid);
    // No plan left: a start is a plain start again.
    expect(await svc.beginIfPlanned(ctx.hostId, r.uuid)).toBe(false);
  }, 300_000);

  it('PXE on the default network: the console shows the PXE attempt', async () => {
    const name = `vd-pxe-${stamp}`;
    const r = await create(spec({ name, source: { kind: 'pxe' }, hardware: { disk: null, serialBios: true } as never }));
    const c = ctx.sessions.client(ctx.hostId);
    const stream = await c.openStream(P.DOMAIN_OPEN_CONSOLE, { dom: await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: r.uuid }), dev_name: null, flags: 1 }, { finishTimeoutMs: 3000 });
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString('latin1')));
    stream.on('error', () => {});
    const deadline = Date.now() + 120_000;
    while (!/iPXE|PXE/.test(text) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
    stream.end();
    expect(text).toMatch(/iPXE|PXE/);
    await virsh(ctx, 'destroy', r.uuid).catch(() => {});
  }, 200_000);

  it('a full pool midway: nothing is left behind and the task says what it undid', async () => {
    const dir = `/var/lib/vd-tiny-${stamp}`;
    const pool = `vd-tiny-${stamp}`;
    await virsh(ctx, 'pool-list'); // the host answers
    const { execFileSync } = await import('node:child_process');
    execFileSync('bash', [path.join(REPO, 'e2e/lab/lab.sh'), 'in', ctx.host.name, 'sh', '-c', 'mkdir -p "$1" && mount -t tmpfs -o size=6m vdtiny "$1"', 'sh', dir], { timeout: 30_000 });
    try {
      const c = ctx.sessions.client(ctx.hostId);
      await c.call(P.STORAGE_POOL_CREATE_XML, { xml: `<pool type="dir"><name>${pool}</name><target><path>${dir}</path></target></pool>`, flags: 0 });
      const name = `vd-full-${stamp}`;
      const run = svc.start(
        spec({
          name,
          source: { kind: 'cloud', use: 'copy', media: { kind: 'volume', pool: 'default', volume: `vd-create-${stamp}-disk.qcow2` } },
          hardware: { disk: { sizeGiB: 0.0625, format: 'qcow2', pool, bus: 'virtio' } } as never,
          cloudInit: { hostname: 'full' },
        }),
        [{ hostId: ctx.hostId, name }],
      );
      await expect(run.result).rejects.toThrow();
      const t = await ctx.tasks.settled(run.taskId);
      expect(t.state).toBe('failed');
      expect(t.error?.message).toMatch(/Copying .* into/);
      expect(t.cleanup.join('\n')).toMatch(/cloud-init seed/);
      expect(await volumes(pool)).toEqual([]);
      expect((await svc.check(ctx.hostId, name)).free).toBe(true);
    } finally {
      await virsh(ctx, 'pool-destroy', pool).catch(() => {});
      execFileSync('bash', [path.join(REPO, 'e2e/lab/lab.sh'), 'in', ctx.host.name, 'sh', '-c', 'umount "$1"; rmdir "$1"', 'sh', dir], { timeout: 30_000 });
    }
  }, 200_000);
});
