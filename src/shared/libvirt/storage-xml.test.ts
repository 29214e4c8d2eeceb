import { describe, expect, it } from 'vitest';
import { buildPoolXml, buildVolumeXml, parsePoolXml, parseVolumeXml } from './storage-xml';

describe('storage pool XML', () => {
  it('builds each form variant and reads it back, escaping hostile names', () => {
    const name = `p "q" <x> & 'y' $(z)`;
    const dir = parsePoolXml(buildPoolXml({ type: 'dir', name, path: '/srv/a "b"' }));
    expect(dir).toMatchObject({ type: 'dir', name, targetPath: '/srv/a "b"' });
    const lvm = parsePoolXml(buildPoolXml({ type: 'logical', name: 'vg', vgName: 'vg0', devices: ['/dev/sdb', '/dev/sdc'] }));
    expect(lvm).toMatchObject({ type: 'logical', targetPath: '/dev/vg0', source: { name: 'vg0', format: 'lvm2', devices: ['/dev/sdb', '/dev/sdc'] } });
    expect(parsePoolXml(buildPoolXml({ type: 'logical', name: 'vg', vgName: 'vg0', devices: [] })).source.devices).toEqual([]);
    const nfs = parsePoolXml(buildPoolXml({ type: 'netfs', name: 'nfs', server: 'filer.example', exportPath: '/export/vm', path: '/mnt/vm', protocol: 'nfs' }));
    expect(nfs).toMatchObject({ type: 'netfs', targetPath: '/mnt/vm', source: { host: 'filer.example', dir: '/export/vm', format: 'nfs' } });
  });

  it('parses what libvirt answers for a running dir pool', () => {
    const xml = `<pool type='dir'>
  <name>default</name>
  <uuid>5ab0e1d2-7c3f-4a61-9e2b-200000000001</uuid>
  <capacity unit='bytes'>270465425408</capacity>
  <allocation unit='bytes'>26474455040</allocation>
  <available unit='bytes'>243990970368</available>
  <source>
  </source>
  <target>
    <path>/var/lib/libvirt/images</path>
    <permissions><mode>0711</mode><owner>0</owner><group>0</group></permissions>
  </target>
</pool>`;
    expect(parsePoolXml(xml)).toEqual({ type: 'dir', name: 'default', uuid: '5ab0e1d2-7c3f-4a61-9e2b-200000000001', targetPath: '/var/lib/libvirt/images', source: { devices: [] } });
  });
});

describe('storage volume XML', () => {
  it('reads format, sizes and the backing file of a qcow2 overlay', () => {
    const xml = `<volume type='file'>
  <name>top.qcow2</name>
  <key>/var/lib/libvirt/images/top.qcow2</key>
  <capacity unit='bytes'>67108864</capacity>
  <allocation unit='bytes'>200704</allocation>
  <physical unit='bytes'>196624</physical>
  <target>
    <path>/var/lib/libvirt/images/top.qcow2</path>
    <format type='qcow2'/>
    <compat>1.1</compat>
  </target>
  <backingStore>
    <path>/var/lib/libvirt/images/base.qcow2</path>
    <format type='qcow2'/>
  </backingStore>
</volume>`;
    expect(parseVolumeXml(xml)).toEqual({
      name: 'top.qcow2',
      key: '/var/lib/libvirt/images/top.qcow2',
      type: 'file',
      path: '/var/lib/libvirt/images/top.qcow2',
      format: 'qcow2',
      capacity: 67108864,
      allocation: 200704,
      backing: { path: '/var/lib/libvirt/images/base.qcow2', format: 'qcow2' },
    });
  });

  it('builds sizes in bytes and round-trips names and backing paths', () => {
    const xml = buildVolumeXml({ name: `v "1" & <2>.qcow2`, capacity: 2 ** 40, allocation: 0, format: 'qcow2', backing: { path: "/a/b'c.qcow2", format: 'qcow2' } });
    expect(xml).toContain(`<capacity unit="bytes">1099511627776</capacity>`);
    expect(parseVolumeXml(xml)).toMatchObject({ name: `v "1" & <2>.qcow2`, capacity: 2 ** 40, allocation: 0, format: 'qcow2', backing: { path: "/a/b'c.qcow2" } });
  });

  it('converts other units to bytes', () => {
    expect(parseVolumeXml(`<volume><name>x</name><capacity unit='G'>2</capacity><allocation>5</allocation></volume>`)).toMatchObject({ capacity: 2 * 1024 ** 3, allocation: 5 });
  });
});
