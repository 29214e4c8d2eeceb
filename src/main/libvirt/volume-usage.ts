import { mayHaveBacking, normalizePath, parseDiskUses, parseVolumeBacking, type DiskUse } from '../../shared/libvirt/disk-chain';
import type { RpcClient } from './rpc/client';
import { ErrorCode, LibvirtError } from './rpc/errors';
import { P } from './rpc/procedures/index';
import type { DomainRef, StorageVolRef } from './rpc/types';
import { XmlFlags } from './flags';

// "Who uses this image" for one host: every domain's disks (inactive and live
// definitions) with their backing chains. A running domain's live XML carries
// the chain libvirt probed; otherwise each image's storage-volume XML names
// the file under it, followed to the bottom. The delete path refuses by it,
// and the storage views ("used by") read the same index.

export interface ResolvedDisk extends DiskUse {
  /** Every image under `path`, nearest first; undefined when it could not be read (see `unknownWhy`). */
  chain?: string[];
  unknownWhy?: string;
}

export interface DomainDisks {
  uuid: string;
  name: string;
  active: boolean;
  disks: ResolvedDisk[];
}

export interface VolumeUser {
  uuid: string;
  name: string;
  /** The disk (vda, sdb…) through which the domain reaches the image. */
  target: string;
  device: string;
  /** `disk`: the image is the disk itself; `backing`: it lies under `top`. */
  how: 'disk' | 'backing';
  top?: string;
}

export interface UnknownChain {
  uuid: string;
  name: string;
  target: string;
  path: string;
  why: string;
}

export class VolumeUsage {
  private readonly byPath = new Map<string, VolumeUser[]>();

  constructor(readonly domains: readonly DomainDisks[]) {
    for (const d of domains) {
      for (const disk of d.disks) {
        if (disk.path) this.add(disk.path, { uuid: d.uuid, name: d.name, target: disk.target, device: disk.device, how: 'disk' });
        for (const p of disk.chain ?? []) this.add(p, { uuid: d.uuid, name: d.name, target: disk.target, device: disk.device, how: 'backing', top: disk.path });
      }
    }
  }

  private add(path: string, u: VolumeUser): void {
    const list = this.byPath.get(path) ?? [];
    // The live and the inactive definition usually name the same image: count it once.
    if (!list.some((x) => x.uuid === u.uuid && x.target === u.target && x.how === u.how)) list.push(u);
    this.byPath.set(path, list);
  }

  domain(uuid: string): DomainDisks | undefined {
    return this.domains.find((d) => d.uuid === uuid);
  }

  /** Domains (other than `exceptUuid`) using the image directly or as a backing file. */
  usersOf(path: string, exceptUuid?: string): VolumeUser[] {
    return (this.byPath.get(path) ?? [])
      .filter((u) => u.uuid !== exceptUuid)
      .sort((a, b) => a.name.localeCompare(b.name) || a.target.localeCompare(b.target));
  }

  /** Disks of other domains whose chain is unknown: any image might be under them. */
  unknownChains(exceptUuid?: string): UnknownChain[] {
    return this.domains.flatMap((d) =>
      d.uuid === exceptUuid ? [] : d.disks.filter((x) => x.path && x.unknownWhy).map((x) => ({ uuid: d.uuid, name: d.name, target: x.target, path: x.path!, why: x.unknownWhy! })),
    );
  }
}

const isNo = (e: unknown, code: number) => e instanceof LibvirtError && e.code === code;

/**
 * Reads volumes by path, refreshing the host's active pools once when a path
 * is missing: an image made outside libvirt (qemu-img, a copy) is only known
 * to its pool after a refresh.
 */
export class VolumeLookup {
  private refreshed: Promise<void> | undefined;
  private readonly vols = new Map<string, Promise<StorageVolRef | undefined>>();
  private readonly backings = new Map<string, Promise<{ backing?: string } | undefined>>();

  constructor(private readonly c: RpcClient) {}

  byPath(path: string): Promise<StorageVolRef | undefined> {
    let p = this.vols.get(path);
    if (!p) {
      p = this.lookup(path).then(async (v) => v ?? (await this.refreshPools(), this.lookup(path)));
      this.vols.set(path, p);
    }
    return p;
  }

  /** The image directly under `path` per its volume XML; undefined when the path is in no pool. */
  backingOf(path: string): Promise<{ backing?: string } | undefined> {
    let p = this.backings.get(path);
    if (!p) {
      p = this.byPath(path).then(async (vol) => (vol ? parseVolumeBacking(await this.c.call(P.STORAGE_VOL_GET_XML_DESC, { vol, flags: 0 })) : undefined));
      this.backings.set(path, p);
    }
    return p;
  }

  async byName(pool: string, volume: string): Promise<string | undefined> {
    try {
      const p = await this.c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: pool });
      const vol = await this.c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool: p, name: volume });
      return normalizePath(await this.c.call(P.STORAGE_VOL_GET_PATH, { vol }));
    } catch (e) {
      if (isNo(e, ErrorCode.NO_STORAGE_POOL) || isNo(e, ErrorCode.NO_STORAGE_VOL)) return undefined;
      throw e;
    }
  }

  private async lookup(path: string): Promise<StorageVolRef | undefined> {
    try {
      return await this.c.call(P.STORAGE_VOL_LOOKUP_BY_PATH, { path });
    } catch (e) {
      if (isNo(e, ErrorCode.NO_STORAGE_VOL)) return undefined;
      throw e;
    }
  }

  private refreshPools(): Promise<void> {
    this.refreshed ??= (async () => {
      const { pools } = await this.c.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: 2 /* ACTIVE */ });
      // A pool busy with a job refuses a refresh; its volumes are as known as they get.
      await Promise.all(pools.map((pool) => this.c.call(P.STORAGE_POOL_REFRESH, { pool, flags: 0 }).catch(() => undefined)));
    })();
    return this.refreshed;
  }
}

/** Reads one domain's disks from its inactive and (when running) live XML. Undefined if it vanished meanwhile. */
async function domainDisks(c: RpcClient, dom: DomainRef): Promise<DomainDisks | undefined> {
  try {
    const active = dom.id >= 0;
    const [inactive, live] = await Promise.all([
      c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: XmlFlags.INACTIVE }),
      active ? c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: 0 }) : Promise.resolve(undefined),
    ]);
    const disks: ResolvedDisk[] = live ? parseDiskUses(live) : [];
    for (const d of parseDiskUses(inactive)) {
      const same = disks.find((x) => x.target === d.target && x.path === d.path && x.pool === d.pool && x.volume === d.volume);
      if (!same) disks.push(d);
    }
    return { uuid: dom.uuid, name: dom.name, active, disks };
  } catch (e) {
    if (isNo(e, ErrorCode.NO_DOMAIN)) return undefined;
    throw e;
  }
}

/** Follows an image's backing chain through its volume XMLs; `unknownWhy` when a link is outside every pool. */
async function chainOf(lookup: VolumeLookup, top: string): Promise<{ chain?: string[]; unknownWhy?: string }> {
  const chain: string[] = [];
  const seen = new Set([top]);
  for (let cur = top; chain.length < 64; ) {
    const b = await lookup.backingOf(cur);
    if (!b) return { unknownWhy: `${cur} is outside every storage pool, so libvirt cannot read what it is based on` };
    if (!b.backing) return { chain };
    if (seen.has(b.backing)) return { chain }; // a loop in the metadata: stop, qemu would refuse it anyway
    seen.add(b.backing);
    chain.push(b.backing);
    cur = b.backing;
  }
  return { chain };
}

/** Builds the index for every domain on the host (pipelined: one round of XML reads, then chain lookups). */
export async function volumeUsage(c: RpcClient, lookup = new VolumeLookup(c)): Promise<VolumeUsage> {
  const { domains } = await c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
  const all = (await Promise.all(domains.map((d) => domainDisks(c, d)))).filter((d): d is DomainDisks => !!d);
  await Promise.all(
    all.flatMap((d) =>
      d.disks.map(async (disk) => {
        if (disk.type === 'volume' && disk.pool && disk.volume && !disk.path) {
          const p = await lookup.byName(disk.pool, disk.volume);
          if (p) disk.path = p;
        }
        if (disk.backing) disk.chain = disk.backing;
        else if (disk.path && mayHaveBacking(disk.format)) Object.assign(disk, await chainOf(lookup, disk.path));
        else if (disk.path) disk.chain = [];
      }),
    ),
  );
  return new VolumeUsage(all);
}
