import { formatBytes, formatKiB } from '../libvirt/units';
import type { DomainState } from '../model/domain';
import type { HostCandidate, HostScore, PlacementRequest, PlacementSettings, PlannedMove } from '../model/placement';

// Placement advice, the "least used" scheduler of libvirt private clouds done
// openly: hard limits decide who may take a VM, a score ranks the rest, and
// every number behind the score is spelled out. Pure, so the create wizard,
// the migration wizard and evacuation all rank hosts the same way.

/** Weights of the score (sum 100 before the spread penalty). */
export const WEIGHTS = { memory: 50, cpu: 40, vms: 10 } as const;
/** Points taken per VM with the same app tag already on the host. */
export const SPREAD_PENALTY = 30;

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));
const pct = (x: number) => `${Math.round(x * 100)}%`;

export function reserveKiB(settings: PlacementSettings, hostId: string): number {
  return (settings.reserveMiB[hostId] ?? settings.defaultReserveMiB) * 1024;
}

/** The `app:` tag value of a VM (`app:web` -> `web`), if it has one. */
export function appOf(tags: readonly string[]): string | undefined {
  const t = tags.find((x) => x.toLowerCase().startsWith('app:') && x.length > 4);
  return t?.slice(4);
}

/** Why a host's CPU figure counts only its VMs. */
const sharedNote = (twins: readonly string[]) => `one kernel with ${twins.join(', ')}: CPU counted from its own VMs (the machine's figure cannot tell them apart)`;

export function scoreHost(req: PlacementRequest, h: HostCandidate, settings: PlacementSettings): HostScore {
  const base = { hostId: h.hostId, name: h.name };
  const no = (reasons: string[]): HostScore => ({ ...base, eligible: false, score: 0, reasons });
  if (req.exclude.includes(h.hostId)) return no(['the VM is on this host now']);
  if (!h.connected) return no(['not connected']);
  if (h.maintenance) return no(['in maintenance: placement never picks it']);

  const blockers: string[] = [];
  const missingNets = req.networks.filter((n) => !h.networks.includes(n));
  if (missingNets.length) blockers.push(`no active network ${missingNets.map((n) => `'${n}'`).join(', ')}`);
  const missingPools = req.pools.filter((p) => !h.pools.some((x) => x.name === p));
  const missingPaths = req.poolPaths.filter((p) => !h.pools.some((x) => x.path === p));
  if (missingPools.length) blockers.push(`no active pool ${missingPools.map((n) => `'${n}'`).join(', ')}`);
  if (missingPaths.length) blockers.push(`no active pool at ${missingPaths.join(', ')}`);
  if (req.diskBytes > 0) {
    const wanted = h.pools.filter((x) => req.pools.includes(x.name) || (x.path !== undefined && req.poolPaths.includes(x.path)));
    const room = wanted.length ? Math.min(...wanted.map((x) => x.availableBytes)) : Math.max(0, ...h.pools.map((x) => x.availableBytes));
    if (room < req.diskBytes) blockers.push(`only ${formatBytes(room)} free for ${formatBytes(req.diskBytes)} of disks`);
  }

  const reserve = reserveKiB(settings, h.hostId);
  const memLimit = h.memoryKiB * settings.memoryOvercommit - reserve;
  const cpuLimit = h.cpus * settings.cpuOvercommit;
  const reasons: string[] = [];
  let memFree = 1;
  let cpuFree = 1;
  if (req.running) {
    const freeAfter = h.availableKiB - reserve - req.memoryKiB;
    if (freeAfter < 0) {
      blockers.push(`needs ${formatKiB(req.memoryKiB)}, only ${formatKiB(Math.max(0, h.availableKiB - reserve))} free after the ${formatKiB(reserve)} kept for the host`);
    } else if (h.allocatedMemKiB + req.memoryKiB > memLimit) {
      blockers.push(`memory allocation would pass ${formatKiB(memLimit)} (${settings.memoryOvercommit}x RAM minus the reservation)`);
    }
    if (h.allocatedVcpus + req.vcpus > cpuLimit) blockers.push(`vCPUs would pass ${cpuLimit} (${settings.cpuOvercommit}x ${h.cpus} CPUs)`);
    memFree = clamp01(freeAfter / h.memoryKiB);
    const allocFree = clamp01(1 - (h.allocatedVcpus + req.vcpus) / cpuLimit);
    const liveFree = h.cpuBusyPct === undefined ? allocFree : clamp01(1 - h.cpuBusyPct / 100);
    cpuFree = (allocFree + liveFree) / 2;
    reasons.push(`${formatKiB(Math.max(0, freeAfter))} of ${formatKiB(h.memoryKiB)} free after placing it`);
    reasons.push(
      `${h.allocatedVcpus + req.vcpus}/${cpuLimit} vCPUs allocated with it` + (h.cpuBusyPct === undefined ? '' : `, CPU ${Math.round(h.cpuBusyPct)}% busy now`),
    );
    if (h.sharesKernelWith?.length) reasons.push(sharedNote(h.sharesKernelWith));
  }
  if (blockers.length) return no(blockers);

  const same = req.app ? (h.apps[req.app] ?? 0) : 0;
  if (req.app) reasons.push(same ? `already runs ${same} VM${same > 1 ? 's' : ''} tagged app:${req.app}` : `runs no other app:${req.app} VM`);
  reasons.push(`${h.runningVms} running VM${h.runningVms === 1 ? '' : 's'}`);
  const vms = clamp01(1 - h.runningVms / 50);
  const raw = WEIGHTS.memory * memFree + WEIGHTS.cpu * cpuFree + WEIGHTS.vms * vms - SPREAD_PENALTY * same;
  const score = Math.max(1, Math.round(raw * 10) / 10);
  if (req.running) reasons.unshift(`score: memory ${pct(memFree)}, CPU ${pct(cpuFree)} free`);
  return { ...base, eligible: true, score, reasons };
}

/** Every host scored, eligible ones first, best first. */
export function rankHosts(req: PlacementRequest, hosts: readonly HostCandidate[], settings: PlacementSettings): HostScore[] {
  return hosts
    .map((h) => scoreHost(req, h, settings))
    .sort((a, b) => Number(b.eligible) - Number(a.eligible) || b.score - a.score || a.name.localeCompare(b.name));
}

export interface EvacuationVm {
  uuid: string;
  name: string;
  state: DomainState;
  vcpus: number;
  memoryKiB: number;
  tags: readonly string[];
  networks: readonly string[];
  /** Directories of disks the target must hold (not shared). */
  poolPaths: readonly string[];
  diskBytes: number;
}

export type EvacuationOverride = { targetHostId: string } | { skip: true };

/**
 * Plans where every VM of `sourceHostId` goes. Big VMs are placed first; each
 * choice updates the chosen host's figures, so later VMs see the load and the
 * app tags the plan already put there (two app:web VMs land apart).
 */
export function planEvacuation(
  sourceHostId: string,
  vms: readonly EvacuationVm[],
  hosts: readonly HostCandidate[],
  settings: PlacementSettings,
  overrides: Readonly<Record<string, EvacuationOverride>> = {},
): PlannedMove[] {
  const live = new Map(hosts.map((h) => [h.hostId, { ...h, apps: { ...h.apps }, networks: [...h.networks], pools: h.pools.map((p) => ({ ...p })) }]));
  const running = (s: DomainState) => s === 'running' || s === 'paused' || s === 'blocked';
  const order = [...vms].sort((a, b) => Number(running(b.state)) - Number(running(a.state)) || b.memoryKiB - a.memoryKiB || a.name.localeCompare(b.name));
  const out: PlannedMove[] = [];
  for (const vm of order) {
    const isRunning = running(vm.state);
    const app = appOf(vm.tags);
    const req: PlacementRequest = {
      vcpus: Math.max(1, vm.vcpus),
      memoryKiB: Math.max(1, vm.memoryKiB),
      networks: [...vm.networks],
      pools: [],
      poolPaths: [...vm.poolPaths],
      diskBytes: vm.diskBytes,
      app,
      exclude: [sourceHostId],
      running: isRunning,
    };
    const scores = rankHosts(req, [...live.values()], settings);
    const o = overrides[vm.uuid];
    const common = { uuid: vm.uuid, name: vm.name, state: vm.state, memoryKiB: vm.memoryKiB, vcpus: vm.vcpus, app, scores };
    if (o && 'skip' in o) {
      out.push({ ...common, targetHostId: null, overridden: true, skipped: true, reason: 'skipped by the admin: it stays on this host' });
      continue;
    }
    let target: string | null;
    let reason: string;
    if (o) {
      target = o.targetHostId;
      const s = scores.find((x) => x.hostId === target);
      reason = s?.eligible ? `chosen by the admin (score ${s.score})` : `chosen by the admin against the advice: ${s?.reasons.join('; ') ?? 'unknown host'}`;
    } else {
      const best = scores.find((s) => s.eligible);
      target = best?.hostId ?? null;
      reason = best ? `best score ${best.score}: ${best.reasons.slice(1, 3).join('; ') || best.reasons.join('; ')}` : `no host can take it: ${scores.map((s) => `${s.name}: ${s.reasons[0]}`).join('; ')}`;
    }
    if (target) {
      const h = live.get(target);
      if (h && isRunning) {
        h.availableKiB -= vm.memoryKiB;
        h.allocatedMemKiB += vm.memoryKiB;
        h.allocatedVcpus += vm.vcpus;
        h.runningVms += 1;
        if (app) h.apps[app] = (h.apps[app] ?? 0) + 1;
      }
      if (h && vm.diskBytes) for (const p of h.pools) if (p.path && vm.poolPaths.includes(p.path)) p.availableBytes -= vm.diskBytes;
    }
    out.push({ ...common, targetHostId: target, overridden: !!o, skipped: false, reason });
  }
  return out;
}
