import { say } from '../../shared/i18n/core-text';
import { AppFailure } from '../../shared/ipc/result';
import { clearInstallPlan, readInstallPlan, type InstallPlan } from '../../shared/create/install-meta';
import { parseXmlDoc, serializeXmlDoc } from '../../shared/libvirt/dom/index';
import { toLibvirtFailure } from '../libvirt/errors';
import { P } from '../libvirt/rpc/procedures/index';
import type { LibvirtSessions } from '../libvirt/sessions';
import { uploadVolume } from '../storage/transfer';
import type { TaskContext } from '../tasks/manager';
import { DEFINE_VALIDATE, inactiveXml, openDomain, type DomainHandle } from '../domains/definition';
import { domainChangeMedia, domainDetachDisk } from '../domains/disks';
import { Stats } from '../libvirt/flags';
import { createVolume, deleteVolume, type PoolFacts } from './volumes';
import type { StorageVolRef } from '../libvirt/rpc/types';

// The cloud-init seed's life: made as a raw volume and uploaded (sparse
// upload on a bulk session, SHA-256 logged), attached for the first boot, and
// removed once the guest has read it. "Read" is measured, not guessed: the
// seed drive's rd.bytes in the domain's block stats passed what the kernel's
// partition scan reads at device discovery (the first and at most the last
// 4 KiB page; measured: 4096 bytes), so something mounted or probed it, then
// stayed still for a quiet spell. Bytes count pages, not offsets: a mount of
// this small ISO reads only a few pages. The quiet spell is long by default
// (60 s) because a distribution's udev may probe the label some seconds
// before cloud-init mounts it from page cache.

/** More than the kernel's partition scan reads (two 4 KiB pages). */
const PROBE_BYTES = 8 * 1024;

export async function uploadSeed(
  ctx: TaskContext,
  sessions: LibvirtSessions,
  hostId: string,
  pool: PoolFacts,
  name: string,
  iso: Uint8Array,
  undo: (label: string, fn: () => Promise<void>) => void = (l, f) => void ctx.undo(l, f),
): Promise<{ vol: StorageVolRef; path: string }> {
  const c = sessions.client(hostId);
  const vol = await createVolume(c, hostId, pool, { name, capacity: iso.length, format: 'raw' }, ctx.signal);
  undo(`delete the cloud-init seed '${name}' in pool '${pool.name}'`, () => deleteVolume(sessions.client(hostId), vol));
  const path = await c.call(P.STORAGE_VOL_GET_PATH, { vol });
  const buf = Buffer.from(iso.buffer, iso.byteOffset, iso.byteLength);
  const r = await uploadVolume({
    sessions,
    hostId,
    vol,
    size: buf.length,
    source: (async function* () {
      yield buf;
    })(),
    signal: ctx.signal,
  });
  ctx.log(`Seed ${name}: ${buf.length} bytes uploaded (${r.holeBytes} as holes), SHA-256 ${r.sha256}`);
  return { vol, path };
}

/** rd.bytes of one drive of a running domain, or undefined when it is not running (or has no such drive). */
async function readBytes(h: DomainHandle, target: string, signal: AbortSignal): Promise<number | undefined> {
  const recs = await h.c.call(P.CONNECT_GET_ALL_DOMAIN_STATS, { doms: [h.dom], stats: Stats.BLOCK, flags: 0 }, { signal, timeoutMs: 15_000 });
  const params = recs[0]?.params ?? [];
  const get = (f: string) => params.find((p) => p.field === f)?.value;
  const count = Number(get('block.count') ?? 0);
  for (let i = 0; i < count; i++) {
    if (get(`block.${i}.name`) === target) return Number(get(`block.${i}.rd.bytes`) ?? 0);
  }
  return undefined;
}

export interface SeedWatchOptions {
  pollMs?: number;
  /** Reads must stay unchanged this long before the seed counts as read. */
  quietMs?: number;
  /** Give up waiting after this long (the seed is removed all the same). */
  deadlineMs?: number;
}

/**
 * Waits until the guest read the seed, then unplugs it (virtio disk) or
 * ejects it (CD-ROM) from the running VM, deletes the volume and clears the
 * plan from the definition. The definition already lost the drive at the
 * first start (finalizeDefinition), so the next boot never sees it.
 */
export async function removeSeedAfterRead(ctx: TaskContext, sessions: LibvirtSessions, hostId: string, uuid: string, plan: NonNullable<InstallPlan['seed']>, o: SeedWatchOptions = {}): Promise<void> {
  const pollMs = o.pollMs ?? 1000;
  const quietMs = o.quietMs ?? 60_000;
  const deadline = Date.now() + (o.deadlineMs ?? 30 * 60_000);
  const h = await openDomain(sessions, hostId, uuid);
  ctx.phase(say('phase.waitingForSeedRead'));
  let last = -1;
  let quietSince = Date.now();
  let running = h.active;
  while (running) {
    const n = await readBytes(h, plan.target, ctx.signal).catch(() => undefined);
    if (n === undefined) {
      running = await h.c.call(P.DOMAIN_IS_ACTIVE, { dom: h.dom }).catch(() => false);
      if (!running) ctx.log('The VM stopped before the seed was read to the end; removing it now');
      break;
    }
    if (n !== last) {
      if (n > PROBE_BYTES) ctx.log(`The guest has read ${n} bytes of the seed`);
      last = n;
      quietSince = Date.now();
    } else if (n > PROBE_BYTES && Date.now() - quietSince >= quietMs) {
      ctx.log(`No reads for ${Math.round(quietMs / 1000)} s: the guest has the seed`);
      break;
    }
    if (Date.now() > deadline) {
      ctx.log(n > PROBE_BYTES ? 'The guest is still reading the seed at the deadline; removing it' : 'The guest never read the seed (no cloud-init in the image?); removing it', 'warn');
      break;
    }
    await new Promise<void>((r, j) => {
      const t = setTimeout(r, pollMs);
      ctx.signal.addEventListener('abort', () => (clearTimeout(t), j(ctx.signal.reason)), { once: true });
    });
  }
  ctx.phase(say('phase.removingSeed'));
  const live = await openDomain(sessions, hostId, uuid);
  if (live.active) {
    const isCd = /^(sd|hd)/.test(plan.target) && !(await isVirtioDisk(live, plan.target));
    const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));
    const out = await (isCd ? domainChangeMedia(live, plan.target, { kind: 'none' }) : domainDetachDisk(live, plan.target)).catch(asError);
    if (out instanceof Error) ctx.log(`Could not take the seed out of the running VM: ${out.message}. It goes away at the next power-off.`, 'warn');
    else for (const w of out.warnings) ctx.log(w, 'warn');
    if (!(out instanceof Error)) ctx.log(isCd ? `Ejected the seed from ${plan.target}` : `Unplugged the seed drive ${plan.target}`);
  }
  const c = sessions.client(hostId);
  try {
    const vol = await c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool: await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: plan.pool }), name: plan.volume });
    await deleteVolume(c, vol);
    ctx.log(`Deleted the seed volume '${plan.volume}' in pool '${plan.pool}'`);
  } catch (e) {
    const f = toLibvirtFailure(e, hostId, `Seed volume '${plan.volume}'`);
    if (f.error.code !== 'NOT_FOUND') throw f;
  }
  await clearPlan(live);
}

async function isVirtioDisk(h: DomainHandle, target: string): Promise<boolean> {
  const doc = parseXmlDoc(await h.c.call(P.DOMAIN_GET_XML_DESC, { dom: h.dom, flags: 0 }));
  return Array.from(doc.getElementsByTagName('target')).some((t) => t.getAttribute('dev') === target && t.getAttribute('bus') === 'virtio');
}

/** Drops what is left of the install plan from the persistent definition. */
export async function clearPlan(h: DomainHandle): Promise<void> {
  if (!h.persistent) return;
  const doc = parseXmlDoc(await inactiveXml(h));
  if (!readInstallPlan(doc)) return;
  clearInstallPlan(doc);
  await h.c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: serializeXmlDoc(doc), flags: DEFINE_VALIDATE }).catch((e: unknown) => {
    throw toLibvirtFailure(e, h.hostId, `Updating ${h.dom.name}`);
  });
}

export function seedMissing(hostId: string): AppFailure {
  return new AppFailure('NOT_FOUND', 'This VM has no cloud-init seed waiting to be removed', { hostId });
}
