import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostOccupants, linksToInterfaces, parseIpAddrJson, parseIpRouteJson } from './iproute';
import { parseCidr } from './ip';
import { findConflicts } from './subnets';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const links = parseIpAddrJson(fixture('ip-addr.json'));
const routes = [...parseIpRouteJson(fixture('ip-route.json'), 4), ...parseIpRouteJson(fixture('ip-route6.json'), 6)];
const bridges = new Map([['virbr0', 'default']]);

describe('iproute2 JSON from a lab host', () => {
  it('reads links with kind, state, master and addresses', () => {
    const by = new Map(links.map((l) => [l.name, l]));
    expect(by.get('lo')).toMatchObject({ kind: 'loopback', state: 'up', mac: undefined });
    expect(by.get('eth0')).toMatchObject({ kind: 'veth', state: 'up', mac: 'c2:30:91:9e:b9:4c', addresses: expect.arrayContaining([{ family: 4, local: '10.77.6.11', prefix: 24, scope: 'global' }]) });
    expect(by.get('vnet0')).toMatchObject({ kind: 'tun', master: 'virbr0', state: 'up' });
    expect(by.get('br-lan')).toMatchObject({ kind: 'bridge' });
    expect(by.get('vdtest0')).toMatchObject({ master: 'br-lan' });
  });

  it('turns links into the interfaces list with bridge members and owning networks', () => {
    const ifs = new Map(linksToInterfaces(links, bridges).map((i) => [i.name, i]));
    expect(ifs.get('virbr0')).toMatchObject({ kind: 'bridge', network: 'default', ports: ['vnet0', 'vnet1'], addresses: ['192.168.121.1/24'] });
    expect(ifs.get('br-lan')).toMatchObject({ kind: 'bridge', network: undefined, ports: ['vdtest0'], addresses: ['172.20.0.5/24', 'fd00:77::5/64'] /* no link-local yet: the bridge had no carrier */ });
  });

  it('reads routes, dropping the default route and keeping host and unreachable routes', () => {
    expect(parseIpRouteJson(fixture('ip-route.json'), 4)).toEqual([
      { cidr: '10.77.6.0/24', dev: 'eth0', gateway: undefined, type: undefined },
      { cidr: '10.200.0.0/16', dev: 'eth0', gateway: '10.77.6.1', type: undefined },
      { cidr: '10.201.1.1/32', dev: 'eth0', gateway: undefined, type: undefined },
      { cidr: '10.250.0.0/16', dev: undefined, gateway: undefined, type: 'unreachable' },
      { cidr: '172.20.0.0/24', dev: 'br-lan', gateway: undefined, type: undefined },
      { cidr: '192.168.121.0/24', dev: 'virbr0', gateway: undefined, type: undefined },
    ]);
    expect(parseIpRouteJson([{ dst: 'default', gateway: '10.0.0.1', dev: 'eth0' }, { nonsense: true }, 'x'], 4)).toEqual([]);
    expect(() => parseIpRouteJson({}, 4)).toThrow(/list/);
  });

  it('lists what the host occupies once each, leaving network bridges to the network', () => {
    const occ = hostOccupants(links, routes, bridges);
    expect(occ.some((o) => o.name === 'virbr0' || o.cidr === '192.168.121.0/24')).toBe(false);
    expect(occ.filter((o) => o.cidr === '10.77.6.0/24')).toEqual([{ kind: 'address', name: 'eth0', cidr: '10.77.6.0/24', detail: '10.77.6.11/24' }]);
    expect(occ).toEqual(
      expect.arrayContaining([
        { kind: 'route', name: 'eth0', cidr: '10.200.0.0/16', detail: 'via 10.77.6.1' },
        { kind: 'route', name: 'unreachable', cidr: '10.250.0.0/16', detail: 'unreachable' },
        { kind: 'address', name: 'br-lan', cidr: '172.20.0.0/24', detail: '172.20.0.5/24' },
        { kind: 'address', name: 'br-lan', cidr: 'fd00:77::/64', detail: 'fd00:77::5/64' },
      ]),
    );
    const hit = (c: string) => findConflicts(parseCidr(c)!, occ).map((o) => `${o.kind}:${o.name}:${o.cidr}`);
    expect(hit('10.201.0.0/16')).toEqual(['route:eth0:10.201.1.1/32']);
    expect(hit('172.20.0.128/25')).toEqual(['address:br-lan:172.20.0.0/24']);
    expect(hit('10.0.0.0/8')).toEqual(['address:eth0:10.77.6.0/24', 'route:eth0:10.200.0.0/16', 'route:eth0:10.201.1.1/32', 'route:unreachable:10.250.0.0/16']);
  });
});
