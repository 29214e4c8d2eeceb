import { say } from '../../shared/i18n/core-text';
import { AppFailure } from '../../shared/ipc/result';
import { cloneVolumeName } from '../../shared/libvirt/clone-names';
import { buildVolumeXml } from '../../shared/libvirt/storage-xml';
import { attr, child, children, devicesOf, domainRoot, makeElement, parseXmlDoc, path, readDisk, removeElement, serializeXmlDoc, setAttr, setText, appendChild, type XmlDocument } from '../../shared/libvirt/dom/index';
import type { TaskRef } from '../../shared/model/task';
import { toLibvirtFailure } from '../libvirt/errors';
import { Undefine } from '../libvirt/flags';
import { P } from '../libvirt/rpc/procedures/index';
import type { StoragePoolRef, StorageVolRef } from '../libvirt/rpc/types';
import type { TaskContext, TaskManager } from '../tasks/manager';
import { deleteVolumeWhenFree, runOnBulk, type BulkDeps } from '../storage/bulk-call';
import { DEFINE_VALIDATE, inactiveXml, openDomain, type DomainHandle } from './definition';

// Full clone of a shut-off VM (virt-clone's recipe, LIBVIRT-NEXT.md §2):
// new name, UUID and MACs; define first so XML errors surface before any
// copying; then copy each disk as a volume with progress. Everything made is
// registered as an undo step, so a failure or cancel leaves no volume and no
// domain behind. A linked clone gets qcow2 overlays on the source's disks
// instead of copies (fast; the source's disks must then stay unchanged).

export interface CloneSpec {
  names: string[];
  linked: boolean;
}

interface DiskPlan {
  target: string;
  source: StorageVolRef;
  pool: StoragePoolRef;
  poolPath: string;
  volName: string;
  format: string;
  sourcePath: string;
}

/**
 * A file made outside libvirt (qemu-img, a copy) is unknown to its pool until
 * the pool is refreshed: refresh the pools whose directory holds it, once.
 */
async function volumeByPath(h: DomainHandle, file: string): Promise<StorageVolRef> {
  try {
    return await h.c.call(P.STORAGE_VOL_LOOKUP_BY_PATH, { path: file });
  } catch (e) {
    const dir = file.slice(0, file.lastIndexOf('/')) || '/';
    const { pools } = await h.c.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: 2 /* ACTIVE */ });
    let refreshed = false;
    for (const pool of pools) {
      const target = path(parseXmlDoc(await h.c.call(P.STORAGE_POOL_GET_XML_DESC, { pool, flags: 0 })).documentElement!, 'target', 'path');
      if ((target?.textContent ?? '').trim().replace(/\/$/, '') !== dir) continue;
      await h.c.call(P.STORAGE_POOL_REFRESH, { pool, flags: 0 });
      refreshed = true;
    }
    if (!refreshed) throw e;
    return h.c.call(P.STORAGE_VOL_LOOKUP_BY_PATH, { path: file });
  }
}

async function planDisks(h: DomainHandle, doc: XmlDocument, newName: string, linked: boolean): Promise<DiskPlan[]> {
  const c = h.c;
  const disks = children(devicesOf(doc), 'disk').filter((d) => (attr(d, 'device') ?? 'disk') === 'disk' && !child(d, 'readonly') && !child(d, 'shareable'));
  const plans: DiskPlan[] = [];
  for (const el of disks) {
    const d = readDisk(el);
    let vol: StorageVolRef;
    try {
      if (d.type === 'volume' && d.pool && d.volume) vol = await c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool: await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: d.pool }), name: d.volume });
      else if (d.source && (d.type === 'file' || d.type === 'block')) vol = await volumeByPath(h, d.source);
      else throw new Error(`${d.type} disks cannot be copied`);
    } catch (e) {
      throw new AppFailure('UNSUPPORTED', `Disk ${d.target} (${d.source ?? d.type}) is not a volume of a storage pool, so it cannot be copied: ${e instanceof Error ? e.message : String(e)}`, { hostId: h.hostId });
    }
    const pool = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: vol.pool });
    const poolPath = path(parseXmlDoc(await c.call(P.STORAGE_POOL_GET_XML_DESC, { pool, flags: 0 })).documentElement!, 'target', 'path');
    const format = linked ? 'qcow2' : (d.format ?? 'raw');
    const ext = format === 'qcow2' ? '.qcow2' : /\.\w{2,5}$/.exec(vol.name)?.[0] ?? '.img';
    plans.push({
      target: d.target,
      source: vol,
      pool,
      poolPath: (poolPath?.textContent ?? '').trim(),
      volName: cloneVolumeName(newName, d.target, ext, disks.length === 1),
      format,
      sourcePath: await c.call(P.STORAGE_VOL_GET_PATH, { vol }),
    });
  }
  return plans;
}

/** The new VM's definition: everything of the source except identity, MACs, disk paths and host-bound bits. */
function cloneXml(doc: XmlDocument, newName: string, plans: DiskPlan[]): string {
  const root = domainRoot(doc);
  setText(child(root, 'name')!, newName);
  const uuid = child(root, 'uuid');
  if (uuid) removeElement(uuid);
  // SMBIOS carries the UUID too; libvirt refuses a mismatch.
  for (const e of Array.from(root.getElementsByTagName('entry'))) if (attr(e, 'name') === 'uuid') removeElement(e);
  const devices = devicesOf(doc);
  for (const i of children(devices, 'interface')) {
    const mac = child(i, 'mac');
    if (mac) removeElement(mac); // libvirt generates a fresh one
    const target = child(i, 'target');
    if (target) removeElement(target);
  }
  for (const g of children(devices, 'graphics')) {
    if (attr(g, 'port') && attr(g, 'autoport') !== 'yes') {
      setAttr(g, 'port', '-1');
      setAttr(g, 'autoport', 'yes');
    }
  }
  for (const ch of children(devices, 'channel')) {
    const src = child(ch, 'source');
    if (src && attr(ch, 'type') === 'unix') src.removeAttribute('path');
  }
  const nvram = path(root, 'os', 'nvram');
  if (nvram) removeElement(nvram); // regenerated from the template for the new VM
  for (const p of plans) {
    const el = children(devices, 'disk').find((d) => attr(child(d, 'target'), 'dev') === p.target)!;
    const src = child(el, 'source') ?? appendChild(el, makeElement(doc, 'source'), ['target']);
    for (const a of ['file', 'dev', 'pool', 'volume']) src.removeAttribute(a);
    setAttr(el, 'type', 'file');
    setAttr(src, 'file', `${p.poolPath.replace(/\/$/, '')}/${p.volName}`);
    const drv = child(el, 'driver') ?? appendChild(el, makeElement(doc, 'driver', { name: 'qemu' }), ['source']);
    setAttr(drv, 'type', p.format);
    const bs = child(el, 'backingStore');
    if (bs) removeElement(bs);
  }
  return serializeXmlDoc(doc);
}

async function cloneOne(deps: BulkDeps, ctx: TaskContext, h: DomainHandle, newName: string, linked: boolean): Promise<{ uuid: string; name: string }> {
  const c = h.c;
  const fail = (what: string) => (e: unknown) => Promise.reject(toLibvirtFailure(e, h.hostId, what));
  ctx.phase(say('phase.preparing'));
  const doc = parseXmlDoc(await inactiveXml(h));
  const plans = await planDisks(h, doc, newName, linked);
  const sourceFormats = new Map(plans.map((p) => [p.target, readDisk(children(devicesOf(doc), 'disk').find((d) => attr(child(d, 'target'), 'dev') === p.target)!).format ?? 'raw']));
  for (const p of plans) {
    const exists = await c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool: p.pool, name: p.volName }).then(() => true, () => false);
    if (exists) throw new AppFailure('CONFLICT', `Pool ${p.pool.name} already has a volume ${p.volName}; pick another name`, { hostId: h.hostId });
  }
  ctx.phase(say('phase.definingNewVm'));
  const dom = await c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: cloneXml(doc, newName, plans), flags: DEFINE_VALIDATE }).catch(fail(`Defining ${newName}`));
  const keepDomain = ctx.undo(`undefine the new VM '${newName}'`, async () => {
    await c.call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: Undefine.NVRAM | Undefine.MANAGED_SAVE | Undefine.SNAPSHOTS_METADATA });
  });
  const keeps = [keepDomain];
  const totals = await Promise.all(plans.map((p) => c.call(P.STORAGE_VOL_GET_INFO, { vol: p.source }).then((i) => ({ cap: i.capacity, alloc: Math.max(1, i.allocation) }))));
  const grand = totals.reduce((a, t) => a + t.alloc, 0);
  let before = 0;
  for (const [i, p] of plans.entries()) {
    ctx.throwIfCancelled();
    const where = { hostId: h.hostId, pool: p.pool.name, name: p.volName };
    if (linked) {
      ctx.phase(say('phase.creatingOverlay', { disk: p.target }));
      const xml = buildVolumeXml({ name: p.volName, capacity: totals[i]!.cap, allocation: 0, format: 'qcow2', backing: { path: p.sourcePath, format: sourceFormats.get(p.target) ?? 'raw' } });
      await c.call(P.STORAGE_VOL_CREATE_XML, { pool: p.pool, xml, flags: 0 }).catch(fail(`Creating ${p.volName}`));
      keeps.push(ctx.undo(`delete volume '${p.volName}' in pool '${p.pool.name}'`, () => deleteVolumeWhenFree(deps, ctx, where)));
      continue;
    }
    ctx.phase(say('phase.copyingDiskNofM', { disk: p.target, n: i + 1, total: plans.length }));
    // The storage area's bulk copy: VolCreateXMLFrom on a bulk session, progress from the copy's allocation, cancel deletes the copy.
    const offset = before;
    keeps.push(
      await runOnBulk(deps, ctx, {
        ...where,
        total: totals[i]!.alloc,
        what: { what: `Copying ${p.target} to '${p.volName}'`, pool: p.pool.name, volume: p.volName },
        onProgress: (done) => ctx.progress({ unit: 'bytes', done: offset + done, total: grand }),
        call: (bulk, signal) =>
          bulk.call(P.STORAGE_VOL_CREATE_XML_FROM, { pool: p.pool, xml: buildVolumeXml({ name: p.volName, capacity: totals[i]!.cap, allocation: 0, format: p.format }), clonevol: p.source, flags: 0 }, { signal }),
      }),
    );
    before += totals[i]!.alloc;
  }
  // The new VM owns its disks now.
  keeps.forEach((k) => k());
  ctx.log(`Cloned ${h.dom.name} as ${newName} (${dom.uuid})`);
  return { uuid: dom.uuid, name: newName };
}

export async function domainClone(tasks: TaskManager, deps: BulkDeps, hostId: string, uuid: string, spec: CloneSpec): Promise<TaskRef & { result: Promise<unknown> }> {
  const h = await openDomain(deps.sessions, hostId, uuid);
  if (h.active) throw new AppFailure('CONFLICT', `${h.dom.name} is running: shut it off first, so its disks are copied in a consistent state`, { hostId });
  if (!h.persistent) throw new AppFailure('UNSUPPORTED', `${h.dom.name} is transient: there is no definition to clone`, { hostId });
  const target = { kind: 'domain' as const, hostId, id: uuid, name: h.dom.name };
  const many = spec.names.length > 1;
  const { taskId, result } = tasks.run(
    {
      kind: 'domain.clone',
      title: many ? `Clone ${h.dom.name} ×${spec.names.length}` : `Clone ${h.dom.name} as ${spec.names[0]}${spec.linked ? ' (linked)' : ''}`,
      hostId,
      target,
      retry: { call: 'domains.clone', input: { hostId, uuid, names: spec.names, linked: spec.linked } },
    },
    async (ctx) => {
      if (!many) return [await cloneOne(deps, ctx, h, spec.names[0]!, spec.linked)];
      const made: Array<{ uuid: string; name: string }> = [];
      for (const [i, name] of spec.names.entries()) {
        ctx.phase(say('phase.cloneNofM', { n: i + 1, total: spec.names.length, name }));
        ctx.progress({ unit: 'steps', done: i, total: spec.names.length });
        made.push(await ctx.child({ kind: 'domain.clone', title: say('title.vmClone', { vm: h.dom.name, name }), hostId, target }, (child) => cloneOne(deps, child, h, name, spec.linked)));
      }
      ctx.progress({ unit: 'steps', done: spec.names.length, total: spec.names.length });
      return made;
    },
  );
  result.catch(() => {});
  return { taskId, result };
}
