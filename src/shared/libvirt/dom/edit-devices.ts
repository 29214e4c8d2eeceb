import type { IoTune } from '../../model/vm-settings';
import { IOTUNE_KEYS } from '../../model/vm-settings';
import { appendChild, attr, child, children, domainRoot, ensureChild, makeElement, pruneIfEmpty, removeChild, removeElement, setAttr, setText, type XmlDocument, type XmlElement } from './xml-dom';

// Device editors. They work on one device element, so the same function
// edits the persistent definition and, for a live update, the running VM's
// copy of that device (which carries its alias and address).

export function devicesOf(doc: XmlDocument): XmlElement {
  return ensureChild(domainRoot(doc), 'devices');
}

export const diskByTarget = (doc: XmlDocument, target: string) =>
  children(devicesOf(doc), 'disk').find((d) => attr(child(d, 'target'), 'dev') === target);

export const nicByMac = (doc: XmlDocument, mac: string) =>
  children(devicesOf(doc), 'interface').find((i) => (attr(child(i, 'mac'), 'address') ?? '').toLowerCase() === mac.toLowerCase());

const PREFIX: Record<string, string> = { virtio: 'vd', scsi: 'sd', sata: 'sd', usb: 'sd', ide: 'hd', fdc: 'fd', xen: 'xvd' };

/** Target names of all disks (to keep a new one free in the live definition too). */
export const diskTargets = (doc: XmlDocument): string[] => children(devicesOf(doc), 'disk').map((d) => attr(child(d, 'target'), 'dev') ?? '');

/** The next free target name for a bus: vda, vdb… (sd and hd share nothing with vd). */
export function freeTarget(doc: XmlDocument, bus: string, alsoUsed: Iterable<string> = []): string {
  const prefix = PREFIX[bus] ?? 'sd';
  const used = new Set([...children(devicesOf(doc), 'disk').map((d) => attr(child(d, 'target'), 'dev')), ...alsoUsed]);
  for (let i = 0; i < 26 * 27; i++) {
    const name = i < 26 ? String.fromCharCode(97 + i) : String.fromCharCode(96 + Math.floor(i / 26)) + String.fromCharCode(97 + (i % 26));
    if (!used.has(prefix + name)) return prefix + name;
  }
  throw new Error(`no free ${bus} disk name left`);
}

export type DiskSource = { kind: 'file'; path: string } | { kind: 'block'; path: string } | { kind: 'volume'; pool: string; volume: string } | { kind: 'none' };

export interface NewDisk {
  device: 'disk' | 'cdrom';
  bus: string;
  source: DiskSource;
  format?: string;
  target?: string;
  cache?: string;
  io?: string;
  discard?: string;
  readonly?: boolean;
}

function writeSource(doc: XmlDocument, disk: XmlElement, src: DiskSource): void {
  // Keep <source> children we do not own (seclabel, reservations) when the kind stays the same.
  const old = child(disk, 'source');
  if (src.kind === 'none') {
    if (old) removeElement(old);
    setAttr(disk, 'type', attr(disk, 'type') === 'volume' ? 'file' : (attr(disk, 'type') ?? 'file'));
    return;
  }
  const el = old ?? appendChild(disk, makeElement(doc, 'source'), ['target']);
  for (const a of ['file', 'dev', 'pool', 'volume', 'dir', 'name', 'protocol']) el.removeAttribute(a);
  if (src.kind === 'volume') {
    setAttr(disk, 'type', 'volume');
    setAttr(el, 'pool', src.pool);
    setAttr(el, 'volume', src.volume);
  } else {
    setAttr(disk, 'type', src.kind);
    setAttr(el, src.kind === 'file' ? 'file' : 'dev', src.path);
  }
}

/** Sets driver attributes; 'default' (or undefined when `clear`) drops the attribute so libvirt picks. */
function setDriver(doc: XmlDocument, disk: XmlElement, v: { format?: string; cache?: string; io?: string; discard?: string }): void {
  const drv = child(disk, 'driver') ?? appendChild(disk, makeElement(doc, 'driver', { name: 'qemu' }), ['source', 'target']);
  if (v.format !== undefined) setAttr(drv, 'type', v.format);
  for (const k of ['cache', 'io', 'discard'] as const) {
    const val = v[k];
    if (val !== undefined) setAttr(drv, k, val === 'default' ? undefined : val);
  }
}

export function buildDisk(doc: XmlDocument, spec: NewDisk): XmlElement {
  const type = spec.source.kind === 'none' ? 'file' : spec.source.kind;
  const disk = makeElement(doc, 'disk', { type, device: spec.device });
  setDriver(doc, disk, { format: spec.format ?? (spec.device === 'cdrom' ? 'raw' : undefined), cache: spec.cache, io: spec.io, discard: spec.discard });
  writeSource(doc, disk, spec.source);
  appendChild(disk, makeElement(doc, 'target', { dev: spec.target ?? freeTarget(doc, spec.bus), bus: spec.bus }));
  if (spec.device === 'cdrom' || spec.readonly) appendChild(disk, makeElement(doc, 'readonly'));
  return disk;
}

export interface DiskEdit {
  bus?: string;
  cache?: string;
  io?: string;
  discard?: string;
}

/** Bus, cache, I/O mode, discard. A new bus renames the target (vda -> sda) and drops the old address. */
export function editDisk(doc: XmlDocument, disk: XmlElement, e: DiskEdit): void {
  setDriver(doc, disk, e);
  const target = child(disk, 'target');
  if (e.bus && target && attr(target, 'bus') !== e.bus) {
    setAttr(target, 'dev', freeTarget(doc, e.bus));
    setAttr(target, 'bus', e.bus);
    removeChild(disk, 'address');
  }
}

/** Inserts (or ejects, with kind 'none') the media of a CD-ROM or floppy. */
export function setMedia(doc: XmlDocument, disk: XmlElement, src: DiskSource): void {
  const device = attr(disk, 'device');
  if (device !== 'cdrom' && device !== 'floppy') throw new Error('only CD-ROM and floppy drives take removable media');
  writeSource(doc, disk, src);
}

/** Replaces the limits we know in <iotune>; group_name and unknown children stay. */
export function setIoTune(doc: XmlDocument, disk: XmlElement, tune: IoTune): void {
  const el = child(disk, 'iotune') ?? appendChild(disk, makeElement(doc, 'iotune'), ['alias', 'address']);
  for (const k of IOTUNE_KEYS) {
    const v = tune[k];
    if (v && v > 0) setText(ensureChild(el, k), v);
    else removeChild(el, k);
  }
  pruneIfEmpty(el);
}

export interface NewNic {
  type: 'network' | 'bridge';
  source: string;
  model: string;
  mac?: string;
}

export function buildNic(doc: XmlDocument, spec: NewNic): XmlElement {
  const nic = makeElement(doc, 'interface', { type: spec.type });
  if (spec.mac) appendChild(nic, makeElement(doc, 'mac', { address: spec.mac.toLowerCase() }));
  appendChild(nic, makeElement(doc, 'source', spec.type === 'network' ? { network: spec.source } : { bridge: spec.source }));
  appendChild(nic, makeElement(doc, 'model', { type: spec.model }));
  return nic;
}

export interface Bandwidth {
  average: number;
  peak?: number;
  burst?: number;
}

export interface NicEdit {
  type?: 'network' | 'bridge';
  source?: string;
  model?: string;
  mac?: string;
  linkUp?: boolean;
  /** null removes the limit. */
  inbound?: Bandwidth | null;
  outbound?: Bandwidth | null;
}

export function editNic(doc: XmlDocument, nic: XmlElement, e: NicEdit): void {
  if (e.type !== undefined || e.source !== undefined) {
    const type = e.type ?? (attr(nic, 'type') as 'network' | 'bridge');
    const src = child(nic, 'source') ?? appendChild(nic, makeElement(doc, 'source'), ['model']);
    const value = e.source ?? attr(src, 'network') ?? attr(src, 'bridge');
    if (!value) throw new Error('a network or bridge name is needed');
    for (const a of ['network', 'bridge', 'dev', 'mode', 'portgroup', 'portid']) src.removeAttribute(a);
    setAttr(nic, 'type', type);
    setAttr(src, type === 'network' ? 'network' : 'bridge', value);
  }
  if (e.model !== undefined) setAttr(ensureChild(nic, 'model'), 'type', e.model);
  if (e.mac !== undefined) setAttr(ensureChild(nic, 'mac', ['source']), 'address', e.mac.toLowerCase());
  if (e.linkUp !== undefined) {
    if (e.linkUp) removeChild(nic, 'link');
    else setAttr(ensureChild(nic, 'link', ['alias', 'address']), 'state', 'down');
  }
  if (e.inbound !== undefined || e.outbound !== undefined) {
    const bw = child(nic, 'bandwidth') ?? appendChild(nic, makeElement(doc, 'bandwidth'), ['alias', 'address']);
    for (const dir of ['inbound', 'outbound'] as const) {
      const v = e[dir];
      if (v === undefined) continue;
      removeChild(bw, dir);
      if (v) appendChild(bw, makeElement(doc, dir, { average: v.average, peak: v.peak, burst: v.burst }));
    }
    pruneIfEmpty(bw);
  }
}

export interface GraphicsEdit {
  listen?: string;
  /** set: a new password; clear: none; absent: keep the current one. */
  password?: { set: string } | { clear: true };
}

export function editGraphics(doc: XmlDocument, g: XmlElement, e: GraphicsEdit): void {
  if (e.listen !== undefined) {
    // Both spellings, as libvirt itself writes them: the attribute and <listen type='address'>.
    setAttr(g, 'listen', e.listen);
    for (const l of children(g, 'listen')) removeElement(l);
    appendChild(g, makeElement(doc, 'listen', { type: 'address', address: e.listen }));
  }
  if (e.password) {
    if ('set' in e.password) setAttr(g, 'passwd', e.password.set);
    else g.removeAttribute('passwd');
    g.removeAttribute('passwdValidTo');
  }
}

export function setVideoModel(doc: XmlDocument, model: string): void {
  const devices = devicesOf(doc);
  const video = children(devices, 'video')[0] ?? appendChild(devices, makeElement(doc, 'video'));
  const m = ensureChild(video, 'model');
  // vram/heads/ram sizes belong to the old model; libvirt fills defaults for the new one.
  for (const a of Array.from({ length: m.attributes.length }, (_, i) => m.attributes.item(i)?.name ?? '')) if (a) m.removeAttribute(a);
  setAttr(m, 'type', model);
  removeChild(video, 'address');
}

/** Adds a pty serial port on the next free port number. */
export function addSerial(doc: XmlDocument): number {
  const devices = devicesOf(doc);
  const used = new Set(children(devices, 'serial').map((s) => Number(attr(child(s, 'target'), 'port') ?? 0)));
  let port = 0;
  while (used.has(port)) port++;
  const s = makeElement(doc, 'serial', { type: 'pty' });
  appendChild(s, makeElement(doc, 'target', { port }));
  appendChild(devices, s, ['console', 'channel', 'input', 'graphics', 'video']);
  return port;
}

/** Removes serial port `port` (and the console that shows it, which libvirt ties to serial 0). */
export function removeSerial(doc: XmlDocument, port: number): void {
  const devices = devicesOf(doc);
  const s = children(devices, 'serial').find((x) => Number(attr(child(x, 'target'), 'port') ?? 0) === port);
  if (!s) throw new Error(`no serial port ${port}`);
  removeElement(s);
  if (port === 0) for (const c of children(devices, 'console')) if ((attr(child(c, 'target'), 'type') ?? 'serial') === 'serial') removeElement(c);
}
