import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseXmlDoc, serializeXmlDoc } from '../libvirt/dom/index';
import { parseDomainXml } from '../libvirt/domain-xml';
import { buildDomainXml } from './build';
import { buildSeedIso, cloudInitDocuments, hostnameFrom, runcmdLines } from './cloud-init';
import { finalizeDefinition, readInstallPlan } from './install-meta';
import { CURATED_OS } from './os';
import { osProfilesFromOsinfo } from './osinfo';
import { CreateSpecSchema, type CreateSpecInput } from './spec';
import { installCmdline, parseTreeinfo, treeCandidates, treeUrl } from './tree';
import { virtInstallArgv, virtInstallPrep, virtInstallScript, virtInstallText } from './virt-install';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-create-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const linux = CURATED_OS.find((o) => o.id === 'linux2022')!;
const win11 = CURATED_OS.find((o) => o.id === 'win11')!;
const HOSTILE = `web "1" $(touch x); \\ 'é`;

const spec = (over: Partial<CreateSpecInput> = {}) =>
  CreateSpecSchema.parse({
    name: 'web-1',
    osId: linux.id,
    source: { kind: 'iso', media: { kind: 'volume', pool: 'default', volume: 'boot.iso' } },
    hardware: { vcpus: 2, memoryMiB: 512, machine: 'q35', firmware: 'bios', accel: 'qemu', disk: { sizeGiB: 4, pool: 'default', bus: 'virtio' }, nic: { type: 'network', source: 'default', model: 'virtio' }, video: 'virtio' },
    ...over,
  });

describe('osinfo database', () => {
  const text = readFileSync(path.join(__dirname, 'fixtures/osinfo-lines.txt'), 'utf8');
  const all = osProfilesFromOsinfo(text, new Date('2026-01-01'));
  const byId = (id: string) => all.find((o) => o.id === id)!;

  it('reads real osinfo-db lines (as the host script keeps them) into profiles', () => {
    expect(all.map((o) => o.id)).toEqual(expect.arrayContaining(['debian9', 'debian10', 'debian11', 'win10', 'win11', 'linux2022', 'unknown', 'fedora36']));
    expect(byId('debian11')).toMatchObject({ name: 'Debian 11', family: 'linux', osinfoId: 'http://debian.org/debian/11', source: 'osinfo', virtio: true, diskBus: 'virtio', nicModel: 'virtio' });
  });

  it('inherits devices along derives-from (debian11 lists only virtio-gpu/fs itself)', () => {
    expect(byId('debian11').virtio).toBe(true);
    expect(byId('debian11').video).toBe('virtio');
    expect(byId('debian11').machine).toBe('q35');
  });

  it('takes memory and disk from the resources, in MiB and GiB', () => {
    expect(byId('debian11')).toMatchObject({ minMemoryMiB: 1024, memoryMiB: 1024, minDiskGiB: 10, diskGiB: 20 });
  });

  it('Windows 11: UEFI only (BIOS unsupported), TPM, SATA + e1000e, local clock, Hyper-V', () => {
    expect(byId('win11')).toMatchObject({ family: 'windows', firmware: 'uefi', uefiOnly: true, tpm: true, diskBus: 'sata', nicModel: 'e1000e', clock: 'localtime', hyperv: true, virtio: false });
    expect(byId('win10')).toMatchObject({ uefiOnly: false, firmware: 'bios', tpm: false });
  });

  it('marks end-of-life releases, and an unknown OS gets the safe hardware', () => {
    expect(byId('debian9').eol).toBe(true);
    expect(byId('unknown')).toMatchObject({ virtio: false, family: 'other' });
  });

  it('skips a malformed entry and keeps the rest', () => {
    const broken = osProfilesFromOsinfo(`${text}\n<os id="http://x/y"><short-id>x</short-id><name>X</name><version>1<version></os>`);
    expect(broken.length).toBe(all.length);
  });
});

describe('domain definition', () => {
  it('builds an ISO install: CD-ROM boots first, the disk after; the plan ejects it after the first start', () => {
    const r = buildDomainXml({ spec: spec(), name: 'web-1', os: linux, mac: '52:54:00:00:00:01', disk: { path: '/i/web-1.qcow2', format: 'qcow2' }, iso: { path: '/i/boot.iso' } });
    const d = parseDomainXml(r.xml);
    expect(d).toMatchObject({ name: 'web-1', virtType: 'qemu', machine: 'q35', vcpu: { current: 2, max: 2 }, memory: { maxKiB: 512 * 1024 } });
    expect(d.disks.map((x) => [x.device, x.target, x.bus, x.source])).toEqual([
      ['disk', 'vda', 'virtio', '/i/web-1.qcow2'],
      ['cdrom', 'sda', 'sata', '/i/boot.iso'],
    ]);
    expect(r.xml).toMatch(/<target dev="sda" bus="sata"\/>\s*<readonly\/>\s*<boot order="1"\/>/);
    expect(r.xml).toMatch(/<target dev="vda" bus="virtio"\/>\s*<boot order="2"\/>/);
    expect(r.plan).toEqual({ kernel: false, mediaTarget: 'sda', scratch: [], boot: [{ kind: 'disk', key: 'vda' }] });
    const doc = parseXmlDoc(r.xml);
    expect(readInstallPlan(doc)).toEqual(r.plan);
    finalizeDefinition(doc, r.plan, true);
    const final = serializeXmlDoc(doc);
    expect(parseDomainXml(final).disks[1]).toMatchObject({ device: 'cdrom', source: undefined });
    expect(final).toMatch(/<target dev="vda" bus="virtio"\/>\s*<boot order="1"\/>/);
    expect(final).not.toContain('vdinstall');
  });

  it('escapes hostile names as data and keeps tags and the OS id in metadata', () => {
    const r = buildDomainXml({ spec: spec({ name: HOSTILE, tags: ['app:web', 'prod'] }), name: HOSTILE, os: linux, mac: '52:54:00:00:00:02', disk: { path: `/i/${HOSTILE}.qcow2`, format: 'qcow2' } });
    const d = parseDomainXml(r.xml);
    expect(d.name).toBe(HOSTILE);
    expect(d.disks[0]!.source).toBe(`/i/${HOSTILE}.qcow2`);
    expect(d.tags).toEqual(['app:web', 'prod']);
    expect(r.xml).toContain('<libosinfo:os id="http://libosinfo.org/linux/2022"/>');
  });

  it('network install: direct kernel boot with the command line, removed after the first start with the scratch volumes', () => {
    const r = buildDomainXml({
      spec: spec({ source: { kind: 'url', url: 'http://10.0.0.1/tree/' } }),
      name: 'n',
      os: linux,
      disk: { path: '/i/n.qcow2', format: 'qcow2' },
      kernel: { kernel: '/b/n-vmlinuz', initrd: '/b/n-initrd', cmdline: 'console=ttyS0 inst.repo=http://10.0.0.1/tree/', scratch: [{ pool: 'default', volume: 'n-vmlinuz' }] },
    });
    expect(r.xml).toContain('<kernel>/b/n-vmlinuz</kernel>');
    expect(r.xml).toContain('<cmdline>console=ttyS0 inst.repo=http://10.0.0.1/tree/</cmdline>');
    const doc = parseXmlDoc(r.xml);
    finalizeDefinition(doc, readInstallPlan(doc)!, true);
    expect(serializeXmlDoc(doc)).not.toMatch(/<kernel>|<initrd>|<cmdline>/);
  });

  it('PXE: the NIC boots first; serial BIOS output asked for', () => {
    const r = buildDomainXml({ spec: spec({ source: { kind: 'pxe' }, hardware: { ...spec().hardware, disk: null, serialBios: true } }), name: 'p', os: linux, mac: '52:54:00:00:00:03' });
    expect(r.xml).toMatch(/<model type="virtio"\/>\s*<boot order="1"\/>/);
    expect(r.xml).toContain('<bios useserial="yes"/>');
    expect(r.plan.boot).toEqual([{ kind: 'nic', key: '52:54:00:00:00:03' }]);
  });

  it('cloud-init seed: a read-only virtio disk on virtio OSes (it hot-unplugs), a CD-ROM otherwise; dropped at finalize but still owed', () => {
    const seed = { pool: 'default', volume: 's-cidata.iso', path: '/i/s-cidata.iso' };
    const a = buildDomainXml({ spec: spec({ source: { kind: 'cloud', media: { kind: 'path', path: '/i/img.qcow2' } } }), name: 's', os: linux, disk: { path: '/i/s.qcow2', format: 'qcow2' }, seed });
    expect(a.targets.seed).toBe('vdb');
    expect(a.xml).toMatch(/<target dev="vdb" bus="virtio"\/>\s*<readonly\/>/);
    const doc = parseXmlDoc(a.xml);
    finalizeDefinition(doc, a.plan, false);
    expect(parseDomainXml(serializeXmlDoc(doc)).disks.map((d) => d.target)).toEqual(['vda']);
    expect(readInstallPlan(doc)).toEqual({ kernel: false, seed: { pool: 'default', volume: 's-cidata.iso', target: 'vdb' }, scratch: [], boot: [] });
    const b = buildDomainXml({ spec: spec({ osId: 'win11', hardware: { ...spec().hardware, disk: { sizeGiB: 64, pool: 'default', bus: 'sata', format: 'qcow2' } } }), name: 'w', os: win11, disk: { path: '/i/w.qcow2', format: 'qcow2' }, seed });
    expect(b.xml).toMatch(/<disk type="file" device="cdrom">[\s\S]*s-cidata.iso[\s\S]*<target dev="sdb" bus="sata"\/>/);
  });

  it('Windows 11 on UEFI: firmware auto-selection, TPM 2.0 emulator, Hyper-V, SMM, local clock', () => {
    const r = buildDomainXml({ spec: spec({ osId: 'win11', hardware: { ...spec().hardware, firmware: 'uefi', tpm: true, accel: 'kvm' } }), name: 'w', os: win11 });
    expect(r.xml).toContain('<os firmware="efi">');
    expect(r.xml).toMatch(/<tpm model="tpm-crb">\s*<backend type="emulator" version="2.0"\/>/);
    expect(r.xml).toContain('<relaxed state="on"/>');
    expect(r.xml).toContain('<smm state="on"/>');
    expect(r.xml).toContain('<clock offset="localtime">');
    expect(r.xml).toContain('<cpu mode="host-passthrough" check="none" migratable="on"/>');
  });
});

describe('cloud-init documents and seed', () => {
  const ci = CreateSpecSchema.shape.cloudInit.unwrap().parse({
    hostname: 'ci-test',
    user: { name: 'admin', password: 's3cret', sshKeys: ['ssh-ed25519 AAAAC3Nza admin@ws'] },
    packages: ['nginx'],
    runcmd: 'echo marker > /root/m\n# a comment\n\n  a: b  \n',
    network: { mode: 'static', address: '192.168.122.50/24', gateway: '192.168.122.1', dns: ['192.168.122.1'] },
  });
  const docs = cloudInitDocuments(ci, { instanceId: 'iid-1', vmName: 'web', mac: '52:54:00:AA:BB:CC' });

  it('user-data is #cloud-config YAML with the user, keys, password, packages and runcmd', () => {
    expect(docs.userData.startsWith('#cloud-config\n')).toBe(true);
    const u = parseYaml(docs.userData) as Record<string, unknown>;
    expect(u).toMatchObject({
      hostname: 'ci-test',
      users: ['default', { name: 'admin', sudo: 'ALL=(ALL) NOPASSWD:ALL', ssh_authorized_keys: ['ssh-ed25519 AAAAC3Nza admin@ws'], plain_text_passwd: 's3cret', lock_passwd: false }],
      ssh_pwauth: true,
      package_update: true,
      packages: ['nginx'],
      runcmd: ['echo marker > /root/m', 'a: b'],
    });
  });

  it('meta-data and network-config v2 (matched by MAC)', () => {
    expect(parseYaml(docs.metaData)).toEqual({ 'instance-id': 'iid-1', 'local-hostname': 'ci-test' });
    expect(parseYaml(docs.networkConfig!)).toEqual({
      version: 2,
      ethernets: { eth0: { match: { macaddress: '52:54:00:aa:bb:cc' }, 'set-name': 'eth0', addresses: ['192.168.122.50/24'], routes: [{ to: 'default', via: '192.168.122.1' }], nameservers: { addresses: ['192.168.122.1'] } } },
    });
  });

  it('raw user-data replaces the generated one; DHCP writes no network-config', () => {
    const raw = cloudInitDocuments({ ...ci, userDataRaw: '#!/bin/sh\necho hi', network: { mode: 'dhcp' } }, { instanceId: 'i', vmName: 'x' });
    expect(raw.userData).toBe('#!/bin/sh\necho hi\n');
    expect(raw.networkConfig).toBeUndefined();
  });

  it('passes a real ISO 9660 reader: label cidata, Joliet names, files byte for byte', () => {
    const file = path.join(dir, 'seed.iso');
    writeFileSync(file, buildSeedIso(docs));
    const d = execFileSync('isoinfo', ['-d', '-i', file]).toString();
    expect(d).toMatch(/Volume id: CIDATA/);
    expect(d).toMatch(/Joliet with UCS level 3 found/);
    expect(execFileSync('isoinfo', ['-J', '-f', '-i', file]).toString().split('\n').filter(Boolean).sort()).toEqual(['/meta-data', '/network-config', '/user-data']);
    expect(execFileSync('isoinfo', ['-J', '-x', '/user-data', '-i', file]).toString()).toBe(docs.userData);
    // blkid (util-linux) reports the label cloud-init looks for.
    expect(execFileSync('blkid', ['-p', '-o', 'export', file]).toString()).toMatch(/^LABEL=cidata$/im);
  });

  it('host names and runcmd lines', () => {
    expect(hostnameFrom(HOSTILE)).toBe('web-1-touch-x');
    expect(hostnameFrom('ÉÉÉ')).toBe('vm');
    expect(runcmdLines('a\n\n# b\n c ')).toEqual(['a', 'c']);
  });
});

describe('install trees', () => {
  it('reads .treeinfo images and knows the common layouts', () => {
    const t = parseTreeinfo('[header]\nversion = 1.2\n[release]\nname = Fedora\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n');
    expect(t).toMatchObject({ kernel: 'images/pxeboot/vmlinuz', initrd: 'images/pxeboot/initrd.img', anaconda: true });
    expect(parseTreeinfo('[general]\nfamily = x\n')).toBeUndefined();
    expect(treeCandidates({ name: 'Debian 12', tree: { kernel: 'install.amd/vmlinuz', initrd: 'install.amd/initrd.gz' } })[0]!.from).toBe('the OS database (Debian 12)');
    expect(treeUrl('http://h/a/tree', 'images/x')).toBe('http://h/a/tree/images/x');
    expect(treeUrl('http://h/a/tree/', '/images/x')).toBe('http://h/a/tree/images/x');
    expect(installCmdline('http://h/t/', { anaconda: true }, 'console=ttyS0')).toBe('console=ttyS0 inst.repo=http://h/t/');
    expect(installCmdline('http://h/t/', { anaconda: true }, 'inst.repo=nfs:x')).toBe('inst.repo=nfs:x');
  });
});

describe('virt-install line', () => {
  const shWords = (text: string) => execFileSync('sh', ['-c', `set -- ${text.replace(/^virt-install /, '').replace(/\\\n/g, '')}; printf '%s\\0' "$@"`]).toString().split('\0').slice(0, -1);

  it('says the same as the definition, each value one word for sh (hostile name included)', () => {
    const s = spec({ name: HOSTILE, cloudInit: { hostname: 'h', network: { mode: 'dhcp' } } as never });
    const argv = virtInstallArgv(s, { name: HOSTILE, os: linux, mac: '52:54:00:00:00:09', connect: 'qemu+ssh://root@10.0.0.11/system' });
    expect(argv).toEqual(
      expect.arrayContaining(['--name', HOSTILE, '--osinfo', 'linux2022', '--virt-type', 'qemu', '--machine', 'q35', '--vcpus', '2', '--memory', '512', '--cdrom', 'default/boot.iso', '--network', 'network=default,model=virtio,mac=52:54:00:00:00:09']),
    );
    expect(argv).toContain('pool=default,size=4,bus=virtio,format=qcow2');
    expect(argv.join(' ')).toContain('--cloud-init user-data=web_1_touch_x_');
    expect(shWords(virtInstallText(argv))).toEqual(argv.slice(1));
  });

  it('cloud image as a backing file; a full copy is prepared with virsh first; a VNC password stays a variable', () => {
    const back = virtInstallArgv(spec({ source: { kind: 'cloud', media: { kind: 'path', path: '/img/base.qcow2' }, use: 'backing' } }), { name: 'c', os: linux });
    expect(back).toContain('pool=default,size=4,backing_store=/img/base.qcow2,bus=virtio,format=qcow2');
    expect(back).toContain('--import');
    const copy = spec({ source: { kind: 'import', media: { kind: 'volume', pool: 'images', volume: 'gold.qcow2' }, use: 'copy' }, hardware: { ...spec().hardware, vncPassword: 'pw' } });
    expect(virtInstallPrep(copy, { name: 'c' })).toEqual([
      ['virsh', 'vol-clone', '--pool', 'images', 'gold.qcow2', 'c.qcow2', '--newpool', 'default'],
      ['virsh', 'vol-resize', '--pool', 'default', 'c.qcow2', '4G'],
    ]);
    const script = virtInstallScript(virtInstallPrep(copy, { name: 'c' }), virtInstallArgv(copy, { name: 'c', os: linux }));
    expect(script).toContain('--disk vol=default/c.qcow2,bus=virtio,format=qcow2');
    expect(script).toContain('--graphics "vnc,listen=127.0.0.1,password=$VNC_PASSWORD"');
    expect(script).not.toContain('pw');
  });
});
