import { say } from '../../shared/i18n/core-text';
import { finalizeDefinition, readInstallPlan, type InstallPlan } from '../../shared/create/install-meta';
import { parseXmlDoc, serializeXmlDoc } from '../../shared/libvirt/dom/index';
import { AppFailure } from '../../shared/ipc/result';
import { DEFINE_VALIDATE, inactiveXml, openDomain } from '../domains/definition';
import { toLibvirtFailure } from '../libvirt/errors';
import { P } from '../libvirt/rpc/procedures/index';
import type { LibvirtSessions } from '../libvirt/sessions';
import type { TaskContext } from '../tasks/manager';
import { deleteVolume } from './volumes';

// The first start of a VM made by the wizard (virt-install's "install
// definition, then final definition", LIBVIRT-NEXT.md §5): start it with the
// install-phase definition, then rewrite the persistent definition to what
// later boots need (no direct kernel boot, install ISO ejected, disk first)
// and delete the scratch kernel/initrd volumes QEMU has already read. The
// cloud-init seed stays until the guest has read it (seed.ts).

export interface FirstStartResult {
  started: boolean;
  /** The seed still attached, to be removed once read. */
  seed?: NonNullable<InstallPlan['seed']>;
}

export async function firstStart(ctx: TaskContext, sessions: LibvirtSessions, hostId: string, uuid: string): Promise<FirstStartResult> {
  const h = await openDomain(sessions, hostId, uuid);
  if (h.active) throw new AppFailure('CONFLICT', `${h.dom.name} is already running`, { hostId });
  const plan = h.persistent ? readInstallPlan(parseXmlDoc(await inactiveXml(h))) : undefined;
  ctx.phase(say('phase.starting'));
  await h.c.call(P.DOMAIN_CREATE, { dom: h.dom }, { signal: ctx.signal, timeoutMs: 120_000 }).catch((e: unknown) => {
    throw toLibvirtFailure(e, hostId, `Starting ${h.dom.name}`);
  });
  ctx.log(`Started ${h.dom.name}`);
  if (!plan) return { started: true };
  // From here the VM runs: a failure below is logged, never undone (it would kill a booting guest).
  try {
    const doc = parseXmlDoc(await inactiveXml(h));
    finalizeDefinition(doc, plan, false);
    await h.c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: serializeXmlDoc(doc), flags: DEFINE_VALIDATE });
    const what = [plan.kernel && 'direct kernel boot removed', plan.mediaTarget && `install media ejected from ${plan.mediaTarget}`, plan.boot.length && 'boot order set for later boots']
      .filter(Boolean)
      .join(', ');
    if (what) ctx.log(`Definition for the next boots: ${what}`);
  } catch (e) {
    ctx.log(`Could not write the definition for later boots: ${toLibvirtFailure(e, hostId, h.dom.name).message}. The next boot repeats the install boot.`, 'warn');
  }
  for (const s of plan.scratch) {
    try {
      const pool = await h.c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: s.pool });
      await deleteVolume(h.c, await h.c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool, name: s.volume }));
      ctx.log(`Deleted the install-only volume '${s.volume}' in pool '${s.pool}' (QEMU has loaded it)`);
    } catch (e) {
      const f = toLibvirtFailure(e, hostId, `Volume '${s.volume}'`);
      if (f.error.code !== 'NOT_FOUND') ctx.log(`Could not delete '${s.volume}' in pool '${s.pool}': ${f.message}`, 'warn');
    }
  }
  return { started: true, ...(plan.seed ? { seed: plan.seed } : {}) };
}
