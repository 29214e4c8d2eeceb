import { describe, expect, it } from 'vitest';
import { mapNetworks, migratableParts } from './xml';

const XML = `<domain type='qemu'>
  <name>a&amp;b</name>
  <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>
  <cpu mode='custom' match='exact' check='none'><model fallback='forbid'>qemu64</model></cpu>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    <interface type='network'><source network='constructor'/></interface>
    <interface type='bridge'><source bridge='default'/></interface>
    <unknown-future-thing keep='me'/>
  </devices>
</domain>`;

describe('migration XML edits', () => {
  it('finds the CPU, machine and emulator to compare on the target', () => {
    const p = migratableParts(XML);
    expect(p).toMatchObject({ virtType: 'qemu', arch: 'x86_64', machine: 'pc-i440fx-7.2', emulator: '/usr/bin/qemu-system-x86_64', cpuMode: 'custom' });
    expect(p.cpuXml).toMatch(/^<cpu mode="custom"[^>]*><model fallback="forbid">qemu64<\/model><\/cpu>$/);
    expect(migratableParts(`<domain type='kvm'><cpu><topology sockets='1' cores='2' threads='1'/></cpu></domain>`).cpuXml).toBeUndefined();
  });

  it('maps only network interfaces, keeps everything else', () => {
    const out = mapNetworks(XML, { default: 'lan', other: 'x' });
    expect(out).toContain(`<source network="lan"/>`);
    expect(out).toContain(`<source bridge="default"/>`);
    expect(out).toContain(`<source network="constructor"/>`);
    expect(out).toContain(`<unknown-future-thing keep="me"/>`);
    expect(out).toContain('<name>a&amp;b</name>');
    expect(mapNetworks(XML, {})).toBe(XML);
  });

  it('refuses what is not a domain', () => {
    expect(() => migratableParts('<network/>')).toThrow(/not a libvirt domain/);
    expect(() => mapNetworks('<domain><unclosed></domain>', { a: 'b' })).toThrow();
  });
});
