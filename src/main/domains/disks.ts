import { AppFailure } from '../../shared/ipc/result';
import { appendChild, buildDisk, devicesOf, diskByTarget, diskTargets, editDisk, freeTarget, parseXmlDoc, readDisk, removeElement, serializeElement, setIoTune, setMedia, type DiskEdit, type DiskSource, type NewDisk } from '../../shared/libvirt/dom/index';
import { formatBytes } from '../../shared/libvirt/units';
import type { ApplyResult, IoTune } from '../../shared/model/vm-settings';
import { IOTUNE_KEYS } from '../../shared/model/vm-settings';
import { P } from '../libvirt/rpc/procedures/index';
import { AffectFlags, BlockResizeFlags } from '../libvirt/rpc/procedures/domain-settings';
import type { StorageVolRef } from '../libvirt/rpc/types';
import { editDefinition, fail, inactiveXml, liveDoc, Outcome, updateLiveDevice, type DomainHandle } from './definition';
import { aliasPresent, detachLive } from './detach';

const describe = (s: DiskSource) => (s.kind === 'none' ? 'no media' : s.kind === 'volume' ? `${s.pool}/${s.volume}` : s.path);

/** A new volume to create for the disk (in a pool), instead of an existing source. */
export interface NewVolume {
  pool: string;
  name: string;
  capacityBytes: number;
  format: 'qcow2' | 'raw';
}

function volumeXml(v: NewVolume): string {
  // Names are data: escaped by building with the DOM, never by string templates.
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return `<volume><name>${esc(v.name)}</name><capacity unit="bytes">${Math.floor(v.capacityBytes)}</capacity><allocation>0</allocation><target><format type="${esc(v.format)}"/></target></volume>`;
}

export async function domainAttachDisk(h: DomainHandle, spec: NewDisk, create?: NewVolume): Promise<ApplyResult> {
  const { c, dom } = h;
  let created: StorageVolRef | undefined;
  if (create) {
    const pool = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: create.pool }).catch(fail(h, `Pool ${create.pool}`));
    created = await c.call(P.STORAGE_VOL_CREATE_XML, { pool, xml: volumeXml(create), flags: 0 }).catch(fail(h, `Creating volume ${create.name}`));
    const path = await c.call(P.STORAGE_VOL_GET_PATH, { vol: created }).catch(fail(h, 'Reading the new volume'));
    spec = { ...spec, source: { kind: 'file', path }, format: create.format };
  }
  try {
    // One target name free in both definitions (a hot-added disk may exist only live).
    const liveTargets = h.active ? diskTargets(await liveDoc(h)) : [];
    let xml = '';
    let target = '';
    await editDefinition(h, `Adding a disk to ${dom.name}`, (d) => {
      target = spec.target ?? freeTarget(d, spec.bus, liveTargets);
      xml = serializeElement(appendChild(devicesOf(d), buildDisk(d, { ...spec, target })));
    });
    const out = new Outcome(h);
    await out.tryLive(`${spec.device === 'cdrom' ? 'CD-ROM' : 'Disk'} ${target} (${describe(spec.source)})`, () => c.call(P.DOMAIN_ATTACH_DEVICE_FLAGS, { dom, xml, flags: AffectFlags.LIVE }));
    return out.result();
  } catch (e) {
    // The disk never made it into the VM: the volume we made for it goes too.
    if (created) await c.call(P.STORAGE_VOL_DELETE, { vol: created, flags: 0 }).catch(() => {});
    throw e;
  }
}

export async function domainDetachDisk(h: DomainHandle, target: string): Promise<ApplyResult> {
  const out = new Outcome(h);
  if (h.active) {
    const el = diskByTarget(await liveDoc(h), target);
    const alias = el && readDisk(el).alias;
    if (el && alias) {
      const r = await detachLive(h, alias, serializeElement(el), aliasPresent(h, alias)).catch(fail(h, `Unplugging ${target}`));
      if (r.removed) out.applied(`Disk ${target} removed`);
      else out.warn(`Disk ${target} is still attached to the running VM: ${r.message}. It is removed from the definition, so it is gone after the next boot.`);
    }
  }
  if (h.persistent) {
    let found = false;
    await editDefinition(h, `Removing disk ${target}`, (d) => {
      const el = diskByTarget(d, target);
      if (!el) return;
      found = true;
      removeElement(el);
    });
    if (found && !out.result().changes.length) out.saved(`Disk ${target} removed`);
  }
  if (!out.result().changes.length && !out.result().warnings.length) throw new AppFailure('NOT_FOUND', `${h.dom.name} has no disk ${target}`, { hostId: h.hostId });
  return out.result();
}

export async function domainChangeMedia(h: DomainHandle, target: string, source: DiskSource): Promise<ApplyResult> {
  const out = new Outcome(h);
  const what = `${target}: ${source.kind === 'none' ? 'media ejected' : `media ${describe(source)} inserted`}`;
  if (h.persistent) {
    await editDefinition(h, `Changing the media in ${target}`, (d) => {
      const el = diskByTarget(d, target);
      if (!el) throw new Error(`no drive ${target}`);
      setMedia(d, el, source);
    });
  }
  await updateLiveDevice(h, out, what, (d) => diskByTarget(d, target), (d, el) => setMedia(d, el, source));
  return out.result();
}

/** Bus, cache, I/O mode and discard: QEMU cannot change them on a running disk, so they wait for the next boot. */
export async function domainUpdateDisk(h: DomainHandle, target: string, edit: DiskEdit): Promise<ApplyResult> {
  const out = new Outcome(h);
  let before: ReturnType<typeof readDisk> | undefined;
  let after: ReturnType<typeof readDisk> | undefined;
  await editDefinition(h, `Changing disk ${target}`, (d) => {
    const el = diskByTarget(d, target);
    if (!el) throw new Error(`no disk ${target}`);
    before = readDisk(el);
    editDisk(d, el, edit);
    after = readDisk(el);
  });
  for (const k of ['bus', 'cache', 'io', 'discard'] as const) {
    if (before?.[k] !== after?.[k]) out.saved(`Disk ${target} ${k === 'io' ? 'I/O mode' : k} ${before?.[k] ?? 'default'} → ${after?.[k] ?? 'default'}${k === 'bus' ? ` (now ${after?.target})` : ''}`);
  }
  return out.result();
}

/** Grows a disk: BlockResize while the VM runs (the guest sees it at once), the volume itself otherwise. */
export async function domainResizeDisk(h: DomainHandle, target: string, sizeBytes: number): Promise<ApplyResult> {
  const out = new Outcome(h);
  const what = `Disk ${target} resized to ${formatBytes(sizeBytes)}`;
  if (h.active) {
    await h.c.call(P.DOMAIN_BLOCK_RESIZE, { dom: h.dom, disk: target, size: sizeBytes, flags: BlockResizeFlags.BYTES }).catch(fail(h, `Resizing ${target}`));
    // The image file itself grew: the change is there now and after a restart.
    out.applied(what);
    return out.result();
  }
  const { source, type } = readDisk(diskOrFail(parseXmlDoc(await inactiveXml(h)), target, h));
  if (!source || (type !== 'file' && type !== 'block')) throw new AppFailure('UNSUPPORTED', `${target} is not a file or device in a storage pool; resize it while the VM runs`, { hostId: h.hostId });
  const vol = await h.c.call(P.STORAGE_VOL_LOOKUP_BY_PATH, { path: source }).catch(fail(h, `${source} is not a volume of a storage pool`));
  await h.c.call(P.STORAGE_VOL_RESIZE, { vol, capacity: sizeBytes, flags: 0 }).catch(fail(h, `Resizing ${source}`));
  out.saved(what);
  return out.result();
}

function diskOrFail(doc: Parameters<typeof diskByTarget>[0], target: string, h: DomainHandle) {
  const el = diskByTarget(doc, target);
  if (!el) throw new AppFailure('NOT_FOUND', `${h.dom.name} has no disk ${target}`, { hostId: h.hostId });
  return el;
}

/** Per-disk I/O limits, live (SetBlockIoTune) and in the definition (<iotune>). */
export async function domainSetIoTune(h: DomainHandle, target: string, tune: IoTune): Promise<ApplyResult> {
  const out = new Outcome(h);
  const set = IOTUNE_KEYS.filter((k) => (tune[k] ?? 0) > 0);
  const what = `Disk ${target} I/O limits: ${set.length ? set.map((k) => `${k}=${tune[k]}`).join(', ') : 'none'}`;
  if (h.persistent) {
    await editDefinition(h, `Setting I/O limits of ${target}`, (d) => {
      const el = diskByTarget(d, target);
      if (!el) throw new Error(`no disk ${target}`);
      setIoTune(d, el, tune);
    });
  }
  // Every key is sent (0 clears a limit), so the live state matches the form exactly.
  const params = IOTUNE_KEYS.map((k) => ({ field: k, type: 'ullong' as const, value: BigInt(tune[k] ?? 0) }));
  await out.tryLive(what, () => h.c.call(P.DOMAIN_SET_BLOCK_IO_TUNE, { dom: h.dom, disk: target, params, flags: AffectFlags.LIVE }));
  return out.result();
}
