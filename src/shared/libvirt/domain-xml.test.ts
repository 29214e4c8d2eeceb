import { describe, expect, it } from 'vitest';
import { buildTagsMetadata, parseDomainXml, VIRTDECK_NS } from './domain-xml';
import { formatKiB, toKiB } from './units';
import { parseXml } from './xml';

// Shaped like `virsh dumpxml` of a lab guest on libvirt 9.0, plus a hostile name.
const XML = `<domain type='qemu' id='3'>
  <name>web "one" $(rm -rf) 虚拟机</name>
  <uuid>8f1c2a3b-1111-2222-3333-444455556666</uuid>
  <title>Front &amp; back</title>
  <description>line1
line2</description>
  <metadata>
    <virtdeck:tags xmlns:virtdeck="${VIRTDECK_NS}"><virtdeck:tag>web</virtdeck:tag><virtdeck:tag>prod</virtdeck:tag></virtdeck:tags>
    <other:thing xmlns:other="urn:x"><other:tag>nope</other:tag></other:thing>
  </metadata>
  <memory unit='KiB'>98304</memory>
  <currentMemory unit='MiB'>64</currentMemory>
  <vcpu placement='static' current='1'>2</vcpu>
  <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type><kernel>/images/vmlinuz</kernel><boot dev='hd'/><boot dev='cdrom'/></os>
  <cpu mode='custom'><topology sockets='1' dies='1' cores='2' threads='1'/></cpu>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/web.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <disk type='volume' device='cdrom'><source pool='isos' volume='debian.iso'/><target dev='sda' bus='sata'/><readonly/></disk>
    <interface type='network'><mac address='52:54:00:aa:bb:cc'/><source network='default'/><target dev='vnet0'/><model type='virtio'/></interface>
    <console type='pty'><target type='serial' port='0'/></console>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <graphics type='vnc' port='5900' autoport='yes' listen='127.0.0.1' passwd='secret'><listen type='address' address='127.0.0.1'/></graphics>
  </devices>
</domain>`;

describe('parseDomainXml', () => {
  const d = parseDomainXml(XML);
  it('reads identity, text and entities', () => {
    expect(d.name).toBe('web "one" $(rm -rf) 虚拟机');
    expect(d.uuid).toBe('8f1c2a3b-1111-2222-3333-444455556666');
    expect(d.title).toBe('Front & back');
    expect(d.description).toBe('line1\nline2');
    expect(d.virtType).toBe('qemu');
  });
  it('reads CPU, memory with units, boot order', () => {
    expect(d.vcpu).toEqual({ current: 1, max: 2 });
    expect(d.topology).toEqual({ sockets: 1, cores: 2, threads: 1 });
    expect(d.memory).toEqual({ currentKiB: 65536, maxKiB: 98304 });
    expect(d.boot).toEqual(['hd', 'cdrom']);
    expect(d.kernel).toBe('/images/vmlinuz');
    expect(d.machine).toBe('pc-i440fx-7.2');
  });
  it('reads devices', () => {
    expect(d.disks).toHaveLength(2);
    expect(d.disks[0]).toMatchObject({ device: 'disk', target: 'vda', bus: 'virtio', source: '/var/lib/libvirt/images/web.qcow2', format: 'qcow2', readonly: false });
    expect(d.disks[1]).toMatchObject({ device: 'cdrom', type: 'volume', pool: 'isos', volume: 'debian.iso', readonly: true });
    expect(d.nics).toEqual([{ type: 'network', mac: '52:54:00:aa:bb:cc', source: 'default', model: 'virtio', target: 'vnet0' }]);
    expect(d.graphics[0]).toMatchObject({ type: 'vnc', port: 5900, listen: '127.0.0.1', hasPassword: true });
    expect(d.consoles).toEqual([{ type: 'pty', target: 'serial' }]);
    expect(d.hasGuestAgent).toBe(true);
  });
  it('takes tags only from our namespace, whatever the prefix', () => {
    expect(d.tags).toEqual(['web', 'prod']);
    const other = XML.replaceAll('virtdeck:', 'vd:').replace('xmlns:virtdeck', 'xmlns:vd');
    expect(parseDomainXml(other).tags).toEqual(['web', 'prod']);
  });
  it('copes with a bare domain', () => {
    const bare = parseDomainXml(`<domain type='kvm'><name>x</name><uuid>00000000-0000-0000-0000-000000000001</uuid><memory>1024</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`);
    expect(bare).toMatchObject({ disks: [], nics: [], graphics: [], tags: [], hasGuestAgent: false, vcpu: { current: 1, max: 1 }, memory: { currentKiB: 1024, maxKiB: 1024 } });
  });
  it('rejects non-domain XML', () => {
    expect(() => parseDomainXml('<network/>')).toThrow(/domain/);
  });
});

describe('tags metadata', () => {
  it('escapes hostile tag text and drops duplicates', () => {
    const xml = buildTagsMetadata(['a<b>&"c"', 'web', 'web', ' ']);
    const parsed = parseXml(xml) as { tags: { tag: string[] } };
    expect(parsed.tags.tag).toEqual(['a<b>&"c"', 'web']);
  });
});

describe('units', () => {
  it('converts and formats', () => {
    expect(toKiB(2, 'GiB')).toBe(2 * 1024 * 1024);
    expect(toKiB(1, 'bytes')).toBe(0);
    expect(formatKiB(98304)).toBe('96 MiB');
    expect(formatKiB(1536 * 1024)).toBe('1.5 GiB');
    expect(() => toKiB(1, 'parsecs')).toThrow();
  });
});
