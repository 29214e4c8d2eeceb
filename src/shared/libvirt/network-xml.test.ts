import { describe, expect, it } from 'vitest';
import { parseInterfaceXml } from './interface-xml';
import { buildDhcpHostXml, buildNetworkXml, ipBlockIndexFor, parseNetworkXml } from './network-xml';

// Verbatim from a lab host (libvirt 9.0): `virsh net-dumpxml default`.
const DEFAULT = `<network connections='2'>
  <name>default</name>
  <uuid>5ab0e1d2-7c3f-4a61-9e2b-100000000001</uuid>
  <forward mode='nat'>
    <nat>
      <port start='1024' end='65535'/>
    </nat>
  </forward>
  <bridge name='virbr0' stp='on' delay='0'/>
  <mac address='52:54:00:1b:c1:0b'/>
  <ip address='192.168.121.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.121.2' end='192.168.121.254'/>
    </dhcp>
  </ip>
</network>`;

describe('network XML', () => {
  it('parses a NAT network with its subnet and pool', () => {
    expect(parseNetworkXml(DEFAULT)).toEqual({
      uuid: '5ab0e1d2-7c3f-4a61-9e2b-100000000001',
      name: 'default',
      mode: 'nat',
      bridge: 'virbr0',
      forwardDev: undefined,
      forwardInterfaces: [],
      domain: undefined,
      mtu: undefined,
      ips: [{ family: 'ipv4', address: '192.168.121.1', prefix: 24, cidr: '192.168.121.0/24', dhcpRanges: [{ start: '192.168.121.2', end: '192.168.121.254' }], hosts: [] }],
    });
  });

  it('reads every mode, reservations and IPv6 blocks', () => {
    const isolated = parseNetworkXml(`<network><name>iso</name><uuid>u</uuid><bridge name='virbr9'/>
      <ip address='10.1.0.1' prefix='24'><dhcp><range start='10.1.0.10' end='10.1.0.20'/><range start='10.1.0.30' end='10.1.0.40'/>
      <host mac='52:54:00:AA:00:01' name='web' ip='10.1.0.5'/><host mac='52:54:00:aa:00:02' ip='10.1.0.6'/></dhcp></ip>
      <ip family='ipv6' address='fd00:1::1' prefix='64'/></network>`);
    expect(isolated.mode).toBe('isolated');
    expect(isolated.ips[0]?.dhcpRanges).toHaveLength(2);
    expect(isolated.ips[0]?.hosts).toEqual([
      { mac: '52:54:00:aa:00:01', ip: '10.1.0.5', name: 'web' },
      { mac: '52:54:00:aa:00:02', ip: '10.1.0.6', name: undefined },
    ]);
    expect(isolated.ips[1]).toMatchObject({ family: 'ipv6', cidr: 'fd00:1::/64' });
    const bridged = parseNetworkXml(`<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>`);
    expect(bridged).toMatchObject({ mode: 'bridge', bridge: 'br0', ips: [] });
    const direct = parseNetworkXml(`<network><name>mv</name><forward mode='passthrough'><interface dev='eth1'/><interface dev='eth2'/></forward></network>`);
    expect(direct).toMatchObject({ mode: 'passthrough', forwardInterfaces: ['eth1', 'eth2'] });
    expect(parseNetworkXml(`<network><name>o</name><forward mode='open'/><ip address='10.2.0.1' prefix='16'/></network>`).ips[0]?.cidr).toBe('10.2.0.0/16');
    expect(() => parseNetworkXml('<domain/>')).toThrow(/not a libvirt network/);
  });

  it('builds what it parses back, escaping hostile names', () => {
    const name = `net "q" 'a' <b> & $(x) 名`;
    const xml = buildNetworkXml({
      name,
      mode: 'nat',
      forwardDev: 'eth0',
      domainName: 'lab.internal',
      ips: [
        { family: 'ipv4', gateway: '192.168.100.1', prefix: 24, dhcp: { start: '192.168.100.2', end: '192.168.100.254' } },
        { family: 'ipv6', gateway: 'fd00:1::1', prefix: 64, dhcp: null },
      ],
    });
    expect(xml).not.toContain('<b>');
    const back = parseNetworkXml(xml);
    expect(back).toMatchObject({ name, mode: 'nat', forwardDev: 'eth0', domain: 'lab.internal' });
    expect(back.ips.map((i) => [i.family, i.cidr, i.dhcpRanges.length])).toEqual([
      ['ipv4', '192.168.100.0/24', 1],
      ['ipv6', 'fd00:1::/64', 0],
    ]);
    expect(parseNetworkXml(buildNetworkXml({ name: 'i', mode: 'isolated', ips: [{ family: 'ipv4', gateway: '10.0.0.1', prefix: 24, dhcp: null }] })).mode).toBe('isolated');
  });

  it('builds a reservation element and finds its <ip> block', () => {
    expect(buildDhcpHostXml({ mac: '52:54:00:aa:bb:cc', name: 'web', ip: '10.1.0.5' })).toBe('<host mac="52:54:00:aa:bb:cc" name="web" ip="10.1.0.5"/>');
    const ips = parseNetworkXml(`<network><name>n</name><ip family='ipv6' address='fd00::1' prefix='64'/><ip address='10.1.0.1' prefix='24'/></network>`).ips;
    expect(ipBlockIndexFor(ips, '10.1.0.77')).toBe(1);
    expect(ipBlockIndexFor(ips, 'fd00::99')).toBe(0);
    expect(ipBlockIndexFor(ips, '10.2.0.1')).toBe(-1);
  });
});

describe('host interface XML', () => {
  it('reads the udev backend shape (lab host, libvirt 9.0)', () => {
    expect(parseInterfaceXml(`<interface type='ethernet' name='eth0'><mtu size='1500'/><link speed='10000' state='up'/><mac address='c2:30:91:9e:b9:4c'/></interface>`, true)).toEqual({
      name: 'eth0',
      kind: 'ethernet',
      mac: 'c2:30:91:9e:b9:4c',
      state: 'up',
      mtu: 1500,
      addresses: [],
      ports: [],
    });
    expect(parseInterfaceXml(`<interface type='bridge' name='virbr0'><mtu size='1500'/><bridge stp='on' delay='200'></bridge></interface>`, true)).toMatchObject({ kind: 'bridge', state: 'up', ports: [] });
    expect(parseInterfaceXml(`<interface type='ethernet' name='lo'><link state='unknown'/><mac address='00:00:00:00:00:00'/></interface>`, false)).toMatchObject({ kind: 'loopback', mac: undefined, state: 'down' });
  });

  it('reads netcf bridges with members and addresses', () => {
    const br = parseInterfaceXml(
      `<interface type='bridge' name='br0'><protocol family='ipv4'><ip address='10.0.0.5' prefix='24'/></protocol><bridge stp='off'><interface type='ethernet' name='eth1'><mac address='52:54:00:00:00:09'/></interface></bridge></interface>`,
      true,
    );
    expect(br).toMatchObject({ kind: 'bridge', addresses: ['10.0.0.5/24'], ports: ['eth1'] });
  });
});
