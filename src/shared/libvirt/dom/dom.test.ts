import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildDisk,
  buildNic,
  canonicalXml,
  diskByTarget,
  editBoot,
  editCpu,
  editDisk,
  editGraphics,
  editMemory,
  editNic,
  nicByMac,
  parseXmlDoc,
  pendingChanges,
  readConfig,
  serializeElement,
  serializeXmlDoc,
  setIoTune,
  setMedia,
  XmlSyntaxError,
  devicesOf,
  appendChild,
} from './index';

const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/corpus');
const files = readdirSync(CORPUS).filter((f) => f.endsWith('.xml'));
const load = (f: string) => readFileSync(path.join(CORPUS, f), 'utf8');
const flat = (s: string) => s.replace(/>\s+</g, '><');
const roundTrip = (xml: string) => serializeXmlDoc(parseXmlDoc(xml));

describe('round trip: parse, change nothing, serialise', () => {
  it('has a corpus', () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const f of files) {
    it(`keeps the meaning of ${f}`, () => {
      const xml = load(f);
      const out = roundTrip(xml);
      expect(canonicalXml(parseXmlDoc(out))).toBe(canonicalXml(parseXmlDoc(xml)));
      // Idempotent: a second pass is byte-for-byte the first.
      expect(roundTrip(out)).toBe(out);
    });
  }

  it('canonical text notices a real change (the check can fail)', () => {
    const a = parseXmlDoc(load('libvirt-qemu-ns.xml'));
    const b = parseXmlDoc(load('libvirt-qemu-ns.xml').replace("value='-unknown'", "value='-known'"));
    expect(canonicalXml(a)).not.toBe(canonicalXml(b));
  });
});

describe('edits keep what they do not own', () => {
  it('CPU edit leaves qemu: namespace, metadata and comments alone', () => {
    const doc = parseXmlDoc(load('virt-manager-domain-roundtrip.xml'));
    const before = canonicalXml(doc).split('\n').filter((l) => !/vcpu|cputune|shares|"[0-9]+"$/.test(l));
    editCpu(doc, { ...readConfig(doc).cpu, vcpus: 2, maxVcpus: 4, shares: 512 });
    const out = serializeXmlDoc(doc);
    expect(out).toContain('<unknown:tagname>foo</unknown:tagname>');
    expect(out).toContain('<!-- intentional mis-indentation -->');
    expect(out).toContain('<nova:flavor name="m1.tiny">');
    expect(out).toMatch(/<vcpu placement="static" cpuset="1-4,8-20,525" current="2">4<\/vcpu>/);
    const after = canonicalXml(parseXmlDoc(out)).split('\n').filter((l) => !/vcpu|cputune|shares|"[0-9]+"$/.test(l));
    expect(after).toEqual(before);
    expect(readConfig(parseXmlDoc(out)).cpu).toMatchObject({ vcpus: 2, maxVcpus: 4, shares: 512 });
  });

  it('pins, topology and modes', () => {
    const doc = parseXmlDoc(load('libvirt-cputune.xml'));
    const cpu = readConfig(doc).cpu;
    expect(cpu).toMatchObject({ vcpus: 2, maxVcpus: 2, shares: 2048, period: 1000000, quota: -1, emulatorPin: '1', pins: [{ vcpu: 0, cpuset: '0' }, { vcpu: 1, cpuset: '1' }] });
    editCpu(doc, { ...cpu, pins: [{ vcpu: 1, cpuset: '0-1' }], emulatorPin: undefined, mode: 'custom', model: 'qemu64', topology: { sockets: 1, cores: 2, threads: 1 } });
    const out = serializeXmlDoc(doc);
    expect(out).toContain('<global_period>1000000</global_period>'); // not ours: kept
    expect(out).not.toContain('emulatorpin');
    const again = readConfig(parseXmlDoc(out)).cpu;
    expect(again).toMatchObject({ mode: 'custom', model: 'qemu64', topology: { sockets: 1, cores: 2, threads: 1 }, pins: [{ vcpu: 1, cpuset: '0-1' }] });
    expect(() => editCpu(doc, { ...again, topology: { sockets: 2, cores: 2, threads: 1 } })).toThrow(/must equal/);
    expect(() => editCpu(doc, { ...again, vcpus: 3 })).toThrow(/exceed/);
  });

  it('memory, memtune and numatune', () => {
    const doc = parseXmlDoc(load('libvirt-memtune.xml'));
    const m = readConfig(doc).memory;
    expect(m).toMatchObject({ maxKiB: 214 * 1024, currentKiB: 219136, hardLimitKiB: 512000, softLimitKiB: 0, balloon: true });
    editMemory(doc, { ...m, currentKiB: 200 * 1024, hardLimitKiB: undefined, softLimitKiB: undefined, swapHardLimitKiB: undefined, numa: { mode: 'interleave', nodeset: '0' } });
    const out = serializeXmlDoc(doc);
    expect(out).not.toContain('memtune');
    expect(readConfig(parseXmlDoc(out)).memory).toMatchObject({ currentKiB: 204800, numa: { mode: 'interleave', nodeset: '0' } });
  });

  it('boot order moves from os/boot to per-device elements', () => {
    const doc = parseXmlDoc(load('libvirt-net-bandwidth.xml'));
    expect(readConfig(doc).boot).toMatchObject({ legacy: ['cdrom', 'hd'], menu: true, firmware: 'bios', order: [] });
    editBoot(doc, { order: [{ kind: 'nic', key: '52:54:00:24:A5:9F' }, { kind: 'disk', key: 'vda' }], menu: false, kernel: '/k', cmdline: 'console=ttyS0' });
    const b = readConfig(parseXmlDoc(serializeXmlDoc(doc))).boot;
    expect(b).toMatchObject({ legacy: [], menu: false, kernel: '/k', cmdline: 'console=ttyS0' });
    expect(b.order.map((x) => x.key)).toEqual(['52:54:00:24:a5:9f', 'vda']);
    expect(() => editBoot(doc, { order: [{ kind: 'disk', key: 'vdz' }], menu: false })).toThrow(/no disk vdz/);
  });

  it('firmware switches through auto-selection', () => {
    const doc = parseXmlDoc(load('libvirt-boot-order.xml'));
    editBoot(doc, { ...readConfig(doc).boot, firmware: 'uefi' });
    expect(serializeXmlDoc(doc)).toContain('<os firmware="efi">');
    expect(readConfig(doc).boot.firmware).toBe('uefi');
    editBoot(doc, { ...readConfig(doc).boot, firmware: 'bios' });
    expect(readConfig(doc).boot.firmware).toBe('bios');
  });

  it('disks: build, media, bus, iotune', () => {
    const doc = parseXmlDoc(load('libvirt-boot-order.xml'));
    const d = buildDisk(doc, { device: 'disk', bus: 'virtio', source: { kind: 'file', path: '/v/a b&c.qcow2' }, format: 'qcow2', cache: 'none' });
    appendChild(devicesOf(doc), d);
    expect(flat(serializeElement(d))).toBe('<disk type="file" device="disk"><driver name="qemu" type="qcow2" cache="none"/><source file="/v/a b&amp;c.qcow2"/><target dev="vdb" bus="virtio"/></disk>');
    const cd = diskByTarget(doc, 'hdc')!;
    setMedia(doc, cd, { kind: 'none' });
    expect(readConfig(doc).disks.find((x) => x.target === 'hdc')?.source).toBeUndefined();
    setMedia(doc, cd, { kind: 'file', path: '/isos/new.iso' });
    expect(readConfig(doc).disks.find((x) => x.target === 'hdc')?.source).toBe('/isos/new.iso');
    expect(() => setMedia(doc, diskByTarget(doc, 'hda')!, { kind: 'none' })).toThrow(/removable/);
    editDisk(doc, diskByTarget(doc, 'hda')!, { bus: 'sata', cache: 'writeback', discard: 'unmap' });
    const moved = readConfig(doc).disks.find((x) => x.source === '/dev/HostVG/QEMUGuest1');
    expect(moved).toMatchObject({ target: 'sda', bus: 'sata', cache: 'writeback', discard: 'unmap' });
    setIoTune(doc, diskByTarget(doc, 'sda')!, { read_bytes_sec: 1048576, total_iops_sec: 100 });
    expect(readConfig(doc).disks.find((x) => x.target === 'sda')?.iotune).toEqual({ read_bytes_sec: 1048576, total_iops_sec: 100 });
    setIoTune(doc, diskByTarget(doc, 'sda')!, {});
    expect(serializeXmlDoc(doc)).not.toContain('iotune');
  });

  it('NICs: build, link, source, bandwidth', () => {
    const doc = parseXmlDoc(load('libvirt-net-bandwidth.xml'));
    const nic = nicByMac(doc, '52:54:00:24:a5:9f')!;
    editNic(doc, nic, { linkUp: false, type: 'bridge', source: 'br0', inbound: null, outbound: { average: 100 } });
    const n = readConfig(doc).nics[0]!;
    expect(n).toMatchObject({ linkUp: false, type: 'bridge', source: 'br0', inbound: undefined, outbound: { average: 100 } });
    editNic(doc, nic, { linkUp: true, outbound: null });
    expect(serializeElement(nic)).not.toMatch(/bandwidth|link/);
    expect(flat(serializeElement(buildNic(doc, { type: 'network', source: 'default', model: 'virtio' })))).toBe('<interface type="network"><source network="default"/><model type="virtio"/></interface>');
  });

  it('graphics password is set, kept or cleared, never read back', () => {
    const doc = parseXmlDoc(load('virt-manager-change-graphics-in.xml'));
    const g = devicesOf(doc).getElementsByTagName('graphics')[0]!;
    expect(readConfig(doc).display.graphics[0]).toMatchObject({ hasPassword: true, listen: '0.0.0.0' });
    editGraphics(doc, g, { listen: '127.0.0.1' });
    expect(readConfig(doc).display.graphics[0]).toMatchObject({ hasPassword: true, listen: '127.0.0.1' });
    editGraphics(doc, g, { password: { clear: true } });
    expect(readConfig(doc).display.graphics[0]?.hasPassword).toBe(false);
  });
});

describe('pending until restart', () => {
  it('lists what the next boot changes and nothing when equal', () => {
    const config = readConfig(parseXmlDoc(load('libvirt-cputune.xml')));
    expect(Object.values(pendingChanges(config, config)).flat()).toEqual([]);
    const live = structuredClone(config);
    live.cpu.vcpus = 1;
    live.memory.currentKiB = 1024 * 100;
    const p = pendingChanges(config, live);
    expect(p.cpu).toEqual(['vCPUs: 2 at next boot (now 1)']);
    expect(p.memory[0]).toMatch(/^Memory: 214 MiB at next boot \(now 100 MiB\)$/);
  });
});

describe('syntax errors', () => {
  it('carry the line', () => {
    try {
      parseXmlDoc('<domain>\n  <name>x</name>\n  <vcpu>1</vcp>\n</domain>');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(XmlSyntaxError);
      expect((e as XmlSyntaxError).line).toBe(3);
      expect((e as XmlSyntaxError).message).toMatch(/vcpu/);
    }
  });
});
