import { describe, expect, it } from 'vitest';
import { hostnameFromVm, rangeText } from './format';

describe('network page wording', () => {
  it('turns any VM name into a DHCP host name', () => {
    expect(hostnameFromVm('web-01')).toBe('web-01');
    expect(hostnameFromVm(`vd "q" $(x) Café 名`)).toBe('vd-q-x-Cafe');
    expect(hostnameFromVm('x'.repeat(80))).toHaveLength(63);
  });

  it('lists DHCP ranges of the IPv4 block', () => {
    expect(rangeText({ ips: [] })).toBeUndefined();
    expect(rangeText({ ips: [{ family: 'ipv4', address: '10.0.0.1', prefix: 24, cidr: '10.0.0.0/24', dhcpRanges: [{ start: '10.0.0.2', end: '10.0.0.9' }, { start: '10.0.0.20', end: '10.0.0.29' }], hosts: [] }] })).toBe(
      '10.0.0.2 – 10.0.0.9, 10.0.0.20 – 10.0.0.29',
    );
  });
});
