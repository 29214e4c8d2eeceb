import { say } from '../../shared/i18n/core-text';
import { AppFailure } from '../../shared/ipc/result';
import { formatBytes } from '../../shared/libvirt/units';
import { buildXml, child, parseXml, text } from '../../shared/libvirt/xml';
import type { MigrationRequest, PreflightReport } from '../../shared/model/migration';
import { toLibvirtFailure } from '../libvirt/errors';
import { P } from '../libvirt/rpc/procedures/index';
import type { StorageVolRef } from '../libvirt/rpc/types';
import { relayVolume, volumeSha256OnHost } from '../storage/transfer';
import type { TaskContext } from '../tasks/manager';
import { disksToCopy, type DiskFact } from './checks';
import type { Gathered } from './preflight';
import type { MigrationOutcome, MigrationServiceDeps } from './task';
import { settleSourceDisks } from './source-disks';
import { mapNetworks } from './xml';

// Offline move of a shut-off VM, for hosts with no route between them (or no
// shared storage): each local disk is copied byte for byte through VirtDeck's
// own connections (a sparse download from the source feeding a sparse upload
// to the target, holes passed through), checked with SHA-256 on the target,
// then the definition is defined there and, when asked, removed here.

const DEFINE_VALIDATE = 1;
const UNDEFINE_KEEP_NVRAM = 8;

interface Copy {
  disk: DiskFact;
  path: string;
  src: StorageVolRef;
  /** Length of the file (qcow2 files are shorter than their virtual size). */
  bytes: number;
}

export async function migrateOffline(deps: MigrationServiceDeps, ctx: TaskContext, req: MigrationRequest, report: PreflightReport, g: Gathered): Promise<MigrationOutcome> {
  const { sessions, hosts } = deps;
  const src = sessions.client(req.hostId);
  const dst = sessions.client(req.targetHostId);
  const started = performance.now();
  const what = (s: string) => (e: unknown) => {
    throw toLibvirtFailure(e, req.hostId, s);
  };
  const st = await src.call(P.DOMAIN_GET_STATE, { dom: g.dom, flags: 0 });
  if (st.state !== 5 /* SHUTOFF */) throw new AppFailure('CONFLICT', `${report.name} is running again: shut it down or move it live`, { hostId: req.hostId });
  if (/<nvram[\s>]/.test(g.xml)) ctx.log('The VM has UEFI variables (NVRAM): an offline move does not copy them; it starts on the target with fresh ones', 'warn');

  // 1. What to copy, and how big each file is.
  ctx.phase(say('phase.measuringDisks'));
  const copies: Copy[] = [];
  for (const disk of disksToCopy(g.facts, 'offline')) {
    const path = disk.path!;
    const vol = await src.call(P.STORAGE_VOL_LOOKUP_BY_PATH, { path }).catch(what(`${disk.target} (${path}) is not in a storage pool on ${req.hostId}`));
    const vx = child(parseXml(await src.call(P.STORAGE_VOL_GET_XML_DESC, { vol, flags: 0 })), 'volume');
    const bytes = Number(text(child(vx, 'physical')) ?? text(child(vx, 'capacity')) ?? disk.capacity ?? 0);
    copies.push({ disk, path, src: vol, bytes });
  }
  const total = copies.reduce((a, c) => a + c.bytes, 0);
  if (copies.length) ctx.log(`Copying ${copies.length} disk${copies.length > 1 ? 's' : ''}, ${formatBytes(total)} in all, through this workstation`);

  // 2. Each copy: a raw volume of the file's exact length, filled byte for byte (a qcow2 file stays qcow2).
  let before = 0;
  let sentBytes = 0;
  // Undo steps for what we make on the target; forgotten once the move is done
  // (a parent evacuation that fails later must not delete a VM that moved).
  const keeps: (() => void)[] = [];
  for (const c of copies) {
    ctx.throwIfCancelled();
    ctx.phase(say('phase.copyingDisk', { disk: c.disk.target }));
    const poolName = c.disk.targetPool?.name;
    if (!poolName) throw new AppFailure('CONFLICT', `no storage pool on ${req.targetHostId} for ${c.path}`, { hostId: req.targetHostId });
    const pool = await dst.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: poolName });
    const name = c.path.slice(c.path.lastIndexOf('/') + 1);
    const xml = buildXml({ volume: { name, capacity: { '@_unit': 'bytes', '#text': String(c.bytes) }, allocation: { '@_unit': 'bytes', '#text': '0' }, target: { format: { '@_type': 'raw' } } } });
    const vol = await dst.call(P.STORAGE_VOL_CREATE_XML, { pool, xml, flags: 0 }).catch((e: unknown) => {
      throw toLibvirtFailure(e, req.targetHostId, `Creating ${name} in pool '${poolName}'`);
    });
    keeps.push(ctx.undo(`delete volume '${name}' in pool '${poolName}' on ${req.targetHostId}`, () => dst.call(P.STORAGE_VOL_DELETE, { vol, flags: 0 })));
    const newPath = await dst.call(P.STORAGE_VOL_GET_PATH, { vol });
    if (newPath !== c.path) throw new AppFailure('CONFLICT', `the copy landed at ${newPath}, not ${c.path}: pool '${poolName}' maps the directory differently`, { hostId: req.targetHostId });
    const r = await relayVolume({
      from: { sessions, hostId: req.hostId, vol: c.src },
      to: { sessions, hostId: req.targetHostId, vol },
      size: c.bytes,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress({ unit: 'bytes', done: before + p.done, total, secondary: { label: 'sent as data', done: sentBytes + p.sent } }),
    });
    before += c.bytes;
    sentBytes += r.bytesSent;
    ctx.phase(say('phase.verifyingDisk', { disk: c.disk.target }));
    const onTarget = await volumeSha256OnHost(hosts.transport(req.targetHostId), c.path, c.bytes, ctx.signal);
    if (onTarget !== r.sourceSha256) {
      throw new AppFailure('INTERNAL', `${c.disk.target}: the copy on ${req.targetHostId} does not match (SHA-256 ${onTarget.slice(0, 12)}… vs ${r.sourceSha256.slice(0, 12)}…)`, { hostId: req.targetHostId });
    }
    ctx.log(`${c.disk.target}: ${formatBytes(c.bytes)} copied (${formatBytes(r.bytesSent)} as data, ${formatBytes(r.holeBytes)} as holes), SHA-256 ${r.sourceSha256} on both hosts`);
  }
  // libvirt probes the copied files' format (qcow2) on refresh.
  for (const p of new Set(copies.map((c) => c.disk.targetPool!.name))) {
    const pool = await dst.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: p });
    await dst.call(P.STORAGE_POOL_REFRESH, { pool, flags: 0 }).catch(() => undefined);
  }

  // 3. The definition on the target (networks mapped), autostart as it was.
  ctx.throwIfCancelled();
  ctx.phase(say('phase.definingOnTarget'));
  const xml = mapNetworks(g.xml, req.networkMap);
  const defined = await dst.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml, flags: DEFINE_VALIDATE }).catch((e: unknown) => {
    throw toLibvirtFailure(e, req.targetHostId, `Defining ${report.name} on ${req.targetHostId}`);
  });
  keeps.push(ctx.undo(`undefine ${report.name} on ${req.targetHostId}`, () => dst.call(P.DOMAIN_UNDEFINE_FLAGS, { dom: defined, flags: UNDEFINE_KEEP_NVRAM })));
  const autostart = await src.call(P.DOMAIN_GET_AUTOSTART, { dom: g.dom }).catch(() => false);
  if (autostart) await dst.call(P.DOMAIN_SET_AUTOSTART, { dom: defined, autostart: true });

  // 4. The source: undefined (and its disks removed) only now that the target holds a verified copy.
  if (!req.options.keepSource) {
    ctx.phase(say('phase.removingSourceDefinition'));
    await src.call(P.DOMAIN_UNDEFINE_FLAGS, { dom: g.dom, flags: UNDEFINE_KEEP_NVRAM }).catch(what(`Undefining ${report.name} on ${req.hostId}`));
    // From here the target's copy is the VM: nothing to roll back.
    keeps.forEach((k) => k());
    ctx.log(`${report.name} is no longer defined on ${req.hostId}`);
  } else {
    ctx.log(`${report.name} stays defined on ${req.hostId} too (kept as asked): start only one of them`, 'warn');
  }
  keeps.forEach((k) => k());
  await settleSourceDisks(ctx, src, req.hostId, copies.map((c) => ({ path: c.path, vol: c.src })), req.options.removeSourceDisks && !req.options.keepSource, 'its copy checked out');
  return {
    uuid: req.uuid,
    name: report.name,
    hostId: req.hostId,
    targetHostId: req.targetHostId,
    mode: 'offline',
    route: 'relay',
    totalMs: performance.now() - started,
    bytes: total,
  };
}
