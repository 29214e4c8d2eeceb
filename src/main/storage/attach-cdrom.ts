import { attr, buildXml, child, children, parseXml } from '../../shared/libvirt/xml';
import type { VolumeRef } from '../../shared/model/volume';
import { toLibvirtFailure } from '../libvirt/errors';
import { Affect, XmlFlags } from '../libvirt/flags';
import { P } from '../libvirt/rpc/procedures/index';
import type { StorageDeps } from './pools';
import { lookupVolume } from './volumes';

// A minimal "put this ISO in the VM's CD-ROM drive" (domains.attachCdrom), the
// way virt-manager does it: change the media of an existing drive (live and in
// the definition), or add a drive to the definition when there is none. The VM
// settings editor will own device editing; this stays small and separate.

interface Drive {
  target: string;
  bus?: string;
  source?: string;
}

function cdromDrives(domainXml: string): { drives: Drive[]; targets: string[]; machine: string } {
  const dom = child(parseXml(domainXml), 'domain');
  const disks = children(child(dom, 'devices'), 'disk');
  const src = (d: unknown) => attr(child(d, 'source'), 'file') ?? attr(child(d, 'source'), 'dev');
  return {
    drives: disks.filter((d) => attr(d, 'device') === 'cdrom').map((d) => ({ target: attr(child(d, 'target'), 'dev') ?? '', bus: attr(child(d, 'target'), 'bus'), source: src(d) })),
    targets: disks.map((d) => attr(child(d, 'target'), 'dev') ?? ''),
    machine: attr(child(child(dom, 'os'), 'type'), 'machine') ?? '',
  };
}

/** The first free device name on a bus: hda..hdd on IDE (i440fx), sda.. on SATA (q35). */
export function freeTarget(bus: 'ide' | 'sata', taken: readonly string[]): string {
  const prefix = bus === 'ide' ? 'hd' : 'sd';
  const max = bus === 'ide' ? 4 : 26;
  for (let i = 0; i < max; i++) {
    const t = prefix + String.fromCharCode(97 + i);
    if (!taken.includes(t)) return t;
  }
  throw new Error(`no free ${bus.toUpperCase()} slot for a CD-ROM drive`);
}

export function cdromXml(path: string, target: string, bus: string): string {
  return buildXml({
    disk: { '@_type': 'file', '@_device': 'cdrom', driver: { '@_name': 'qemu', '@_type': 'raw' }, source: { '@_file': path }, target: { '@_dev': target, '@_bus': bus }, readonly: '' },
  });
}

export async function domainAttachCdrom(deps: StorageDeps, hostId: string, uuid: string, vol: Omit<VolumeRef, 'hostId'>): Promise<{ target: string; live: boolean; config: boolean; note?: string }> {
  const c = deps.sessions.client(hostId);
  const volRef = await lookupVolume(c, { hostId, ...vol });
  const what = `Putting “${vol.name}” into the CD-ROM drive`;
  try {
    const path = await c.call(P.STORAGE_VOL_GET_PATH, { vol: volRef });
    const dom = await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid });
    const active = dom.id >= 0;
    const inactive = cdromDrives(await c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: XmlFlags.INACTIVE }));
    const live = active ? cdromDrives(await c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: 0 })) : undefined;
    const current = live ?? inactive;
    const drive = current.drives.find((d) => !d.source) ?? current.drives[0];
    if (drive) {
      // Changing media works live on IDE, SATA and SCSI drives alike.
      const inConfig = inactive.drives.some((d) => d.target === drive.target);
      const flags = (active ? Affect.LIVE : 0) | (inConfig ? Affect.CONFIG : 0);
      await c.call(P.DOMAIN_UPDATE_DEVICE_FLAGS, { dom, xml: cdromXml(path, drive.target, drive.bus ?? 'ide'), flags });
      return { target: drive.target, live: active, config: inConfig, ...(drive.source ? { note: `replaced ${drive.source}` } : {}) };
    }
    // No drive yet: QEMU cannot hot-plug a CD-ROM drive, so it goes into the definition.
    const bus = /q35/.test(inactive.machine) ? 'sata' : 'ide';
    const target = freeTarget(bus, inactive.targets);
    await c.call(P.DOMAIN_ATTACH_DEVICE_FLAGS, { dom, xml: cdromXml(path, target, bus), flags: Affect.CONFIG });
    return { target, live: false, config: true, ...(active ? { note: 'A CD-ROM drive cannot be added to a running VM: it appears at the next start' } : {}) };
  } catch (e) {
    throw toLibvirtFailure(e, hostId, what);
  }
}
