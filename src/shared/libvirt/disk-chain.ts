import { attr, child, children, parseXml, type XmlNode } from './xml';

/**
 * One `<disk>` of a domain as far as "who uses which image" goes: where its
 * top image is, how it is attached, and its backing chain when libvirt says.
 */
export interface DiskUse {
  device: string; // disk | cdrom | floppy | lun
  type: string; // file | block | volume | network | dir
  target: string;
  /** file/block: the image path (normalised). volume: unknown until resolved through the pool. */
  path?: string;
  pool?: string;
  volume?: string;
  /** network disks: `protocol:name` (rbd:pool/image); never a local path. */
  network?: string;
  format?: string;
  readonly: boolean;
  shareable: boolean;
  /**
   * Paths below the top image, nearest first. Known for a running domain (its
   * live XML carries the chain libvirt probed) or where the XML spells it out;
   * undefined when libvirt did not say (inactive XML usually does not).
   */
  backing?: string[];
}

/** Collapses `//`, `/./` and `/../` so one file has one key (symlinks are not followed). */
export function normalizePath(p: string): string {
  if (!p.startsWith('/')) return p;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

function sourcePath(type: string, src: XmlNode | undefined): string | undefined {
  const p = type === 'block' ? attr(src, 'dev') : type === 'file' ? attr(src, 'file') : undefined;
  return p ? normalizePath(p) : undefined;
}

/** The chain under one disk; undefined when the element is absent (unknown), [] for `<backingStore/>`. */
function backingChain(d: XmlNode): string[] | undefined {
  let bs = child(d, 'backingStore');
  if (!bs) return undefined;
  const chain: string[] = [];
  // An empty <backingStore/> ends the chain; depth-capped against odd XML.
  for (let depth = 0; bs && attr(bs, 'type') && depth < 64; depth++) {
    const p = sourcePath(attr(bs, 'type')!, child(bs, 'source'));
    if (p) chain.push(p);
    bs = child(bs, 'backingStore');
  }
  return chain;
}

/** Every `<disk>` in a domain XML (live or inactive). */
export function parseDiskUses(domainXml: string): DiskUse[] {
  const devices = child(child(parseXml(domainXml), 'domain'), 'devices');
  return children(devices, 'disk').map((d) => {
    const type = attr(d, 'type') ?? 'file';
    const src = child(d, 'source');
    const backing = backingChain(d);
    const path = sourcePath(type, src);
    return {
      device: attr(d, 'device') ?? 'disk',
      type,
      target: attr(child(d, 'target'), 'dev') ?? '',
      ...(path ? { path } : {}),
      ...(type === 'volume' ? { pool: attr(src, 'pool'), volume: attr(src, 'volume') } : {}),
      ...(type === 'network' && attr(src, 'name') ? { network: `${attr(src, 'protocol') ?? 'network'}:${attr(src, 'name')}` } : {}),
      ...(attr(child(d, 'driver'), 'type') ? { format: attr(child(d, 'driver'), 'type') } : {}),
      readonly: child(d, 'readonly') !== undefined,
      shareable: child(d, 'shareable') !== undefined,
      ...(backing ? { backing } : {}),
    };
  });
}

/** A storage volume's XML: its path and the image directly under it (libvirt reads one level). */
export function parseVolumeBacking(volXml: string): { path?: string; backing?: string } {
  const vol = child(parseXml(volXml), 'volume');
  const path = child(child(vol, 'target'), 'path')?.['#text'];
  const backing = child(child(vol, 'backingStore'), 'path')?.['#text'];
  return {
    ...(typeof path === 'string' ? { path: normalizePath(path) } : {}),
    ...(typeof backing === 'string' && backing ? { backing: normalizePath(backing) } : {}),
  };
}

/**
 * Formats that can sit on a backing file. libvirt no longer probes formats: a
 * disk without a driver type is opened raw, and a raw image has no backing.
 */
export const mayHaveBacking = (format: string | undefined): boolean => format !== undefined && format !== 'raw';
