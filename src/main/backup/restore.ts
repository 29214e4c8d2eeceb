import { say } from '../../shared/i18n/core-text';
import { planRestore, type FullPlan, type PlannedStep, type PlanSource } from '../../shared/backup/plan';
import { AppFailure } from '../../shared/ipc/result';
import { VmAddressesSchema, type RestoreArgs, type RestorePlan, type VmAddresses } from '../../shared/model/backup';
import { ipsFile } from '../../shared/backup/paths';
import { DEFINE_VALIDATE } from '../domains/definition';
import { toLibvirtFailure } from '../libvirt/errors';
import { Undefine } from '../libvirt/flags';
import type { RpcClient } from '../libvirt/rpc/client';
import { P } from '../libvirt/rpc/procedures/index';
import { networkFailure } from '../networks/errors';
import { reservationRemove, reservationSet } from '../networks/reservations';
import type { NetworkService } from '../networks/service';
import type { TaskContext } from '../tasks/manager';
import { readHostDefinitions } from './collect';
import type { BackupService } from './service';

// Restore = the plan (shared/backup/plan.ts) carried out in order: pools,
// networks, reservations, domains. Every step registers its undo before the
// next one runs, so a failure or a cancel takes back what this restore made
// (a replaced definition is put back as it was) and the task says what was
// and was not undone.

/** NETWORK_DEFINE_XML_FLAGS / STORAGE_POOL_DEFINE_XML: VALIDATE 1 (libvirt >= 7.7 for networks). */
const NET_DEFINE_VALIDATE = 1;

async function planFor(svc: BackupService, args: RestoreArgs): Promise<{ plan: FullPlan; c: RpcClient }> {
  const a = await svc.open(args.id);
  if (!a.manifest.hosts.some((h) => h.hostId === args.fromHostId)) throw new AppFailure('NOT_FOUND', `Backup ${args.id} has no host ${args.fromHostId}`);
  if (!svc.sessions.has(args.toHostId)) throw new AppFailure('NOT_CONNECTED', `Connect ${args.toHostId} to restore to it`, { hostId: args.toHostId });
  const c = svc.sessions.client(args.toHostId);
  const live = await readHostDefinitions(c, args.toHostId);
  const sources: PlanSource[] = a.manifest.items.filter((i) => i.hostId === args.fromHostId).map((item) => ({ item, xml: a.text(item.file) }));
  let ips: VmAddresses = {};
  if (a.files.has(ipsFile(args.fromHostId))) ips = VmAddressesSchema.parse(JSON.parse(a.text(ipsFile(args.fromHostId))));
  for (const i of args.items ?? []) {
    if (!sources.some((s) => s.item.kind === i.kind && s.item.key === i.key)) throw new AppFailure('NOT_FOUND', `Backup ${args.id} has no ${i.kind} ${i.key} for host ${args.fromHostId}`);
  }
  return { plan: planRestore({ args, sources, live, ips }), c };
}

export async function restorePlan(svc: BackupService, args: RestoreArgs): Promise<RestorePlan> {
  const { plan } = await planFor(svc, args);
  return { toHostId: plan.toHostId, actions: plan.actions, reservations: plan.reservations, warnings: plan.warnings, runnable: plan.runnable };
}

export async function restoreStart(svc: BackupService, nets: NetworkService, args: RestoreArgs): Promise<{ taskId: string; result: Promise<void> }> {
  const { plan } = await planFor(svc, args);
  if (!plan.runnable) {
    const refused = plan.actions.filter((x) => x.action === 'refuse');
    throw new AppFailure('CONFLICT', `Restore refused: ${refused.map((r) => `${r.kind} '${r.name}': ${r.reason}`).join('; ')}`, { hostId: args.toHostId, detail: { plan } });
  }
  return svc.tasks.run(
    { kind: 'backup.restore', title: say('title.restore', { id: args.id, host: args.toHostId }), hostId: args.toHostId, retry: { call: 'backups.restore', input: args } },
    (ctx) => restoreRun(svc, nets, args, ctx),
  );
}

async function restoreRun(svc: BackupService, nets: NetworkService, args: RestoreArgs, ctx: TaskContext): Promise<void> {
  // Recomputed at run time: the host may have changed since the dry run.
  const { plan, c } = await planFor(svc, args);
  if (!plan.runnable) throw new AppFailure('CONFLICT', 'The host changed since the dry run and the restore would now refuse an item: run the dry run again', { hostId: args.toHostId });
  const work = plan.steps.filter((s) => s.xml);
  const total = work.length + plan.reservations.length;
  let done = 0;
  const step = () => ctx.progress({ unit: 'steps', done: ++done, total });
  ctx.progress({ unit: 'steps', done: 0, total });
  for (const w of plan.warnings) ctx.log(w, 'warn');
  for (const s of plan.steps.filter((x) => !x.xml)) ctx.log(`${s.kind} '${s.name}': ${s.action}${s.reason ? ` (${s.reason})` : ''}`);
  const o = { signal: ctx.signal };
  const hostId = args.toHostId;

  for (const s of work.filter((x) => x.kind === 'pool')) {
    ctx.throwIfCancelled();
    ctx.phase(say('phase.restoringPool', { name: s.targetName }));
    const pool = await c.call(P.STORAGE_POOL_DEFINE_XML, { xml: s.xml!, flags: 0 }, o).catch((e: unknown) => Promise.reject(toLibvirtFailure(e, hostId, `Defining pool '${s.targetName}'`)));
    undoDefinition(ctx, s, async () => {
      if (s.previousXml) await c.call(P.STORAGE_POOL_DEFINE_XML, { xml: s.previousXml, flags: 0 });
      else {
        await c.call(P.STORAGE_POOL_DESTROY, { pool }).catch(() => {});
        await c.call(P.STORAGE_POOL_UNDEFINE, { pool });
      }
    });
    if (s.autostart) await c.call(P.STORAGE_POOL_SET_AUTOSTART, { pool, autostart: true }, o).catch((e: unknown) => ctx.log(`Pool '${s.targetName}': autostart not set: ${String((e as Error).message)}`, 'warn'));
    if (s.wasActive && !(await c.call(P.STORAGE_POOL_GET_INFO, { pool }, o)).state) {
      await c.call(P.STORAGE_POOL_CREATE, { pool, flags: 0 }, o).catch((e: unknown) => ctx.log(`Pool '${s.targetName}' is defined but did not start: ${(e as Error).message}`, 'warn'));
    }
    ctx.log(`Pool '${s.targetName}': ${s.action === 'replace' ? 'replaced' : 'defined'}`);
    step();
  }

  for (const s of work.filter((x) => x.kind === 'network')) {
    ctx.throwIfCancelled();
    ctx.phase(say('phase.restoringNetwork', { name: s.targetName }));
    const net = await c
      .call(P.NETWORK_DEFINE_XML_FLAGS, { xml: s.xml!, flags: NET_DEFINE_VALIDATE }, o)
      .catch((e: unknown) => Promise.reject(networkFailure(e, hostId, `Defining network '${s.targetName}'`, s.targetName)));
    let started = false;
    undoDefinition(ctx, s, async () => {
      if (started) await c.call(P.NETWORK_DESTROY, { net }).catch(() => {});
      if (s.previousXml) await c.call(P.NETWORK_DEFINE_XML, { xml: s.previousXml });
      else await c.call(P.NETWORK_UNDEFINE, { net });
    });
    if (s.autostart) await c.call(P.NETWORK_SET_AUTOSTART, { net, autostart: true }, o);
    if (s.wasActive && !(await c.call(P.NETWORK_IS_ACTIVE, { net }, o))) {
      await c.call(P.NETWORK_CREATE, { net }, o).catch((e: unknown) => Promise.reject(networkFailure(e, hostId, `Starting network '${s.targetName}'`, s.targetName)));
      started = true;
    }
    ctx.log(`Network '${s.targetName}': ${s.action === 'replace' ? 'replaced' : 'defined'}${started ? ' and started' : ''}`);
    step();
  }

  for (const r of plan.reservations) {
    ctx.throwIfCancelled();
    ctx.phase(say('phase.restoringReservation', { ip: r.ip, network: r.network }));
    try {
      await reservationSet(nets, { hostId, name: r.network, mac: r.mac, ip: r.ip }, 'add');
      ctx.undo(`remove the reservation of ${r.ip} for ${r.mac} on '${r.network}'`, () => reservationRemove(nets, hostId, r.network, r.mac).then(() => {}));
      ctx.log(`Reserved ${r.ip} for ${r.mac} (VM '${r.vm}') on '${r.network}'`);
    } catch (e) {
      // The VM still comes back; it will get another address. Said, not hidden.
      ctx.log(`Could not reserve ${r.ip} for ${r.mac} on '${r.network}': ${(e as Error).message}`, 'warn');
    }
    step();
  }

  const toStart: string[] = [];
  for (const s of work.filter((x) => x.kind === 'domain')) {
    ctx.throwIfCancelled();
    ctx.phase(say('phase.restoringVm', { name: s.targetName }));
    const dom = await c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: s.xml!, flags: DEFINE_VALIDATE }, o).catch((e: unknown) => Promise.reject(toLibvirtFailure(e, hostId, `Defining VM '${s.targetName}'`)));
    undoDefinition(ctx, s, async () => {
      if (s.previousXml) await c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: s.previousXml, flags: 0 });
      else {
        await c.call(P.DOMAIN_DESTROY, { dom }).catch(() => {});
        await c.call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: Undefine.MANAGED_SAVE | Undefine.SNAPSHOTS_METADATA });
      }
    });
    if (s.autostart) await c.call(P.DOMAIN_SET_AUTOSTART, { dom, autostart: true }, o);
    ctx.log(`VM '${s.targetName}': ${s.action === 'replace' ? 'definition replaced' : 'defined'} (${dom.uuid})`);
    if (args.startDomains && s.wasActive && s.action !== 'replace') toStart.push(dom.uuid);
    step();
  }
  for (const uuid of toStart) {
    ctx.throwIfCancelled();
    const dom = await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid }, o);
    ctx.phase(say('phase.startingNamed', { name: dom.name }));
    // A start that fails leaves the definition restored: reported, not undone.
    await c.call(P.DOMAIN_CREATE, { dom }, o).then(
      () => ctx.log(`Started '${dom.name}'`),
      (e: unknown) => ctx.log(`'${dom.name}' is restored but did not start: ${(e as Error).message}`, 'warn'),
    );
  }
}

function undoDefinition(ctx: TaskContext, s: PlannedStep, fn: () => Promise<void>): void {
  const label = s.previousXml ? `put back the previous definition of ${s.kind} '${s.targetName}'` : `remove the restored ${s.kind} '${s.targetName}'`;
  ctx.undo(label, fn);
}
