import { formatBytes, formatKiB } from '../../shared/libvirt/units';
import type { DomainState } from '../../shared/model/domain';
import type {
  CheckVerdict,
  MigrationMode,
  MigrationRoute,
  PreflightCheck,
  PreflightDisk,
  PreflightReport,
} from '../../shared/model/migration';

// Preflight verdicts, from facts gathered on both hosts (preflight.ts). Pure:
// every rule here is unit-tested with made-up facts, and the lab tests prove
// the facts are gathered right.

export interface DiskFact extends PreflightDisk {
  type: string;
  /** The same path on the target: the same file, another file, nothing, or could not tell. */
  onTarget: 'same' | 'different' | 'missing' | 'unknown';
  /** The target pool whose directory holds this path (what libvirt pre-creates copies in). */
  targetPool?: { name: string; active: boolean; availableBytes: number };
}

export interface PreflightFacts {
  hostId: string;
  targetHostId: string;
  name: string;
  uuid: string;
  state: DomainState;
  memoryKiB: number;
  versions: { ok: boolean; detail: string };
  targetMaintenance: boolean;
  /** COMPARE_HYPERVISOR_CPU on the target: -1..2, or null with a note (no model, call failed). */
  cpu: { result: number | null; note: string };
  machine: { ok: boolean; detail: string };
  /** Network names the VM's interfaces use on the source. */
  networks: string[];
  targetNetworks: { name: string; active: boolean }[];
  /** Bridges used directly (<interface type='bridge'>) and whether the target has them. */
  bridges: { name: string; present: boolean | null }[];
  disks: DiskFact[];
  snapshots: string[];
  targetAvailableKiB: number;
  targetReserveKiB: number;
  /** A domain with this UUID on the target (its name), or with this name (its UUID). */
  clash: { sameUuid?: string; sameName?: string };
  reach: { reachable: boolean | null; address?: string; detail: string };
  relayPossible: boolean;
}

const running = (s: DomainState) => s === 'running' || s === 'paused' || s === 'blocked';

/** Writable disks that are copied when not shared (CD-ROMs and read-only disks never are). */
export const copyable = (d: DiskFact) => d.device !== 'cdrom' && d.device !== 'floppy' && !d.readonly && d.type !== 'network';

export function availableModes(f: PreflightFacts): { mode: MigrationMode; available: boolean; reason: string }[] {
  const live = running(f.state);
  const writable = f.disks.filter(copyable);
  const local = writable.filter((d) => !d.shared);
  const shared = writable.filter((d) => d.shared);
  const notLive = `the VM is ${f.state === 'shutoff' ? 'shut off' : f.state}: only an offline move applies`;
  return [
    {
      mode: 'live-shared',
      available: live && local.length === 0,
      reason: !live ? notLive : local.length ? `${local.map((d) => `${d.target} (${d.path})`).join(', ')} ${local.length > 1 ? 'are' : 'is'} not on storage the target sees` : 'every disk is on storage both hosts see',
    },
    {
      mode: 'live-copy-all',
      available: live && local.length > 0 && shared.length === 0,
      reason: !live ? notLive : shared.length ? `would copy ${shared.map((d) => d.target).join(', ')} onto itself: it is shared` : local.length ? `copies ${local.map((d) => d.target).join(', ')} with the memory` : 'there is no local disk to copy',
    },
    {
      mode: 'live-copy-nonshared',
      available: live && local.length > 0,
      reason: !live ? notLive : local.length ? `copies only ${local.map((d) => d.target).join(', ')}; shared disks stay where they are` : 'there is no local disk to copy',
    },
    {
      mode: 'offline',
      available: !live,
      reason: live ? 'the VM runs: shut it down for an offline move, or move it live' : `copies the definition${local.length ? ` and ${local.map((d) => d.target).join(', ')}` : ''} through this workstation`,
    },
  ];
}

export function recommendedMode(f: PreflightFacts): MigrationMode | undefined {
  const order: MigrationMode[] = ['live-shared', 'live-copy-all', 'live-copy-nonshared', 'offline'];
  const modes = availableModes(f);
  return order.find((m) => modes.find((x) => x.mode === m)?.available);
}

/** The disks a mode copies (targets). */
export function disksToCopy(f: Pick<PreflightFacts, 'disks'>, mode: MigrationMode): DiskFact[] {
  if (mode === 'live-shared') return [];
  return f.disks.filter((d) => copyable(d) && (mode === 'live-copy-all' || !d.shared));
}

export function evaluate(f: PreflightFacts, mode: MigrationMode, route: MigrationRoute, networkMap: Readonly<Record<string, string>>): PreflightReport {
  const checks: PreflightCheck[] = [];
  const add = (id: string, label: string, verdict: CheckVerdict, message: string, details: string[] = []) => checks.push({ id, label, verdict, message, details });
  const offline = mode === 'offline';
  const modeInfo = availableModes(f).find((m) => m.mode === mode)!;

  add('versions', 'libvirt on both hosts', f.versions.ok ? 'pass' : 'fail', f.versions.detail);
  add('mode', 'Migration mode', modeInfo.available ? 'pass' : 'fail', modeInfo.reason);
  if (f.targetMaintenance) add('maintenance', 'Target host', 'warn', 'the target is in maintenance: placement would not choose it');

  if (f.clash.sameUuid !== undefined) add('identity', 'Name and UUID on the target', 'fail', `the target already has a VM with this UUID ('${f.clash.sameUuid}'): remove it there first`);
  else if (f.clash.sameName !== undefined) add('identity', 'Name and UUID on the target', 'fail', `the target already has another VM named '${f.name}' (${f.clash.sameName}): rename one of them`);
  else add('identity', 'Name and UUID on the target', 'pass', 'no VM with this name or UUID there');

  add(
    'snapshots',
    'Snapshots',
    f.snapshots.length ? 'fail' : 'pass',
    f.snapshots.length ? `libvirt 9.0 refuses to migrate a VM that has snapshots (${f.snapshots.length}): delete them first` : 'none (libvirt 9.0 refuses to migrate VMs with snapshots)',
    f.snapshots.slice(0, 20),
  );

  const cpuVerdict: CheckVerdict = f.cpu.result === null ? 'warn' : f.cpu.result <= 0 ? (offline ? 'warn' : 'fail') : 'pass';
  add('cpu', 'CPU compatibility', f.cpu.result === null && f.cpu.note.startsWith('no CPU model') ? 'pass' : cpuVerdict, f.cpu.note);
  add('machine', 'Machine type and emulator', f.machine.ok ? 'pass' : 'fail', f.machine.detail);

  // Networks: each one the VM uses must exist and be active on the target, or be mapped to one that is.
  const active = new Set(f.targetNetworks.filter((n) => n.active).map((n) => n.name));
  const all = new Set(f.targetNetworks.map((n) => n.name));
  const netLines: string[] = [];
  const netProblems: string[] = [];
  for (const n of f.networks) {
    const to = Object.prototype.hasOwnProperty.call(networkMap, n) ? networkMap[n]! : n;
    const label = to === n ? `'${n}'` : `'${n}' -> '${to}'`;
    if (active.has(to)) netLines.push(`${label}: active on the target`);
    else if (all.has(to)) netProblems.push(`${label}: defined on the target but not active (start it there)`);
    else netProblems.push(`${label}: the target has no such network${to === n ? ' (map it to one of its networks)' : ''}`);
  }
  // Offered for mapping: every network the target does not have active under the same name.
  const missing = f.networks.filter((n) => !active.has(n));
  if (!f.networks.length) add('networks', 'Networks', 'pass', 'the VM uses no libvirt network');
  else add('networks', 'Networks', netProblems.length ? 'fail' : 'pass', netProblems.length ? netProblems[0]! : `all ${f.networks.length} present and active`, [...netProblems, ...netLines]);
  if (f.bridges.length) {
    const bad = f.bridges.filter((b) => b.present === false);
    const unknown = f.bridges.filter((b) => b.present === null);
    add(
      'bridges',
      'Bridges',
      bad.length ? 'fail' : unknown.length ? 'warn' : 'pass',
      bad.length ? `the target has no bridge ${bad.map((b) => `'${b.name}'`).join(', ')}` : unknown.length ? 'could not check the bridges on the target' : 'present on the target',
      f.bridges.map((b) => `${b.name}: ${b.present === null ? 'unknown' : b.present ? 'present' : 'missing'}`),
    );
  }

  // Storage: what is shared, what is copied, and where copies go.
  const copies = disksToCopy(f, mode);
  const storageProblems: string[] = [];
  const diskLines = f.disks
    .filter(copyable)
    .map((d) => `${d.target}: ${d.path ?? '(no path)'} ${d.shared ? 'shared with the target' : 'local to the source'}${copies.includes(d) ? `, copied (${formatBytes(d.allocation ?? 0)})` : ''}`);
  for (const d of copies) {
    if (d.onTarget === 'different') storageProblems.push(`${d.target}: the target already has a different file at ${d.path}; copying would overwrite it`);
    else if (!d.targetPool) storageProblems.push(`${d.target}: the target has no storage pool for ${dirOf(d.path)} (libvirt creates the copy only in a pool with that directory)`);
    else if (!d.targetPool.active) storageProblems.push(`${d.target}: pool '${d.targetPool.name}' on the target is not active`);
  }
  if (mode === 'live-shared') for (const d of f.disks.filter(copyable).filter((x) => !x.shared)) storageProblems.push(`${d.target}: ${d.path} is local to the source; pick a storage-copy mode`);
  add(
    'storage',
    'Disks',
    storageProblems.length ? 'fail' : 'pass',
    storageProblems[0] ?? (copies.length ? `${copies.length} disk${copies.length > 1 ? 's' : ''} copied, ${f.disks.filter(copyable).length - copies.length} shared` : f.disks.some(copyable) ? 'every disk is shared with the target' : 'the VM has no disk to move'),
    [...storageProblems.slice(1), ...diskLines],
  );

  const media = f.disks.filter((d) => (d.device === 'cdrom' || d.device === 'floppy') && d.path);
  if (media.length) {
    const gone = media.filter((d) => d.onTarget === 'missing');
    add(
      'media',
      'CD-ROM and floppy images',
      gone.length ? 'fail' : media.some((d) => d.onTarget === 'unknown') ? 'warn' : 'pass',
      gone.length ? `${gone.map((d) => d.path).join(', ')} does not exist on the target: eject it or copy it there` : 'present on the target',
      media.map((d) => `${d.target}: ${d.path} (${d.onTarget === 'missing' ? 'missing' : d.onTarget === 'unknown' ? 'not checked' : 'present'})`),
    );
  }

  const free = f.targetAvailableKiB - f.targetReserveKiB;
  const memOk = free >= f.memoryKiB;
  add(
    'memory',
    'Free memory on the target',
    memOk ? 'pass' : offline ? 'warn' : 'fail',
    memOk
      ? `${formatKiB(free)} free after the ${formatKiB(f.targetReserveKiB)} kept for the host; the VM needs ${formatKiB(f.memoryKiB)}`
      : `the VM needs ${formatKiB(f.memoryKiB)} but the target has ${formatKiB(Math.max(0, free))} free after the ${formatKiB(f.targetReserveKiB)} kept for the host${offline ? ' (it could not start there)' : ''}`,
  );

  const byPool = new Map<string, { need: number; available: number }>();
  for (const d of copies) {
    if (!d.targetPool) continue;
    const e = byPool.get(d.targetPool.name) ?? { need: 0, available: d.targetPool.availableBytes };
    e.need += d.allocation ?? d.capacity ?? 0;
    byPool.set(d.targetPool.name, e);
  }
  if (copies.length) {
    const short = [...byPool].filter(([, v]) => v.need > v.available);
    add(
      'space',
      'Disk space on the target',
      short.length ? 'fail' : 'pass',
      short.length ? `pool '${short[0]![0]}' has ${formatBytes(short[0]![1].available)} free for ${formatBytes(short[0]![1].need)} of disks` : 'enough room for the copies',
      [...byPool].map(([k, v]) => `${k}: ${formatBytes(v.need)} needed, ${formatBytes(v.available)} free`),
    );
  }

  if (offline) add('route', 'Route between the hosts', 'pass', 'not needed: an offline move copies through this workstation');
  else if (route === 'relay')
    add('route', 'Route between the hosts', f.relayPossible ? 'pass' : 'fail', f.relayPossible ? `relayed through this workstation's two SSH connections${f.reach.reachable === false ? ` (${f.reach.detail})` : ''}` : 'a relay needs VirtDeck to reach both hosts');
  else
    add(
      'route',
      'Route between the hosts',
      f.reach.reachable === true ? 'pass' : f.reach.reachable === false ? 'fail' : 'warn',
      f.reach.reachable === false ? `${f.reach.detail}: choose the relay through this workstation${running(f.state) ? '' : ' or an offline move'}` : f.reach.detail,
    );

  const modes = availableModes(f);
  const choices = [...active].sort();
  return {
    hostId: f.hostId,
    uuid: f.uuid,
    name: f.name,
    targetHostId: f.targetHostId,
    state: f.state,
    mode,
    route,
    modes,
    recommendedMode: recommendedMode(f),
    reachable: f.reach.reachable,
    reachDetail: f.reach.detail,
    relayPossible: f.relayPossible,
    checks,
    disks: f.disks.map(({ target, device, path, shared, readonly, allocation, capacity, format }) => ({ target, device, path, shared, readonly, allocation, capacity, format })),
    networkMapping: { missing: [...new Set(missing)], choices },
    ok: checks.every((c) => c.verdict !== 'fail'),
  };
}

export function dirOf(p: string | undefined): string {
  if (!p) return '(none)';
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}
