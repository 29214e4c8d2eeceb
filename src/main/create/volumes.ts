import { AppFailure } from '../../shared/ipc/result';
import type { MediaRef } from '../../shared/create/spec';
import { makeElement, parseXmlDoc, path, serializeXmlDoc, appendChild, attr } from '../../shared/libvirt/dom/index';
import { toLibvirtFailure } from '../libvirt/errors';
import { LibvirtError } from '../libvirt/rpc/errors';
import type { RpcClient } from '../libvirt/rpc/client';
import { P } from '../libvirt/rpc/procedures/index';
import type { StoragePoolRef, StorageVolRef } from '../libvirt/rpc/types';

// The create task's volume work on one host: look pools and media up, make
// new volumes (empty, or a qcow2 overlay on a backing image), resolve a
// media reference to the path the definition will use.

export interface NewVolumeSpec {
  name: string;
  capacity: number;
  format: 'qcow2' | 'raw';
  backing?: { path: string; format: string };
}

/** VolCreateXML's document, built as a DOM (names and paths are data). */
export function volumeXml(v: NewVolumeSpec): string {
  const doc = parseXmlDoc('<volume/>');
  const root = doc.documentElement!;
  appendChild(root, makeElement(doc, 'name', {}, v.name));
  appendChild(root, makeElement(doc, 'capacity', { unit: 'bytes' }, Math.ceil(v.capacity)));
  appendChild(root, makeElement(doc, 'allocation', { unit: 'bytes' }, 0));
  const target = appendChild(root, makeElement(doc, 'target'));
  appendChild(target, makeElement(doc, 'format', { type: v.format }));
  if (v.backing) {
    const bs = appendChild(root, makeElement(doc, 'backingStore'));
    appendChild(bs, makeElement(doc, 'path', {}, v.backing.path));
    appendChild(bs, makeElement(doc, 'format', { type: v.backing.format }));
  }
  return serializeXmlDoc(doc);
}

export interface PoolFacts {
  ref: StoragePoolRef;
  name: string;
  path: string;
  active: boolean;
  availableBytes: number;
}

export async function poolFacts(c: RpcClient, hostId: string, name: string): Promise<PoolFacts> {
  try {
    const ref = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name });
    const [info, xml] = await Promise.all([c.call(P.STORAGE_POOL_GET_INFO, { pool: ref }), c.call(P.STORAGE_POOL_GET_XML_DESC, { pool: ref, flags: 0 })]);
    const p = (path(parseXmlDoc(xml).documentElement!, 'target', 'path')?.textContent ?? '').trim();
    return { ref, name, path: p, active: info.state === 2, availableBytes: info.available };
  } catch (e) {
    throw toLibvirtFailure(e, hostId, `Storage pool '${name}'`);
  }
}

export const volumeExists = async (c: RpcClient, pool: StoragePoolRef, name: string): Promise<boolean> =>
  c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool, name }).then(
    () => true,
    (e: unknown) => {
      if (e instanceof LibvirtError && e.code === 50) return false;
      throw e;
    },
  );

export interface ResolvedMedia {
  path: string;
  /** qcow2, raw, iso… as libvirt reports it (volumes) or guessed from the name (paths). */
  format?: string;
  capacity?: number;
  vol?: StorageVolRef;
}

/** The host path of a media reference; a path that is not a pool volume is taken as given (libvirt checks it at define). */
export async function resolveMedia(c: RpcClient, hostId: string, m: MediaRef): Promise<ResolvedMedia> {
  try {
    const vol =
      m.kind === 'volume'
        ? await c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool: await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: m.pool }), name: m.volume })
        : await c.call(P.STORAGE_VOL_LOOKUP_BY_PATH, { path: m.path }).catch(() => undefined);
    if (!vol) {
      if (m.kind !== 'path') throw new AppFailure('NOT_FOUND', 'no such volume');
      return { path: m.path, format: /\.qcow2$/i.test(m.path) ? 'qcow2' : 'raw' };
    }
    const [p, xml, info] = await Promise.all([c.call(P.STORAGE_VOL_GET_PATH, { vol }), c.call(P.STORAGE_VOL_GET_XML_DESC, { vol, flags: 0 }), c.call(P.STORAGE_VOL_GET_INFO, { vol })]);
    const format = attr(path(parseXmlDoc(xml).documentElement!, 'target', 'format'), 'type');
    return { path: p, vol, capacity: info.capacity, ...(format ? { format } : {}) };
  } catch (e) {
    const what = m.kind === 'volume' ? `Volume '${m.volume}' in pool '${m.pool}'` : `Image ${m.path}`;
    throw toLibvirtFailure(e, hostId, what);
  }
}

export async function createVolume(c: RpcClient, hostId: string, pool: PoolFacts, v: NewVolumeSpec, signal?: AbortSignal): Promise<StorageVolRef> {
  return c.call(P.STORAGE_VOL_CREATE_XML, { pool: pool.ref, xml: volumeXml(v), flags: 0 }, signal ? { signal } : undefined).catch((e: unknown) => {
    throw toLibvirtFailure(e, hostId, `Creating volume '${v.name}' in pool '${pool.name}'`);
  });
}

/** Deletes a volume; one already gone counts as deleted. */
export async function deleteVolume(c: RpcClient, vol: StorageVolRef): Promise<void> {
  await c.call(P.STORAGE_VOL_DELETE, { vol, flags: 0 }).catch((e: unknown) => {
    if (e instanceof LibvirtError && e.code === 50) return;
    throw e;
  });
}
