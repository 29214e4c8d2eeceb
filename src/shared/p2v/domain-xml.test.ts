import { describe, expect, it } from 'vitest';
import { child, children, attr, parseXml, text } from '../libvirt/xml';
import { buildP2vDomainXml, targetDev } from './domain-xml';

const base = { name: 'web "01" <&> $(x)', vcpus: 2, memoryMiB: 2048, firmware: 'bios', diskBus: 'sata', nicModel: 'e1000e', network: 'default', virtType: 'kvm' } as const;

describe('P2V domain XML', () => {
  it('boots from its first disk on SATA with e1000e; names are escaped by the XML library', () => {
    const xml = buildP2vDomainXml({ req: base, uuid: '11111111-2222-3333-4444-555555555555', disks: [{ path: '/var/lib/libvirt/images/a b.img', format: 'raw' }, { path: '/p/c.qcow2', format: 'qcow2' }], nics: [{}, { mac: '52:54:00:aa:bb:cc' }] });
    const dom = child(parseXml(xml), 'domain');
    expect(attr(dom, 'type')).toBe('kvm');
    expect(text(dom, 'name')).toBe('web "01" <&> $(x)');
    expect(child(dom, 'os')?.kernel).toBeUndefined();
    const disks = children(child(dom, 'devices'), 'disk');
    expect(disks.map((d) => attr(child(d, 'target'), 'dev'))).toEqual(['sda', 'sdb']);
    expect(disks.map((d) => attr(child(d, 'target'), 'bus'))).toEqual(['sata', 'sata']);
    expect(disks.map((d) => attr(child(d, 'driver'), 'type'))).toEqual(['raw', 'qcow2']);
    expect(attr(child(disks[0], 'boot'), 'order')).toBe('1');
    const nics = children(child(dom, 'devices'), 'interface');
    expect(nics.map((n) => attr(child(n, 'model'), 'type'))).toEqual(['e1000e', 'e1000e']);
    expect(nics.map((n) => attr(child(n, 'mac'), 'address'))).toEqual([undefined, '52:54:00:aa:bb:cc']);
    expect(attr(child(children(child(dom, 'devices'), 'serial')[0], 'log'), 'file')).toBe('/var/log/libvirt/qemu/11111111-2222-3333-4444-555555555555-serial.log');
  });

  it('UEFI asks libvirt for EFI firmware; virtio and scsi buses name their devices', () => {
    const xml = buildP2vDomainXml({ req: { ...base, firmware: 'uefi', diskBus: 'scsi', virtType: 'qemu' }, uuid: 'u', disks: [{ path: '/a', format: 'raw' }], nics: [] });
    const dom = child(parseXml(xml), 'domain');
    expect(attr(child(dom, 'os'), 'firmware')).toBe('efi');
    expect(child(dom, 'cpu')).toBeUndefined(); // host-model only with kvm
    expect(attr(children(child(dom, 'devices'), 'controller')[0], 'model')).toBe('virtio-scsi');
    expect(children(child(dom, 'devices'), 'interface')).toHaveLength(1); // a NIC even when the source listed none
    expect(targetDev('virtio', 0)).toBe('vda');
    expect(targetDev('sata', 27)).toBe('sdab');
  });
});
