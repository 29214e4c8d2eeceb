import { describe, expect, it } from 'vitest';
import { parseDomainXml } from './domain-xml';
import { setNicSource } from './nic-source';

const XML = `<domain type='qemu'>
  <name>web "1"</name>
  <metadata><vd:tags xmlns:vd="https://virtdeck.dev/xmlns/domain/1"><vd:tag>a&amp;b</vd:tag></vd:tags></metadata>
  <devices>
    <disk type='file' device='disk'><source file='/var/lib/libvirt/images/web.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <interface type='network'>
      <mac address='52:54:00:aa:bb:01'/>
      <source network='default' portgroup='pg1'/>
      <model type='virtio'/>
      <target dev='vnet3'/>
      <alias name='net0'/>
    </interface>
    <interface type='bridge'>
      <mac address='52:54:00:AA:BB:02'/>
      <source bridge='br-ovs'/>
      <virtualport type='openvswitch'/>
      <model type='e1000'/>
    </interface>
  </devices>
</domain>`;

describe('re-plugging a NIC', () => {
  it('changes only the chosen NIC, keeping every other element', () => {
    const name = `lab "net" <'&'> 名`;
    const edit = setNicSource(XML, '52:54:00:AA:BB:01', { type: 'network', network: name });
    expect(edit.before).toBe("network 'default'");
    const d = parseDomainXml(edit.domainXml);
    expect(d.nics).toEqual([
      { type: 'network', mac: '52:54:00:aa:bb:01', source: name, model: 'virtio', target: 'vnet3' },
      { type: 'bridge', mac: '52:54:00:AA:BB:02', source: 'br-ovs', model: 'e1000', target: undefined },
    ]);
    expect(d.name).toBe('web "1"');
    expect(d.tags).toEqual(['a&b']);
    expect(d.disks[0]?.source).toBe('/var/lib/libvirt/images/web.qcow2');
    expect(edit.domainXml).not.toContain('portgroup');
    expect(edit.interfaceXml).toMatch(/^<interface type="network">/);
    expect(edit.interfaceXml).toContain('<alias name="net0"/>');
  });

  it('plugs into a bridge and drops the old virtualport', () => {
    const edit = setNicSource(XML, '52:54:00:aa:bb:02', { type: 'bridge', bridge: 'br0' });
    expect(edit.before).toBe("bridge 'br-ovs'");
    expect(parseDomainXml(edit.domainXml).nics[1]).toMatchObject({ type: 'bridge', source: 'br0' });
    expect(edit.interfaceXml).not.toContain('virtualport');
  });

  it('refuses a MAC the VM does not have', () => {
    expect(() => setNicSource(XML, '52:54:00:00:00:09', { type: 'network', network: 'x' })).toThrow(/no NIC with MAC 52:54:00:00:00:09/);
    expect(() => setNicSource('<network/>', '52:54:00:00:00:09', { type: 'network', network: 'x' })).toThrow(/not a libvirt domain/);
  });
});
