import type { VolumeUser } from '../../shared/model/volume';
import { attr, child, children, parseXml, type XmlNode } from '../../shared/libvirt/xml';
import { parseVolumeXml, type ParsedVolume } from '../../shared/libvirt/storage-xml';
import { XmlFlags } from '../libvirt/flags';
import type { RpcClient } from '../libvirt/rpc/client';
import { ErrorCode, isLibvirtError } from '../libvirt/rpc/errors';
import { ListPools } from '../libvirt/rpc/procedures/storage';
import { P } from '../libvirt/rpc/procedures/index';
import type { DomainRef, StorageVolRef } from '../libvirt/rpc/types';

// "Who uses this image" for one host, in the shape of the delete-VM safety
// index (h8-safety's src/main/libvirt/volume-usage.ts: usersOf(path) ->
// {uuid, name, target, device, how: disk|backing, top}); the lead will make
// one of the two serve both. Chains come from the live XML of running domains
// (what QEMU opened) and, for every image, from its volume XML.

export interface HostVolume {
  pool: string;
  ref: StorageVolRef;
  xml: ParsedVolume;
}

export interface VolumeUsage {
  /** Domains using the image at `path`, directly or under one of their disks. */
  usersOf(path: string): VolumeUser[];
  /** Images on the host whose backing file is `path` (deleting it breaks them). */
  overlaysOf(path: string): string[];
  /** Every volume of every active pool, with its parsed XML. */
  readonly volumes: readonly HostVolume[];
}

interface DiskImage {
  target: string;
  device: string;
  path?: string;
  pool?: string;
  volume?: string;
  /** From live XML only: the images under `path`, nearest first. */
  chain?: string[];
}

const isGone = (e: unknown) => isLibvirtError(e, ErrorCode.NO_DOMAIN) || isLibvirtError(e, ErrorCode.NO_STORAGE_VOL) || isLibvirtError(e, ErrorCode.NO_STORAGE_POOL);

function sourcePath(n: XmlNode | undefined, type: string | undefined): string | undefined {
  const src = child(n, 'source');
  return type === 'block' ? attr(src, 'dev') : type === 'file' ? attr(src, 'file') : undefined;
}

/** Every <disk> of a domain XML with the image it opens and (live XML) its backing chain. */
export function diskImages(domainXml: string): DiskImage[] {
  const devices = child(child(parseXml(domainXml), 'domain'), 'devices');
  return children(devices, 'disk').map((d) => {
    const type = attr(d, 'type') ?? 'file';
    const src = child(d, 'source');
    const chain: string[] = [];
    let bs = child(d, 'backingStore');
    for (let depth = 0; bs && attr(bs, 'type') && depth < 64; depth++) {
      const p = sourcePath(bs, attr(bs, 'type'));
      if (p) chain.push(p);
      bs = child(bs, 'backingStore');
    }
    return {
      target: attr(child(d, 'target'), 'dev') ?? '',
      device: attr(d, 'device') ?? 'disk',
      path: sourcePath(d, type),
      ...(type === 'volume' ? { pool: attr(src, 'pool'), volume: attr(src, 'volume') } : {}),
      ...(child(d, 'backingStore') ? { chain } : {}),
    };
  });
}

/** Every volume of every active pool on the host, with its XML (pipelined). */
export async function hostVolumes(c: RpcClient): Promise<HostVolume[]> {
  const { pools } = await c.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: ListPools.ACTIVE });
  const perPool = await Promise.all(
    pools.map(async (pool) => {
      try {
        const { vols } = await c.call(P.STORAGE_POOL_LIST_ALL_VOLUMES, { pool, need_results: 1, flags: 0 });
        const read = await Promise.all(
          vols.map(async (ref) => {
            try {
              return { pool: pool.name, ref, xml: parseVolumeXml(await c.call(P.STORAGE_VOL_GET_XML_DESC, { vol: ref, flags: 0 })) };
            } catch (e) {
              if (isGone(e)) return undefined; // deleted meanwhile
              throw e;
            }
          }),
        );
        return read.filter((v): v is HostVolume => !!v);
      } catch (e) {
        if (isGone(e) || isLibvirtError(e, ErrorCode.OPERATION_INVALID)) return []; // stopped or undefined meanwhile
        throw e;
      }
    }),
  );
  return perPool.flat();
}

async function domainDisks(c: RpcClient, dom: DomainRef): Promise<{ dom: DomainRef; disks: DiskImage[] } | undefined> {
  try {
    const active = dom.id >= 0;
    const [inactive, live] = await Promise.all([
      c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: XmlFlags.INACTIVE }),
      active ? c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: 0 }) : Promise.resolve(undefined),
    ]);
    // The live definition first: it carries the chain QEMU really opened.
    const disks = live ? diskImages(live) : [];
    for (const d of diskImages(inactive)) {
      if (!disks.some((x) => x.target === d.target && x.path === d.path && x.volume === d.volume)) disks.push(d);
    }
    return { dom, disks };
  } catch (e) {
    if (isGone(e)) return undefined;
    throw e;
  }
}

/** Builds the usage index of one host. `volumes` may be passed when the caller already read them. */
export async function volumeUsage(c: RpcClient, volumes?: HostVolume[]): Promise<VolumeUsage> {
  const [{ domains }, vols] = await Promise.all([c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 }), volumes ? Promise.resolve(volumes) : hostVolumes(c)]);
  const backingOf = new Map<string, string>();
  const overlays = new Map<string, string[]>();
  const byPoolName = new Map<string, string>();
  for (const v of vols) {
    const path = v.xml.path ?? v.ref.key;
    byPoolName.set(`${v.pool}\0${v.ref.name}`, path);
    if (v.xml.backing) {
      backingOf.set(path, v.xml.backing.path);
      overlays.set(v.xml.backing.path, [...(overlays.get(v.xml.backing.path) ?? []), path]);
    }
  }
  const users = new Map<string, VolumeUser[]>();
  const add = (path: string, u: VolumeUser) => {
    const list = users.get(path) ?? [];
    if (!list.some((x) => x.uuid === u.uuid && x.target === u.target && x.how === u.how)) list.push(u);
    users.set(path, list);
  };
  for (const d of (await Promise.all(domains.map((dom) => domainDisks(c, dom)))).filter((x) => !!x)) {
    for (const disk of d.disks) {
      const top = disk.path ?? (disk.pool && disk.volume ? byPoolName.get(`${disk.pool}\0${disk.volume}`) : undefined);
      if (!top) continue;
      const base = { uuid: d.dom.uuid, name: d.dom.name, target: disk.target, device: disk.device, active: d.dom.id >= 0 };
      add(top, { ...base, how: 'disk' });
      // Follow the chain: the live XML's when it has one, else the volumes' own XML.
      const chain = disk.chain ?? [];
      if (!disk.chain) for (let p = backingOf.get(top), n = 0; p && n < 64 && !chain.includes(p); p = backingOf.get(p), n++) chain.push(p);
      for (const p of chain) add(p, { ...base, how: 'backing', top });
    }
  }
  return {
    volumes: vols,
    usersOf: (path) => [...(users.get(path) ?? [])].sort((a, b) => a.name.localeCompare(b.name) || a.target.localeCompare(b.target)),
    overlaysOf: (path) => overlays.get(path) ?? [],
  };
}

/** "lab1-web (vda), db (backing file of vdb)" for refusals. */
export function describeUsers(users: readonly VolumeUser[]): string {
  return users.map((u) => `${u.name} (${u.how === 'disk' ? u.target : `backing file of ${u.target}`}${u.active ? ', running' : ''})`).join(', ');
}
