import { AppFailure } from '../../shared/ipc/result';
import { formatBytes } from '../../shared/libvirt/units';
import { toLibvirtFailure } from '../libvirt/errors';
import { ErrorCode, LibvirtError, RpcClosedError } from '../libvirt/rpc/errors';

// Storage errors as people need them: which pool is full, which name is taken,
// which VM holds a volume. libvirt's own texts are kept in `detail`.

/** Why a storage call was refused (AppFailure detail.reason), for the UI to lay out. */
export type StorageRefusal = 'name-taken' | 'in-use' | 'pool-full' | 'pool-inactive' | 'busy' | 'interrupted' | 'backing-file';

export const refuse = (reason: StorageRefusal, message: string, hostId: string, extra: Record<string, unknown> = {}) =>
  new AppFailure('CONFLICT', message, { hostId, detail: { reason, ...extra } });

export interface StorageWhat {
  /** "Creating volume 'x' in pool 'default'" */
  what: string;
  pool?: string;
  volume?: string;
}

/** Maps whatever a storage RPC threw to a specific AppFailure. */
export function storageFailure(e: unknown, hostId: string, w: StorageWhat): AppFailure {
  if (e instanceof AppFailure) return e;
  if (e instanceof RpcClosedError) {
    return new AppFailure('NOT_CONNECTED', `${w.what}: the connection to the host dropped (${e.message})`, { hostId });
  }
  if (e instanceof LibvirtError) {
    const m = e.message;
    const libvirt = { libvirtCode: e.code, codeName: e.codeName, libvirtMessage: m };
    if (e.code === ErrorCode.STORAGE_VOL_EXIST || /already exists/i.test(m)) {
      return refuse('name-taken', `${w.what}: ${w.volume ? `a volume named “${w.volume}”` : 'that name'} already exists${w.pool ? ` in pool “${w.pool}”` : ''}`, hostId, libvirt);
    }
    if (/no space left on device|not enough space|ENOSPC/i.test(m)) {
      return refuse('pool-full', `${w.what}: pool${w.pool ? ` “${w.pool}”` : ''} is full (${m})`, hostId, libvirt);
    }
    if (/storage pool '.*' is not active|pool .* is not active/i.test(m)) {
      return refuse('pool-inactive', `${w.what}: pool${w.pool ? ` “${w.pool}”` : ''} is not running; start it first`, hostId, libvirt);
    }
    if (/still (in use|being allocated)|has asynchronous jobs running|is busy/i.test(m)) {
      return refuse('busy', `${w.what}: libvirt is still working on it (${m})`, hostId, libvirt);
    }
    if (e.code === ErrorCode.NO_STORAGE_POOL) {
      return new AppFailure('NOT_FOUND', `${w.what}: there is no pool${w.pool ? ` named “${w.pool}”` : ''} on this host`, { hostId, detail: libvirt });
    }
    if (e.code === ErrorCode.NO_STORAGE_VOL) {
      return new AppFailure('NOT_FOUND', `${w.what}: there is no volume${w.volume ? ` named “${w.volume}”` : ''}${w.pool ? ` in pool “${w.pool}”` : ''}`, { hostId, detail: libvirt });
    }
  }
  return toLibvirtFailure(e, hostId, w.what);
}

/** "Pool 'default' has 1.2 GiB free; the volume needs 4 GiB." */
export function poolFullMessage(pool: string, available: number, needed: number): string {
  return `Pool “${pool}” has ${formatBytes(available)} free; this needs ${formatBytes(needed)}`;
}
