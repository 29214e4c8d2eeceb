import type { PoolDefinition, PoolSource } from '../model/pool';
import { attr, buildXml, child, children, num, parseXml, text, type XmlNode } from './xml';

// Storage pool and volume XML (formatstorage.rst), built with the XML library
// so every value is escaped; parsed with the shared fast-xml-parser setup.

export interface ParsedPool {
  type: string;
  name: string;
  uuid?: string;
  targetPath?: string;
  source: PoolSource;
}

export function parsePoolXml(xml: string): ParsedPool {
  const pool = child(parseXml(xml), 'pool');
  if (!pool) throw new Error('not a libvirt storage pool XML document');
  const src = child(pool, 'source');
  const source: PoolSource = {
    host: attr(children(src, 'host')[0], 'name'),
    dir: attr(child(src, 'dir'), 'path'),
    name: text(src, 'name'),
    format: attr(child(src, 'format'), 'type'),
    devices: children(src, 'device')
      .map((d) => attr(d, 'path'))
      .filter((p): p is string => !!p),
  };
  return {
    type: attr(pool, 'type') ?? 'dir',
    name: text(pool, 'name') ?? '',
    uuid: text(pool, 'uuid'),
    targetPath: text(child(pool, 'target'), 'path'),
    source: Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined)) as PoolSource,
  };
}

/** The XML the "new pool" form defines. */
export function buildPoolXml(def: PoolDefinition): string {
  switch (def.type) {
    case 'dir':
      return buildXml({ pool: { '@_type': 'dir', name: def.name, target: { path: def.path } } });
    case 'logical':
      return buildXml({
        pool: {
          '@_type': 'logical',
          name: def.name,
          source: {
            ...(def.devices.length ? { device: def.devices.map((p) => ({ '@_path': p })) } : {}),
            name: def.vgName,
            format: { '@_type': 'lvm2' },
          },
          target: { path: `/dev/${def.vgName}` },
        },
      });
    case 'netfs':
      return buildXml({
        pool: {
          '@_type': 'netfs',
          name: def.name,
          source: { host: { '@_name': def.server }, dir: { '@_path': def.exportPath }, format: { '@_type': def.protocol } },
          target: { path: def.path },
        },
      });
  }
}

export interface ParsedVolume {
  name: string;
  key?: string;
  /** file, block, dir, network, netdir, ploop */
  type?: string;
  path?: string;
  format?: string;
  capacity?: number;
  allocation?: number;
  backing?: { path: string; format?: string };
}

const bytes = (n: XmlNode | undefined, unit?: string): number | undefined => {
  const v = num(text(n));
  if (v === undefined) return undefined;
  const u = (unit ?? attr(n, 'unit') ?? 'bytes').toLowerCase();
  const f: Record<string, number> = { b: 1, bytes: 1, k: 1024, kib: 1024, kb: 1e3, m: 1024 ** 2, mib: 1024 ** 2, mb: 1e6, g: 1024 ** 3, gib: 1024 ** 3, gb: 1e9, t: 1024 ** 4, tib: 1024 ** 4, tb: 1e12 };
  return f[u] === undefined ? undefined : v * f[u];
};

export function parseVolumeXml(xml: string): ParsedVolume {
  const vol = child(parseXml(xml), 'volume');
  if (!vol) throw new Error('not a libvirt storage volume XML document');
  const target = child(vol, 'target');
  const bs = child(vol, 'backingStore');
  const bsPath = text(bs, 'path');
  return {
    name: text(vol, 'name') ?? '',
    key: text(vol, 'key'),
    type: attr(vol, 'type'),
    path: text(target, 'path'),
    format: attr(child(target, 'format'), 'type'),
    capacity: bytes(child(vol, 'capacity')),
    allocation: bytes(child(vol, 'allocation')),
    ...(bsPath ? { backing: { path: bsPath, format: attr(child(bs, 'format'), 'type') } } : {}),
  };
}

export interface VolumeXmlSpec {
  name: string;
  capacity: number;
  /** Bytes allocated up front (0 = sparse). */
  allocation: number;
  format: string;
  /** A qcow2 overlay on this image (linked clone). */
  backing?: { path: string; format: string };
}

/** A new volume's XML (VolCreateXML, VolCreateXMLFrom). Sizes always in bytes. */
export function buildVolumeXml(v: VolumeXmlSpec): string {
  return buildXml({
    volume: {
      name: v.name,
      capacity: { '@_unit': 'bytes', '#text': String(v.capacity) },
      allocation: { '@_unit': 'bytes', '#text': String(v.allocation) },
      target: { format: { '@_type': v.format } },
      ...(v.backing ? { backingStore: { path: v.backing.path, format: { '@_type': v.backing.format } } } : {}),
    },
  });
}
