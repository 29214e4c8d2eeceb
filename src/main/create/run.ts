import { say } from '../../shared/i18n/core-text';
import { randomBytes, randomUUID } from 'node:crypto';
import { buildDomainXml, type BuildInput } from '../../shared/create/build';
import { buildSeedIso, cloudInitDocuments } from '../../shared/create/cloud-init';
import { readInstallPlan } from '../../shared/create/install-meta';
import type { OsProfile } from '../../shared/create/os';
import type { CreateSpec } from '../../shared/create/spec';
import { installCmdline, treeUrl } from '../../shared/create/tree';
import { volumeStem } from '../../shared/libvirt/clone-names';
import { parseXmlDoc } from '../../shared/libvirt/dom/index';
import { AppFailure } from '../../shared/ipc/result';
import type { HostTransport } from '../hosts/transport';
import { toLibvirtFailure } from '../libvirt/errors';
import { LibvirtError } from '../libvirt/rpc/errors';
import type { RpcClient } from '../libvirt/rpc/client';
import { P } from '../libvirt/rpc/procedures/index';
import type { StorageVolRef } from '../libvirt/rpc/types';
import type { LibvirtSessions } from '../libvirt/sessions';
import { uploadVolume } from '../storage/transfer';
import type { TaskContext } from '../tasks/manager';
import { DEFINE_VALIDATE } from '../domains/definition';
import { firstStart } from './first-boot';
import { findTreeBoot, hostDownload, hostReader, workstationReader } from './install-tree';
import { uploadSeed } from './seed';
import { createVolume, deleteVolume, poolFacts, resolveMedia, volumeExists, volumeXml, type PoolFacts } from './volumes';

// One VM of a create task, on one host: volumes (empty disk, copy, overlay,
// scratch kernel/initrd), the seed, the definition, the first start. Every
// thing made registers its undo before the next step, so a failure or cancel
// at any point removes exactly what this copy made, and the task lists it.

export interface CopyDeps {
  sessions: LibvirtSessions;
  transport(hostId: string): HostTransport;
}

export interface CopyInput {
  spec: CreateSpec;
  hostId: string;
  name: string;
  os: OsProfile;
}

export interface CopyResult {
  hostId: string;
  uuid: string;
  name: string;
  started: boolean;
  /** The seed left attached until the guest reads it. */
  seed?: { pool: string; volume: string; target: string };
}

const GiB = 1024 ** 3;
/** Undefine everything a fresh VM can own: managed save, snapshot metadata, NVRAM, TPM state. */
const UNDEFINE_ALL = 1 | 2 | 4 | 64;

export const randomMac = (): string =>
  `52:54:00:${Array.from(randomBytes(3))
    .map((b) => b.toString(16).padStart(2, '0'))
    .join(':')}`;

/** The names this copy's volumes get (the preview shows the same). */
export function volumeNames(name: string, format: 'qcow2' | 'raw' = 'qcow2') {
  const stem = volumeStem(name);
  return { disk: `${stem}.${format === 'qcow2' ? 'qcow2' : 'img'}`, seed: `${stem}-cidata.iso`, kernel: `${stem}-install-kernel`, initrd: `${stem}-install-initrd` };
}

export async function createCopy(ctx: TaskContext, deps: CopyDeps, input: CopyInput): Promise<CopyResult> {
  const { spec, hostId, name, os } = input;
  const hw = spec.hardware;
  const src = spec.source;
  const c = deps.sessions.client(hostId);
  const names = volumeNames(name, hw.disk?.format);
  const keep: Array<() => void> = [];
  const undo = (label: string, fn: () => Promise<void>) => keep.push(ctx.undo(label, fn));

  ctx.phase(say('phase.checking'));
  if (await c.call(P.DOMAIN_LOOKUP_BY_NAME, { name }).then(() => true, (e: unknown) => (e instanceof LibvirtError && e.code === 42 ? false : Promise.reject(toLibvirtFailure(e, hostId, name))))) {
    throw new AppFailure('CONFLICT', `A VM named “${name}” already exists on ${hostId}`, { hostId });
  }
  const poolName = hw.disk?.pool ?? 'default';
  const pool = await poolFacts(c, hostId, poolName);
  if (!pool.active) throw new AppFailure('CONFLICT', `Storage pool '${poolName}' is not active on ${hostId}`, { hostId });
  const mine = [hw.disk && !(src.kind === 'import' && src.use === 'in-place') && names.disk, spec.cloudInit && names.seed, src.kind === 'url' && names.kernel, src.kind === 'url' && names.initrd].filter(
    (n): n is string => !!n,
  );
  for (const v of mine) {
    if (await volumeExists(c, pool.ref, v)) throw new AppFailure('CONFLICT', `Pool '${poolName}' already has a volume '${v}': pick another VM name or remove it`, { hostId });
  }
  // Media uploaded for this VM (adopt) goes if the create fails.
  if ((src.kind === 'iso' || src.kind === 'import' || src.kind === 'cloud') && src.media.kind === 'volume' && src.media.adopt) {
    const m = src.media;
    undo(`delete the uploaded '${m.volume}' in pool '${m.pool}'`, async () => deleteVolume(c, await c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool: await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: m.pool }), name: m.volume })));
  }

  const mac = hw.nic ? (hw.nic.mac ?? randomMac()).toLowerCase() : undefined;
  const build: Omit<BuildInput, 'spec' | 'name' | 'os'> = { ...(mac ? { mac } : {}) };

  // --- cloud-init seed (first: small and quick, before the long disk copy) ---
  if (spec.cloudInit) {
    ctx.phase(say('phase.writingSeed'));
    const docs = cloudInitDocuments(spec.cloudInit, { instanceId: `iid-${randomUUID()}`, vmName: name, ...(mac ? { mac } : {}) });
    const iso = buildSeedIso(docs);
    const s = await uploadSeed(ctx, deps.sessions, hostId, pool, names.seed, iso, undo);
    build.seed = { pool: poolName, volume: names.seed, path: s.path };
  }

  // --- the disk ---
  if (hw.disk) {
    const capacity = hw.disk.sizeGiB * GiB;
    const made = async (vol: StorageVolRef, how: string) => {
      undo(`delete volume '${names.disk}' in pool '${poolName}'`, () => deleteVolume(deps.sessions.client(hostId), vol));
      const path = await c.call(P.STORAGE_VOL_GET_PATH, { vol });
      ctx.log(`${how}: ${path}`);
      build.disk = { path, format: hw.disk!.format };
    };
    if (src.kind === 'import' && src.use === 'in-place') {
      const m = await resolveMedia(c, hostId, src.media);
      build.disk = { path: m.path, format: m.format === 'raw' ? 'raw' : 'qcow2' };
      ctx.log(`Using the disk image in place: ${m.path} (${m.format ?? 'format unknown'})`);
    } else if (src.kind === 'cloud' && src.use === 'backing') {
      const m = await resolveMedia(c, hostId, src.media);
      ctx.phase(say('phase.creatingDisk'));
      const size = Math.max(capacity, m.capacity ?? 0);
      const vol = await createVolume(c, hostId, pool, { name: names.disk, capacity: size, format: 'qcow2', backing: { path: m.path, format: m.format ?? 'qcow2' } }, ctx.signal);
      await made(vol, `Created a ${fmtGiB(size)} qcow2 overlay on ${m.path}`);
      build.disk = { path: build.disk!.path, format: 'qcow2' };
    } else if (src.kind === 'import' || src.kind === 'cloud') {
      const m = await resolveMedia(c, hostId, src.media);
      ctx.phase(say('phase.copyingImage'));
      const vol = await copyVolume(ctx, c, hostId, pool, m, { name: names.disk, capacity: Math.max(capacity, m.capacity ?? 0), format: hw.disk.format });
      await made(vol, `Copied ${m.path} into '${names.disk}'`);
    } else {
      ctx.phase(say('phase.creatingDisk'));
      const vol = await createVolume(c, hostId, pool, { name: names.disk, capacity, format: hw.disk.format }, ctx.signal);
      await made(vol, `Created an empty ${fmtGiB(capacity)} ${hw.disk.format} disk`);
    }
  } else if (src.kind === 'import' || src.kind === 'cloud') {
    throw new AppFailure('VALIDATION', 'An imported disk or cloud image needs the disk settings (pool, bus)');
  }

  // --- install media ---
  if (src.kind === 'iso') {
    const m = await resolveMedia(c, hostId, src.media);
    build.iso = { path: m.path };
    ctx.log(`Install media: ${m.path}`);
  }
  if (src.kind === 'url') {
    ctx.phase(say('phase.findingKernel'));
    const reader = src.fetchBy === 'host' ? hostReader(deps.transport(hostId)) : workstationReader;
    const boot = await findTreeBoot(reader, src.url, os, { kernelPath: src.kernelPath, initrdPath: src.initrdPath }, ctx.signal);
    ctx.log(`Tree boot files (${boot.from}): ${boot.kernel}, ${boot.initrd}`);
    const paths: string[] = [];
    for (const [rel, vname] of [
      [boot.kernel, names.kernel],
      [boot.initrd, names.initrd],
    ] as const) {
      ctx.phase(say('phase.fetching', { file: rel }));
      paths.push(await fetchInto(ctx, deps, hostId, pool, treeUrl(src.url, rel), vname, src.fetchBy, undo));
    }
    build.kernel = {
      kernel: paths[0]!,
      initrd: paths[1]!,
      cmdline: installCmdline(src.url, boot, src.kernelArgs),
      scratch: [
        { pool: poolName, volume: names.kernel },
        { pool: poolName, volume: names.initrd },
      ],
    };
  }

  // --- define ---
  ctx.phase(say('phase.defining'));
  let xml: string;
  if (spec.xml) {
    xml = spec.xml;
    const doc = parseXmlDoc(xml);
    const n = doc.getElementsByTagName('name')[0]?.textContent?.trim();
    if (n !== name) throw new AppFailure('VALIDATION', `The edited definition names the VM “${n ?? ''}”, not “${name}”`);
    if (!readInstallPlan(doc) && (build.kernel || build.seed)) ctx.log('The edited definition has no install plan: install media and seed stay after the first boot', 'warn');
  } else {
    xml = buildDomainXml({ spec, name, os, ...build }).xml;
  }
  const dom = await c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml, flags: DEFINE_VALIDATE }, { signal: ctx.signal }).catch((e: unknown) => {
    throw toLibvirtFailure(e, hostId, `Defining ${name}`);
  });
  undo(`undefine ${name}`, async () => {
    const cc = deps.sessions.client(hostId);
    const d = await cc.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: dom.uuid });
    await cc.call(P.DOMAIN_DESTROY, { dom: d }).catch(() => {});
    await cc.call(P.DOMAIN_UNDEFINE_FLAGS, { dom: d, flags: UNDEFINE_ALL }).catch(() => cc.call(P.DOMAIN_UNDEFINE_FLAGS, { dom: d, flags: 1 | 2 | 4 }));
  });
  ctx.log(`Defined ${name} (${dom.uuid})`);

  let started = false;
  let seed: CopyResult['seed'];
  if (spec.start && !spec.customise) {
    const r = await firstStart(ctx, deps.sessions, hostId, dom.uuid);
    started = r.started;
    seed = r.seed;
  } else if (spec.customise) {
    ctx.log('Defined, not started: open its settings, then start it with “Start install” so the first-boot plan runs');
  }
  // The VM owns its volumes now: nothing of this copy is undone any more.
  for (const k of keep) k();
  return { hostId, uuid: dom.uuid, name, started, ...(seed ? { seed } : {}) };
}

const fmtGiB = (b: number) => `${Math.round((b / GiB) * 100) / 100} GiB`;

/** A full copy of an image into a new volume (libvirt copies on the host: qemu-img convert), grown to `capacity`. */
async function copyVolume(ctx: TaskContext, c: RpcClient, hostId: string, pool: PoolFacts, m: { path: string; vol?: StorageVolRef; format?: string }, v: { name: string; capacity: number; format: 'qcow2' | 'raw' }): Promise<StorageVolRef> {
  if (!m.vol) throw new AppFailure('UNSUPPORTED', `${m.path} is not in a storage pool: a copy needs it in one (or use it in place)`, { hostId });
  const vol = await c
    .call(P.STORAGE_VOL_CREATE_XML_FROM, { pool: pool.ref, xml: volumeXml({ name: v.name, capacity: v.capacity, format: v.format }), clonevol: m.vol, flags: 0 }, { signal: ctx.signal, timeoutMs: 3_600_000 })
    .catch((e: unknown) => {
      throw toLibvirtFailure(e, hostId, `Copying ${m.path} into '${v.name}' in pool '${pool.name}'`);
    });
  // libvirt copies at the source's size; grow to what was asked.
  const info = await c.call(P.STORAGE_VOL_GET_INFO, { vol });
  if (info.capacity < v.capacity) {
    await c.call(P.STORAGE_VOL_RESIZE, { vol, capacity: v.capacity, flags: 0 }).catch(async (e: unknown) => {
      await deleteVolume(c, vol).catch(() => {});
      throw toLibvirtFailure(e, hostId, `Growing '${v.name}'`);
    });
  }
  return vol;
}

/** A tree file into a new raw volume: downloaded by the host, or fetched here and uploaded. Returns its path. */
async function fetchInto(
  ctx: TaskContext,
  deps: CopyDeps,
  hostId: string,
  pool: PoolFacts,
  url: string,
  name: string,
  by: 'host' | 'workstation',
  undo: (label: string, fn: () => Promise<void>) => void,
): Promise<string> {
  const c = deps.sessions.client(hostId);
  if (by === 'host') {
    const vol = await createVolume(c, hostId, pool, { name, capacity: 1, format: 'raw' }, ctx.signal);
    undo(`delete the install-only volume '${name}' in pool '${pool.name}'`, () => deleteVolume(deps.sessions.client(hostId), vol));
    const path = await c.call(P.STORAGE_VOL_GET_PATH, { vol });
    const n = await hostDownload(deps.transport(hostId), url, path, ctx.signal);
    await c.call(P.STORAGE_POOL_REFRESH, { pool: pool.ref, flags: 0 }).catch(() => {});
    ctx.log(`${hostId} downloaded ${url} (${n} bytes) into ${path}`);
    return path;
  }
  const r = await fetch(url, { signal: ctx.signal }).catch((e: unknown) => {
    throw new AppFailure('HOST_UNREACHABLE', `VirtDeck cannot fetch ${url}: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`);
  });
  if (!r.ok) throw new AppFailure('NOT_FOUND', `${url}: HTTP ${r.status}`);
  const body = Buffer.from(await r.arrayBuffer());
  const vol = await createVolume(c, hostId, pool, { name, capacity: body.length, format: 'raw' }, ctx.signal);
  undo(`delete the install-only volume '${name}' in pool '${pool.name}'`, () => deleteVolume(deps.sessions.client(hostId), vol));
  const up = await uploadVolume({
    sessions: deps.sessions,
    hostId,
    vol,
    size: body.length,
    source: (async function* () {
      yield body;
    })(),
    signal: ctx.signal,
    onProgress: (p) => ctx.progress({ unit: 'bytes', done: p.done, total: body.length }),
  });
  ctx.log(`Fetched ${url} here and uploaded ${body.length} bytes (SHA-256 ${up.sha256})`);
  return c.call(P.STORAGE_VOL_GET_PATH, { vol });
}
