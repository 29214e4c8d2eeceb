import { AppFailure } from '../../shared/ipc/result';
import { LibvirtError } from '../libvirt/rpc/errors';
import { P } from '../libvirt/rpc/procedures/index';
import type { StoragePoolRef, StorageVolRef } from '../libvirt/rpc/types';
import type { LibvirtSessions } from '../libvirt/sessions';

// Copies one volume with VolCreateXMLFrom on a bulk session of its own (the
// call blocks for the whole copy, so it must not sit on the shared channel
// with calls and events). Progress comes from polling the new volume's
// allocation, as virt-manager does. NOTE: f-storage is writing the project's
// `volumeClone` in src/main/storage/volumes.ts; this is the clone's own copy
// until the lead unifies them.

export interface CopyVolumeOptions {
  sessions: LibvirtSessions;
  hostId: string;
  source: StorageVolRef;
  pool: StoragePoolRef;
  name: string;
  format: string;
  signal: AbortSignal;
  onProgress(done: number, total: number): void;
  /** Called once the new volume exists on the host (so the caller can register its undo). */
  onCreated(vol: StorageVolRef): void;
}

const POLL_MS = 500;

function volumeXml(name: string, capacity: number, format: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<volume><name>${esc(name)}</name><capacity unit="bytes">${capacity}</capacity><target><format type="${esc(format)}"/></target></volume>`;
}

export async function copyVolume(o: CopyVolumeOptions): Promise<StorageVolRef> {
  const main = o.sessions.client(o.hostId);
  const info = await main.call(P.STORAGE_VOL_GET_INFO, { vol: o.source });
  const total = Math.max(info.allocation, 1);
  const bulk = await o.sessions.openBulk(o.hostId, o.signal);
  let finished = false;
  let announced = false;
  const announce = (vol: StorageVolRef) => {
    if (announced) return;
    announced = true;
    o.onCreated(vol);
  };
  // The volume appears (as "building") as soon as the copy starts: watch it grow.
  const poll = (async () => {
    while (!finished && !o.signal.aborted) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (finished) break;
      try {
        const vol = await main.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool: o.pool, name: o.name });
        announce(vol);
        const now = await main.call(P.STORAGE_VOL_GET_INFO, { vol });
        o.onProgress(Math.min(now.allocation, total), total);
      } catch {
        // not there yet
      }
    }
  })();
  try {
    const vol = await bulk.client.call(P.STORAGE_VOL_CREATE_XML_FROM, { pool: o.pool, xml: volumeXml(o.name, info.capacity, o.format), clonevol: o.source, flags: 0 }, { signal: o.signal });
    announce(vol);
    o.onProgress(total, total);
    return vol;
  } catch (e) {
    // Cancelled or failed after the server began: the half-made volume is still
    // being written there. Make sure the caller knows it exists so it is deleted.
    if (!announced) {
      const vol = await main.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool: o.pool, name: o.name }).catch(() => undefined);
      if (vol) announce(vol);
    }
    throw e;
  } finally {
    finished = true;
    await poll;
    await bulk.close();
  }
}

/**
 * Deletes a volume, waiting while libvirt still builds it (a cancelled copy
 * runs on in the daemon until it ends; libvirt refuses to delete it until then).
 */
export async function deleteVolumeWhenIdle(sessions: LibvirtSessions, hostId: string, vol: StorageVolRef, deadlineMs = 10 * 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      await sessions.client(hostId).call(P.STORAGE_VOL_DELETE, { vol, flags: 0 });
      return;
    } catch (e) {
      if (e instanceof LibvirtError && e.code === 50 /* NO_STORAGE_VOL */) return;
      const busy = e instanceof LibvirtError && /still (being allocated|in use)|building/i.test(e.message);
      if (!busy || Date.now() > deadline) throw e instanceof Error ? e : new AppFailure('INTERNAL', String(e));
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
