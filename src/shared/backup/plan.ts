import { child, parseXmlDoc } from '../libvirt/dom/index';
import { parseNetworkXml } from '../libvirt/network-xml';
import { itemKey, type BackupItem, type ConflictChoice, type RestoreAction, type RestoreArgs, type RestorePlan, type VmAddresses } from '../model/backup';
import { domainRefs, poolTargetPath, rewriteDomain, rewriteNetwork, rewritePool } from './rewrite';

// The restore plan, decided from the archive and the target's live
// definitions alone (pure, so every rule has a unit test). The dry run shows
// it as is; the restore task recomputes it against the host at that moment and
// carries out exactly these actions, networks and pools before domains.

export interface PlanSource {
  item: BackupItem;
  xml: string;
}
export interface PlanLive {
  key: string;
  name: string;
  xml: string;
  active: boolean;
}
export interface PlanInput {
  args: RestoreArgs;
  sources: readonly PlanSource[];
  live: { domains: readonly PlanLive[]; networks: readonly PlanLive[]; pools: readonly PlanLive[] };
  ips: VmAddresses;
}

/** A planned action with the XML to define (absent for skip/mapped/refuse). */
export interface PlannedStep extends RestoreAction {
  xml?: string;
  /** For replace: the live definition it overwrites (undo redefines it). */
  previousXml?: string;
  /** Domains: what the backed-up object was doing, to restore autostart/start. */
  wasActive: boolean;
  autostart: boolean;
}

export interface FullPlan extends RestorePlan {
  steps: PlannedStep[];
}

const uuidOf = (xml: string): string | undefined => {
  const root = parseXmlDoc(xml).documentElement;
  return (root ? child(root, 'uuid')?.textContent?.trim().toLowerCase() : undefined) || undefined;
};

const ORDER = { pool: 0, network: 1, domain: 2 } as const;

export function planRestore({ args, sources, live, ips }: PlanInput): FullPlan {
  const chosen = args.items ? new Set(args.items.map((i) => itemKey(i.kind, i.key))) : undefined;
  const picked = sources.filter((s) => !chosen || chosen.has(itemKey(s.item.kind, s.item.key))).sort((a, b) => ORDER[a.item.kind] - ORDER[b.item.kind] || a.item.name.localeCompare(b.item.name));
  const warnings: string[] = [];
  const steps: PlannedStep[] = [];
  const netNames = { ...args.networkMap };
  const poolNames = { ...args.poolMap };
  const poolDirs: Record<string, string> = {};
  const liveOf = { domain: live.domains, network: live.networks, pool: live.pools };
  const choice = (s: PlanSource): ConflictChoice => args.conflicts[itemKey(s.item.kind, s.item.key)] ?? args.onConflict;
  const renameTo = (s: PlanSource) => args.renames[itemKey(s.item.kind, s.item.key)] ?? `${s.item.name}-restored`;
  const base = (s: PlanSource) => ({ kind: s.item.kind, key: s.item.key, name: s.item.name, wasActive: s.item.active, autostart: s.item.autostart });
  // Names the target will have after the restore (live ones plus what we create).
  const taken = { domain: new Set(live.domains.map((d) => d.name)), network: new Set(live.networks.map((d) => d.name)), pool: new Set(live.pools.map((d) => d.name)) };

  for (const s of picked) {
    const { kind, name } = s.item;
    const b = base(s);
    const mapped = kind === 'network' ? args.networkMap[name] : kind === 'pool' ? args.poolMap[name] : undefined;
    if (mapped !== undefined && mapped !== name) {
      const exists = liveOf[kind].some((l) => l.name === mapped);
      if (!exists) steps.push({ ...b, targetName: mapped, action: 'refuse', changes: [], reason: `mapped to ${kind} '${mapped}', which does not exist on the target` });
      else steps.push({ ...b, targetName: mapped, action: 'mapped', changes: [`not restored: VMs use the target's ${kind} '${mapped}' instead`] });
      if (kind === 'pool' && exists) {
        const from = poolTargetPath(s.xml);
        const to = poolTargetPath(liveOf.pool.find((l) => l.name === mapped)!.xml);
        if (from && to) poolDirs[from] = to;
      }
      continue;
    }
    const srcUuid = uuidOf(s.xml);
    const byName = liveOf[kind].find((l) => l.name === name);
    const byUuid = srcUuid ? liveOf[kind].find((l) => uuidOf(l.xml) === srcUuid) : undefined;
    const rewrite = (r: { name?: string; freshIdentity?: boolean; uuid?: string }) =>
      kind === 'domain'
        ? rewriteDomain(s.xml, { ...r, networks: netNames, pools: poolNames, poolDirs })
        : kind === 'network'
          ? rewriteNetwork(s.xml, r)
          : rewritePool(s.xml, r);
    if (!byName && !byUuid) {
      const rw = rewrite({});
      steps.push({ ...b, targetName: name, action: 'create', changes: [`define ${kind} '${name}'`, ...rw.changes], xml: rw.xml });
      continue;
    }
    const existing = byName ?? byUuid!;
    const what = byName ? `a ${kind} named '${name}' exists on the target` : `the ${kind} with this uuid exists on the target as '${existing.name}'`;
    const c = choice(s);
    if (c === 'skip') {
      steps.push({ ...b, targetName: existing.name, action: 'skip', changes: [], reason: what });
      continue;
    }
    if (c === 'rename') {
      const to = renameTo(s);
      if (taken[kind].has(to)) {
        steps.push({ ...b, targetName: to, action: 'refuse', changes: [], reason: `${what}, and the new name '${to}' is taken too` });
        continue;
      }
      taken[kind].add(to);
      if (kind === 'network') netNames[name] = to;
      if (kind === 'pool') poolNames[name] = to;
      const rw = rewrite({ name: to, freshIdentity: true });
      if (kind === 'pool') warnings.push(`Pool '${to}' (a renamed copy of '${name}') points at the same storage as the original.`);
      if (kind === 'network') warnings.push(`Network '${to}' (a renamed copy of '${name}') keeps its subnet: it cannot run beside '${name}' until one of them is re-addressed.`);
      steps.push({ ...b, targetName: to, action: 'rename', changes: [`define a copy as ${kind} '${to}' (${what})`, ...rw.changes], xml: rw.xml });
      continue;
    }
    // replace
    if (byName && byUuid && byName !== byUuid) {
      steps.push({ ...b, targetName: name, action: 'refuse', changes: [], reason: `two different ${kind}s on the target match (by name '${name}' and by uuid as '${byUuid.name}')` });
      continue;
    }
    if (kind === 'domain' && existing.active && !args.replaceRunning) {
      steps.push({ ...b, targetName: existing.name, action: 'refuse', changes: [], reason: `VM '${existing.name}' is running: replacing its definition needs the explicit "replace running VMs" choice` });
      continue;
    }
    const rw = rewrite({ name, uuid: uuidOf(existing.xml) });
    const notes = existing.active ? [`${kind} '${existing.name}' is running: the restored definition applies at its next ${kind === 'domain' ? 'boot' : 'start'}`] : [];
    steps.push({ ...b, targetName: name, action: 'replace', changes: [`replace the saved definition of ${kind} '${existing.name}'`, ...rw.changes, ...notes], xml: rw.xml, previousXml: existing.xml });
  }

  // What the domains will find on the target.
  const willExist = (kind: 'network' | 'pool', n: string) => taken[kind].has(n) || steps.some((s) => s.kind === kind && ['create', 'replace', 'rename'].includes(s.action) && s.targetName === n);
  for (const s of steps.filter((x) => x.kind === 'domain' && x.xml)) {
    const refs = domainRefs(s.xml!);
    for (const n of refs.networks) if (!willExist('network', n)) warnings.push(`VM '${s.targetName}': network '${n}' is not on the target and not restored; map it to an existing network or it will not start.`);
    for (const p of refs.pools) if (!willExist('pool', p)) warnings.push(`VM '${s.targetName}': pool '${p}' is not on the target and not restored; map it to an existing pool.`);
    if (refs.files.length) s.changes.push(`disks (not restored, must exist): ${refs.files.join(', ')}`);
  }

  // Reservations: those that come back with a restored network need nothing;
  // for networks that stay (skip, mapped), add what the VM had, where missing.
  const reservations: RestorePlan['reservations'] = [];
  const liveNet = new Map(live.networks.map((n) => [n.name, n.xml]));
  for (const s of steps.filter((x) => x.kind === 'domain' && (x.action === 'create' || x.action === 'replace'))) {
    for (const nic of ips[s.key]?.nics ?? []) {
      for (const r of nic.reservations) {
        const target = netNames[r.network] ?? r.network;
        const netStep = steps.find((x) => x.kind === 'network' && x.name === r.network);
        if (netStep && ['create', 'replace'].includes(netStep.action) && target === r.network) continue; // comes with the network's XML
        const xml = liveNet.get(target);
        if (!xml) continue;
        const existing = parseNetworkXml(xml).ips.flatMap((i) => i.hosts).find((h) => h.mac === nic.mac);
        if (existing) {
          if (existing.ip !== r.ip) warnings.push(`VM '${s.targetName}': ${nic.mac} is reserved ${existing.ip ?? 'without an address'} on '${target}', not ${r.ip} as in the backup; left as it is.`);
          continue;
        }
        reservations.push({ network: target, mac: nic.mac, ip: r.ip, vm: s.targetName });
        s.changes.push(`reserve ${r.ip} for ${nic.mac} on network '${target}'`);
      }
    }
  }
  const refused = steps.filter((s) => s.action === 'refuse');
  return {
    toHostId: args.toHostId,
    actions: steps.map(({ xml: _x, previousXml: _p, wasActive: _w, autostart: _a, ...a }) => a),
    steps,
    reservations,
    warnings,
    runnable: refused.length === 0,
  };
}
