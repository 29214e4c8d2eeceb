import { describe, expect, it } from 'vitest';
import { mayHaveBacking, normalizePath, parseDiskUses, parseVolumeBacking } from './disk-chain';

// Shapes taken from libvirt 9.0 on the lab (virsh dumpxml of a running linked
// clone, and of its inactive definition; vol-dumpxml of the clone).
const live = `<domain type='qemu' id='3'><name>c</name><devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/vdexp-clone.qcow2' index='1'/>
      <backingStore type='file' index='2'>
        <format type='qcow2'/>
        <source file='/var/lib/libvirt/images/vdexp-base.qcow2'/>
        <backingStore/>
      </backingStore>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/srv/iso//debian.iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <disk type='block' device='disk'><driver name='qemu' type='raw'/><source dev='/dev/vg/shared'/><target dev='vdb'/><shareable/></disk>
    <disk type='volume' device='disk'><driver name='qemu' type='qcow2'/><source pool='default' volume='data.qcow2'/><target dev='vdc'/></disk>
    <disk type='network' device='disk'><driver name='qemu' type='raw'/><source protocol='rbd' name='rbd/img'/><target dev='vdd'/></disk>
    <disk type='file' device='cdrom'><target dev='sdb' bus='sata'/><readonly/></disk>
  </devices></domain>`;

const inactive = `<domain type='qemu'><name>c</name><devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/vdexp-clone.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk></devices></domain>`;

describe('parseDiskUses', () => {
  it('reads the chain libvirt probed for a running domain', () => {
    const [vda, sda, vdb, vdc, vdd, sdb] = parseDiskUses(live);
    expect(vda).toEqual({
      device: 'disk', type: 'file', target: 'vda', path: '/var/lib/libvirt/images/vdexp-clone.qcow2', format: 'qcow2',
      readonly: false, shareable: false, backing: ['/var/lib/libvirt/images/vdexp-base.qcow2'],
    });
    expect(sda).toMatchObject({ device: 'cdrom', path: '/srv/iso/debian.iso', readonly: true });
    expect(vdb).toMatchObject({ type: 'block', path: '/dev/vg/shared', shareable: true });
    expect(vdc).toMatchObject({ type: 'volume', pool: 'default', volume: 'data.qcow2' });
    expect(vdc!.path).toBeUndefined();
    expect(vdd).toMatchObject({ type: 'network', network: 'rbd:rbd/img' });
    expect(vdd!.path).toBeUndefined();
    expect(sdb).toMatchObject({ device: 'cdrom', readonly: true });
    expect(sdb!.path).toBeUndefined(); // an empty drive
  });

  it('says "unknown" (no backing key) for an inactive definition, "none" for an empty <backingStore/>', () => {
    expect(parseDiskUses(inactive)[0]!.backing).toBeUndefined();
    const flat = inactive.replace('<target', '<backingStore/><target');
    expect(parseDiskUses(flat)[0]!.backing).toEqual([]);
  });
});

describe('parseVolumeBacking', () => {
  it('reads the path and the image directly under it', () => {
    const xml = `<volume type='file'><name>vdexp-clone.qcow2</name><target><path>/var/lib/libvirt/images/vdexp-clone.qcow2</path><format type='qcow2'/></target>
      <backingStore><path>/var/lib/libvirt/images/vdexp-base.qcow2</path><format type='qcow2'/></backingStore></volume>`;
    expect(parseVolumeBacking(xml)).toEqual({ path: '/var/lib/libvirt/images/vdexp-clone.qcow2', backing: '/var/lib/libvirt/images/vdexp-base.qcow2' });
    expect(parseVolumeBacking(`<volume><target><path>/a/b.img</path></target></volume>`)).toEqual({ path: '/a/b.img' });
  });
});

describe('helpers', () => {
  it('normalizes paths without touching the filesystem', () => {
    expect(normalizePath('/a//b/./c/../d.img')).toBe('/a/b/d.img');
    expect(normalizePath('rbd/img')).toBe('rbd/img');
  });
  it('only non-raw formats can have a backing file', () => {
    expect([mayHaveBacking('qcow2'), mayHaveBacking('raw'), mayHaveBacking(undefined)]).toEqual([true, false, false]);
  });
});
