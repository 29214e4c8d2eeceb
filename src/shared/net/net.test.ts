import { describe, expect, it } from 'vitest';
import { cidrText, formatIp, netmaskFromPrefix, normalizeMac, overlaps, parseCidr, parseIp, prefixFromNetmask, usableRange, ipText } from './ip';
import { checkIpConfig } from './ip-config';
import { addressPlan, defaultDhcpRange, defaultGateway } from './plan';
import { conflictReason, findConflicts, suggestSubnet, type Occupant } from './subnets';

const cidr = (s: string) => {
  const c = parseCidr(s);
  if (!c) throw new Error(`bad cidr ${s}`);
  return c;
};

describe('addresses', () => {
  it('parses and prints IPv4 strictly', () => {
    expect(formatIp(parseIp('192.168.122.1')!)).toBe('192.168.122.1');
    for (const bad of ['192.168.1', '256.1.1.1', '1.2.3.4.5', '01.2.3.4', '1.2.3.-4', '', 'a.b.c.d', '1.2.3.4 x']) expect(parseIp(bad), bad).toBeUndefined();
  });

  it('parses IPv6 in every legal shape and prints RFC 5952 text', () => {
    const cases: Array<[string, string]> = [
      ['fd00:0:0:0:0:0:0:1', 'fd00::1'],
      ['::', '::'],
      ['::1', '::1'],
      ['2001:DB8::0:1', '2001:db8::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group stays
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
      ['fe80::', 'fe80::'],
    ];
    for (const [input, out] of cases) expect(formatIp(parseIp(input)!), input).toBe(out);
    for (const bad of ['1::2::3', '12345::', ':::', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7']) expect(parseIp(bad), bad).toBeUndefined();
  });

  it('normalises prefixes and reports host bits', () => {
    const c = parseCidr('192.168.100.7/24')!;
    expect(cidrText(c)).toBe('192.168.100.0/24');
    expect(c.hostBitsSet).toBe(true);
    expect(parseCidr('192.168.100.0/24')!.hostBitsSet).toBe(false);
    expect(cidrText(parseCidr('10.0.0.1')!)).toBe('10.0.0.1/32');
    expect(cidrText(parseCidr('fd00:1:2:3::9/64')!)).toBe('fd00:1:2:3::/64');
    for (const bad of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/24/1', 'fd00::/129', '10.0.0.0/x']) expect(parseCidr(bad), bad).toBeUndefined();
  });

  it('converts netmasks and refuses holes', () => {
    expect(prefixFromNetmask('255.255.255.0')).toBe(24);
    expect(prefixFromNetmask('255.255.240.0')).toBe(20);
    expect(prefixFromNetmask('0.0.0.0')).toBe(0);
    expect(prefixFromNetmask('255.0.255.0')).toBeUndefined();
    expect(netmaskFromPrefix(24)).toBe('255.255.255.0');
    expect(netmaskFromPrefix(30)).toBe('255.255.255.252');
  });

  it('tells overlapping prefixes from neighbours, per family', () => {
    expect(overlaps(cidr('192.168.122.0/24'), cidr('192.168.122.128/25'))).toBe(true);
    expect(overlaps(cidr('192.168.122.128/25'), cidr('192.168.122.0/24'))).toBe(true);
    expect(overlaps(cidr('192.168.122.0/24'), cidr('192.168.123.0/24'))).toBe(false);
    expect(overlaps(cidr('10.0.0.0/8'), cidr('10.200.3.0/24'))).toBe(true);
    expect(overlaps(cidr('192.168.122.0/24'), cidr('192.168.121.255/32'))).toBe(false);
    expect(overlaps(cidr('::/0'), cidr('10.0.0.0/8'))).toBe(false);
  });

  it('knows which addresses hosts may use', () => {
    const u = usableRange(cidr('192.168.1.0/24'));
    expect([ipText(4, u.start), ipText(4, u.end)]).toEqual(['192.168.1.1', '192.168.1.254']);
    const p2p = usableRange(cidr('10.0.0.0/31'));
    expect([ipText(4, p2p.start), ipText(4, p2p.end)]).toEqual(['10.0.0.0', '10.0.0.1']);
  });

  it('accepts only unicast MAC-48 addresses, lower-cased', () => {
    expect(normalizeMac('52:54:00:AB:cd:01')).toBe('52:54:00:ab:cd:01');
    expect(normalizeMac('52-54-00-ab-cd-01')).toBe('52:54:00:ab:cd:01');
    expect(normalizeMac('01:00:5e:00:00:01')).toBeUndefined(); // multicast
    expect(normalizeMac('52:54:00:ab:cd')).toBeUndefined();
    expect(normalizeMac("52:54:00:ab:cd:01'")).toBeUndefined();
  });
});

describe('subnet conflicts', () => {
  const occupants: Occupant[] = [
    { kind: 'network', name: 'default', cidr: '192.168.122.0/24', detail: 'NAT on virbr0' },
    { kind: 'address', name: 'eth0', cidr: '10.77.6.0/24', detail: '10.77.6.11/24' },
    { kind: 'route', name: 'eth0', cidr: '10.200.0.0/16', detail: 'via 10.77.6.1' },
    { kind: 'route', name: 'eth0', cidr: '0.0.0.0/0', detail: 'via 10.77.6.1' },
  ];

  it('names every occupant a new subnet would collide with, never the default route', () => {
    expect(findConflicts(cidr('192.168.122.128/25'), occupants).map((o) => o.name)).toEqual(['default']);
    expect(findConflicts(cidr('10.0.0.0/8'), occupants).map((o) => `${o.kind}:${o.cidr}`)).toEqual(['address:10.77.6.0/24', 'route:10.200.0.0/16']);
    expect(findConflicts(cidr('192.168.50.0/24'), occupants)).toEqual([]);
  });

  it('explains a refusal in words', () => {
    const c = cidr('192.168.122.0/25');
    expect(conflictReason(c, findConflicts(c, occupants))).toBe("192.168.122.0/25 overlaps network 'default' (192.168.122.0/24, NAT on virbr0)");
    expect(conflictReason(c, [])).toBeUndefined();
  });

  it('suggests the first free private /24, skipping what is taken', () => {
    expect(suggestSubnet(occupants)).toBe('192.168.100.0/24');
    const busy: Occupant[] = [...occupants, { kind: 'network', name: 'a', cidr: '192.168.100.0/23' }, { kind: 'route', name: 'x', cidr: '192.168.102.0/24' }];
    expect(suggestSubnet(busy)).toBe('192.168.103.0/24');
    expect(suggestSubnet(busy, 4, 20)).toBe('192.168.128.0/20'); // 112.0/20 holds default's 122.0/24
    expect(suggestSubnet([{ kind: 'route', name: 'eth0', cidr: '192.168.0.0/16' }])).toBe('10.0.0.0/24');
    expect(suggestSubnet([], 6)).toBe('fd00:7664::/64');
  });
});

describe('address plan', () => {
  it('counts the pool, reservations, leases and free blocks of a /24', () => {
    const plan = addressPlan({
      cidr: '192.168.100.0/24',
      gateway: '192.168.100.1',
      ranges: [{ start: '192.168.100.100', end: '192.168.100.199' }],
      reservations: [{ ip: '192.168.100.10' }, { ip: '192.168.100.150' }, { ip: '10.0.0.1' /* outside: ignored */ }],
      leases: [{ ip: '192.168.100.150' /* the reserved one */ }, { ip: '192.168.100.100' }, { ip: '192.168.100.101' }],
    })!;
    expect(plan.usable).toBe(254);
    expect(plan.dhcp).toEqual({ size: 100, leased: 2, reserved: 1, free: 97 });
    expect(plan.outside).toEqual({ size: 153, reserved: 1, free: 152 });
    expect(plan.suggestion).toBe('192.168.100.2');
    expect(plan.freeBlocks).toEqual([
      { start: '192.168.100.2', end: '192.168.100.9', count: 8, inDhcpRange: false },
      { start: '192.168.100.11', end: '192.168.100.99', count: 89, inDhcpRange: false },
      { start: '192.168.100.102', end: '192.168.100.149', count: 48, inDhcpRange: true },
      { start: '192.168.100.151', end: '192.168.100.199', count: 49, inDhcpRange: true },
      { start: '192.168.100.200', end: '192.168.100.254', count: 55, inDhcpRange: false },
    ]);
  });

  it('suggests a pool address when the pool covers everything', () => {
    const plan = addressPlan({ cidr: '192.168.122.0/24', gateway: '192.168.122.1', ranges: [{ start: '192.168.122.2', end: '192.168.122.254' }], reservations: [], leases: [{ ip: '192.168.122.2' }] })!;
    expect(plan.outside).toEqual({ size: 0, reserved: 0, free: 0 });
    expect(plan.dhcp).toEqual({ size: 253, leased: 1, reserved: 0, free: 252 });
    expect(plan.suggestion).toBe('192.168.122.3');
  });

  it('caps the block list and says how many more there are', () => {
    const leases = Array.from({ length: 60 }, (_, i) => ({ ip: `10.9.0.${2 + i * 3}` }));
    const plan = addressPlan({ cidr: '10.9.0.0/24', gateway: '10.9.0.1', ranges: [], reservations: [], leases })!;
    expect(plan.freeBlocks).toHaveLength(24);
    expect(plan.freeBlocks.length + plan.moreBlocks).toBe(60); // 59 gaps between leases + the tail
    expect(plan.dhcp).toBeNull();
  });

  it('handles a huge IPv6 subnet without walking it', () => {
    const plan = addressPlan({ cidr: 'fd00:1::/64', gateway: 'fd00:1::1', ranges: [{ start: 'fd00:1::100', end: 'fd00:1::1ff' }], reservations: [], leases: [] })!;
    expect(plan.dhcp?.size).toBe(256);
    expect(plan.suggestion).toBe('fd00:1::2');
    expect(plan.freeBlocks[0]).toMatchObject({ start: 'fd00:1::2', end: 'fd00:1::ff', count: 254 });
  });

  it('defaults like libvirt: gateway first, pool after it to the end', () => {
    expect(defaultGateway('192.168.100.0/24')).toBe('192.168.100.1');
    expect(defaultDhcpRange('192.168.100.0/24', '192.168.100.1')).toEqual({ start: '192.168.100.2', end: '192.168.100.254' });
    expect(defaultDhcpRange('10.0.0.0/30', '10.0.0.1')).toEqual({ start: '10.0.0.2', end: '10.0.0.2' });
  });
});

describe('IP configuration of a new network', () => {
  it('fills gateway from the first usable address, or from host bits typed into the subnet', () => {
    expect(checkIpConfig({ cidr: '192.168.100.0/24', dhcp: { start: '192.168.100.2', end: '192.168.100.254' } })).toEqual({
      config: { family: 4, cidr: '192.168.100.0/24', prefix: 24, gateway: '192.168.100.1', dhcp: { start: '192.168.100.2', end: '192.168.100.254' } },
      errors: {},
    });
    expect(checkIpConfig({ cidr: '192.168.100.254/24' }).config).toMatchObject({ cidr: '192.168.100.0/24', gateway: '192.168.100.254', dhcp: null });
  });

  it('says what is wrong with each field', () => {
    expect(checkIpConfig({ cidr: '192.168.100.0' }).errors.cidr).toMatch(/subnet like/);
    expect(checkIpConfig({ cidr: 'fd00::/64' }, 4).errors.cidr).toMatch(/IPv6/);
    expect(checkIpConfig({ cidr: '10.0.0.0/31' }).errors.cidr).toMatch(/between \/8 and \/30/);
    expect(checkIpConfig({ cidr: '10.0.0.0/24', gateway: '10.0.1.1' }).errors.gateway).toMatch(/inside 10.0.0.0\/24/);
    expect(checkIpConfig({ cidr: '10.0.0.0/24', gateway: '10.0.0.255' }).errors.gateway).toMatch(/usable/);
    const e = checkIpConfig({ cidr: '10.0.0.0/24', dhcp: { start: '10.0.0.200', end: '10.0.0.100' } }).errors;
    expect(e.dhcpEnd).toMatch(/ends before it starts/);
    expect(checkIpConfig({ cidr: '10.0.0.0/24', dhcp: { start: '10.0.0.1', end: '10.0.0.100' } }).errors.dhcpStart).toMatch(/gateway 10.0.0.1/);
    expect(checkIpConfig({ cidr: '10.0.0.0/24', dhcp: { start: 'x', end: '10.0.1.5' } }).errors).toMatchObject({ dhcpStart: expect.stringMatching(/first address/), dhcpEnd: expect.stringMatching(/inside/) });
  });
});
