import { describe, expect, it } from 'vitest';
import { parseXml, child, attr } from '../../shared/libvirt/xml';
import { cdromXml, freeTarget } from './attach-cdrom';

describe('CD-ROM drive XML', () => {
  it('takes the first free slot of the bus', () => {
    expect(freeTarget('ide', ['vda'])).toBe('hda');
    expect(freeTarget('ide', ['hda', 'hdb'])).toBe('hdc');
    expect(freeTarget('sata', ['sda'])).toBe('sdb');
    expect(() => freeTarget('ide', ['hda', 'hdb', 'hdc', 'hdd'])).toThrow(/no free IDE slot/);
  });

  it('builds a read-only raw CD-ROM with the path escaped as data', () => {
    const disk = child(parseXml(cdromXml(`/var/lib/libvirt/images/a "b" & 'c'.iso`, 'hdc', 'ide')), 'disk');
    expect(attr(disk, 'device')).toBe('cdrom');
    expect(attr(child(disk, 'source'), 'file')).toBe(`/var/lib/libvirt/images/a "b" & 'c'.iso`);
    expect(attr(child(disk, 'target'), 'dev')).toBe('hdc');
    expect(attr(child(disk, 'driver'), 'type')).toBe('raw');
    expect(child(disk, 'readonly')).toBeDefined();
  });
});
