import type { TypedParam } from '../libvirt/rpc/types';
import { MigrateFlags } from '../libvirt/rpc/procedures/migration';

// Typed migration parameters and flags (virDomainMigrate3 names, libvirt 9.0
// qemu_migration.h). Pure: the v3 driver and the bench build theirs here.

export interface MigrationParamSpec {
  /** Where the source's QEMU connects: tcp://host[:port]. */
  migrateUri?: string;
  /** Where the destination's QEMU listens (incoming migration and NBD). */
  listenAddress?: string;
  destinationXml?: string;
  destinationName?: string;
  persistentXml?: string;
  /** MiB/s; 0 or absent = unlimited. */
  bandwidthMiBs?: number;
  /** Disk targets to copy (vda, …); repeated on the wire. */
  migrateDisks?: readonly string[];
  /** Where the destination's NBD server listens and the source connects: tcp://host:port. */
  disksUri?: string;
  /** 'xbzrle' and/or 'mt' (9.0 knows no others); repeated on the wire. */
  compression?: readonly ('xbzrle' | 'mt')[];
  autoConvergeInitial?: number;
  autoConvergeIncrement?: number;
}

/** The wire list, in a stable order; repeated keys stay repeated (migrate_disks, compression). */
export function migrationParams(s: MigrationParamSpec): TypedParam[] {
  const out: TypedParam[] = [];
  const str = (field: string, value: string | undefined) => value !== undefined && out.push({ field, type: 'string', value });
  str('migrate_uri', s.migrateUri);
  str('listen_address', s.listenAddress);
  str('destination_name', s.destinationName);
  str('destination_xml', s.destinationXml);
  str('persistent_xml', s.persistentXml);
  if (s.bandwidthMiBs) out.push({ field: 'bandwidth', type: 'ullong', value: BigInt(Math.round(s.bandwidthMiBs)) });
  for (const d of s.migrateDisks ?? []) str('migrate_disks', d);
  str('disks_uri', s.disksUri);
  for (const c of s.compression ?? []) str('compression', c);
  if (s.autoConvergeInitial !== undefined) out.push({ field: 'auto_converge.initial', type: 'int', value: s.autoConvergeInitial });
  if (s.autoConvergeIncrement !== undefined) out.push({ field: 'auto_converge.increment', type: 'int', value: s.autoConvergeIncrement });
  return out;
}

/** Replaces (or adds) one string parameter, as libvirt's virTypedParamsReplaceString does. */
export function withStringParam(params: readonly TypedParam[], field: string, value: string): TypedParam[] {
  const out = params.filter((p) => p.field !== field);
  out.push({ field, type: 'string', value });
  return out;
}

export type MigrationKind = 'live' | 'offline';
export type StorageCopy = 'none' | 'all' | 'nonshared';

export interface FlagSpec {
  kind: MigrationKind;
  storage: StorageCopy;
  persist: boolean;
  undefineSource: boolean;
  autoConverge?: boolean;
  postCopy?: boolean;
  compressed?: boolean;
  /** Our own check proved the disks are shared; libvirt cannot on a plain filesystem. */
  unsafe?: boolean;
  /** The VM is paused now: keep it paused on the destination. */
  paused?: boolean;
}

export function migrationFlags(f: FlagSpec): number {
  let flags = 0;
  if (f.kind === 'live') flags |= MigrateFlags.LIVE;
  if (f.kind === 'offline') flags |= MigrateFlags.OFFLINE | MigrateFlags.PERSIST_DEST;
  if (f.persist) flags |= MigrateFlags.PERSIST_DEST;
  if (f.undefineSource) flags |= MigrateFlags.UNDEFINE_SOURCE;
  // DISK and INC are mutually exclusive; INC copies only the top layer and never pre-creates.
  if (f.storage !== 'none') flags |= MigrateFlags.NON_SHARED_DISK;
  if (f.autoConverge) flags |= MigrateFlags.AUTO_CONVERGE;
  if (f.postCopy) flags |= MigrateFlags.POSTCOPY;
  if (f.compressed) flags |= MigrateFlags.COMPRESSED;
  if (f.unsafe) flags |= MigrateFlags.UNSAFE;
  if (f.paused) flags |= MigrateFlags.PAUSED;
  // Abort rather than carry on when a disk reports an I/O error during the copy.
  if (f.storage !== 'none') flags |= MigrateFlags.ABORT_ON_ERROR;
  return flags;
}

/** Flags the destination sees (virDomainMigrateVersion3Full drops these two). */
export const destinationFlags = (flags: number): number => flags & ~(MigrateFlags.ABORT_ON_ERROR | MigrateFlags.AUTO_CONVERGE);

/** The same flags as `virsh migrate` options, for logs and the bench. */
const VIRSH_OPTIONS: readonly [number, string][] = [
  [MigrateFlags.LIVE, '--live'],
  [MigrateFlags.OFFLINE, '--offline'],
  [MigrateFlags.PERSIST_DEST, '--persistent'],
  [MigrateFlags.UNDEFINE_SOURCE, '--undefinesource'],
  [MigrateFlags.NON_SHARED_DISK, '--copy-storage-all'],
  [MigrateFlags.NON_SHARED_INC, '--copy-storage-inc'],
  [MigrateFlags.AUTO_CONVERGE, '--auto-converge'],
  [MigrateFlags.POSTCOPY, '--postcopy'],
  [MigrateFlags.COMPRESSED, '--compressed'],
  [MigrateFlags.UNSAFE, '--unsafe'],
  [MigrateFlags.ABORT_ON_ERROR, '--abort-on-error'],
  [MigrateFlags.PAUSED, '--suspend'],
];

export function virshOptions(flags: number): string[] {
  return VIRSH_OPTIONS.filter(([f]) => (flags & f) !== 0).map(([, o]) => o);
}
