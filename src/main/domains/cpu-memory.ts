import { editCpu, editMemory, parseXmlDoc, readConfig } from '../../shared/libvirt/dom/index';
import { formatKiB } from '../../shared/libvirt/units';
import type { ApplyResult, CpuConfig, MemoryConfig } from '../../shared/model/vm-settings';
import { P } from '../libvirt/rpc/procedures/index';
import { AffectFlags, MemoryFlags, VcpuFlags } from '../libvirt/rpc/procedures/domain-settings';
import type { TypedParam } from '../libvirt/rpc/types';
import { editDefinition, fail, inactiveXml, Outcome, type DomainHandle } from './definition';

// CPU and memory: the definition is changed first (so the next boot has it
// whatever happens live), then each part that QEMU can change on a running
// VM is applied live and reported as "now and kept"; the rest waits for the
// next boot (virt-manager's order: redefine, then hotplug).

/** "0-3,^2,6" -> sorted CPU numbers. */
export function parseCpuset(set: string): number[] {
  const on = new Set<number>();
  const off = new Set<number>();
  for (const part of set.split(',').map((s) => s.trim()).filter(Boolean)) {
    const neg = part.startsWith('^');
    const [a, b] = part.replace('^', '').split('-').map(Number);
    if (a === undefined || !Number.isInteger(a) || (b !== undefined && (!Number.isInteger(b) || b < a))) throw new Error(`bad CPU list "${set}"`);
    for (let i = a; i <= (b ?? a); i++) (neg ? off : on).add(i);
  }
  return [...on].filter((i) => !off.has(i)).sort((x, y) => x - y);
}

/** libvirt's cpumap: one bit per host CPU, CPU 0 in the low bit of byte 0. */
export function cpumap(set: string, hostCpus: number): Buffer {
  const cpus = parseCpuset(set);
  const bad = cpus.find((c) => c >= hostCpus);
  if (bad !== undefined) throw new Error(`host CPU ${bad} does not exist (the host has ${hostCpus})`);
  const map = Buffer.alloc(Math.ceil(hostCpus / 8));
  for (const c of cpus) map[c >> 3]! |= 1 << (c & 7);
  return map;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export async function domainSetCpu(h: DomainHandle, cpu: CpuConfig): Promise<ApplyResult> {
  const old = readConfig(parseXmlDoc(await inactiveXml(h))).cpu;
  await editDefinition(h, `Changing the CPUs of ${h.dom.name}`, (doc) => editCpu(doc, cpu));
  const out = new Outcome(h);
  const { c, dom } = h;
  if (old.maxVcpus !== cpu.maxVcpus) out.saved(`Maximum vCPUs ${old.maxVcpus} → ${cpu.maxVcpus}`);
  if (old.vcpus !== cpu.vcpus) {
    const what = `vCPUs ${old.vcpus} → ${cpu.vcpus}`;
    // Hotplug works up to the maximum the VM was started with.
    if (old.maxVcpus !== cpu.maxVcpus && cpu.vcpus > old.maxVcpus) out.saved(what);
    else await out.tryLive(what, () => c.call(P.DOMAIN_SET_VCPUS_FLAGS, { dom, nvcpus: cpu.vcpus, flags: VcpuFlags.LIVE }));
  }
  if (old.mode !== cpu.mode || (cpu.mode === 'custom' && old.model !== cpu.model)) out.saved(`CPU model ${cpu.mode === 'custom' ? cpu.model : cpu.mode}`);
  if (!same(old.topology, cpu.topology)) out.saved(cpu.topology ? `Topology ${cpu.topology.sockets} sockets × ${cpu.topology.cores} cores × ${cpu.topology.threads} threads` : 'Default topology');

  const hostCpus = h.active && (!same(old.pins, cpu.pins) || old.emulatorPin !== cpu.emulatorPin) ? (await c.call(P.NODE_GET_INFO).catch(fail(h, 'Reading host CPUs'))).cpus : 0;
  const all = hostCpus ? `0-${hostCpus - 1}` : '';
  if (!same(old.pins, cpu.pins)) {
    const pins = new Map(cpu.pins.map((p) => [p.vcpu, p.cpuset]));
    // A vCPU whose pin was removed goes back to every host CPU.
    for (const p of old.pins) if (!pins.has(p.vcpu)) pins.set(p.vcpu, all);
    await out.tryLive(`vCPU pinning ${cpu.pins.map((p) => `${p.vcpu}→${p.cpuset}`).join(', ') || 'cleared'}`, async () => {
      for (const [vcpu, set] of pins) if (vcpu < cpu.vcpus) await c.call(P.DOMAIN_PIN_VCPU_FLAGS, { dom, vcpu, cpumap: cpumap(set, hostCpus), flags: AffectFlags.LIVE });
    });
  }
  if (old.emulatorPin !== cpu.emulatorPin) {
    await out.tryLive(`Emulator threads pinned to ${cpu.emulatorPin ?? 'all host CPUs'}`, () =>
      c.call(P.DOMAIN_PIN_EMULATOR, { dom, cpumap: cpumap(cpu.emulatorPin ?? all, hostCpus), flags: AffectFlags.LIVE }),
    );
  }
  const sched: TypedParam[] = [];
  if (old.shares !== cpu.shares && cpu.shares !== undefined) sched.push({ field: 'cpu_shares', type: 'ullong', value: BigInt(cpu.shares) });
  if (old.period !== cpu.period && cpu.period !== undefined) sched.push({ field: 'vcpu_period', type: 'ullong', value: BigInt(cpu.period) });
  if (old.quota !== cpu.quota && cpu.quota !== undefined) sched.push({ field: 'vcpu_quota', type: 'llong', value: BigInt(cpu.quota) });
  const tuneChanged = old.shares !== cpu.shares || old.period !== cpu.period || old.quota !== cpu.quota;
  if (tuneChanged) {
    const what = `CPU shares ${cpu.shares ?? 'default'}, period ${cpu.period ?? 'default'} µs, quota ${cpu.quota ?? 'default'} µs`;
    // Removing a value cannot be done live (the cgroup keeps it until restart).
    const removed = (['shares', 'period', 'quota'] as const).some((k) => old[k] !== undefined && cpu[k] === undefined);
    if (removed || !sched.length) out.saved(what);
    else await out.tryLive(what, () => c.call(P.DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS, { dom, params: sched, flags: AffectFlags.LIVE }));
  }
  return out.result();
}

/** "No limit" for memtune, as libvirt spells it (VIR_DOMAIN_MEMORY_PARAM_UNLIMITED). */
const UNLIMITED = 9007199254740991n;

export async function domainSetMemory(h: DomainHandle, mem: Omit<MemoryConfig, 'balloon'>): Promise<ApplyResult> {
  const old = readConfig(parseXmlDoc(await inactiveXml(h))).memory;
  await editDefinition(h, `Changing the memory of ${h.dom.name}`, (doc) => editMemory(doc, mem));
  const out = new Outcome(h);
  const { c, dom } = h;
  if (old.maxKiB !== mem.maxKiB) out.saved(`Maximum memory ${formatKiB(old.maxKiB)} → ${formatKiB(mem.maxKiB)}`);
  if (old.currentKiB !== mem.currentKiB) {
    const what = `Memory ${formatKiB(old.currentKiB)} → ${formatKiB(mem.currentKiB)}`;
    // The balloon can only move below the maximum the VM runs with.
    if (mem.currentKiB > old.maxKiB) out.saved(what);
    else await out.tryLive(what, () => c.call(P.DOMAIN_SET_MEMORY_FLAGS, { dom, memory: mem.currentKiB, flags: MemoryFlags.LIVE }));
  }
  const limits: Array<[keyof typeof mem, string, string]> = [
    ['hardLimitKiB', 'hard_limit', 'Hard limit'],
    ['softLimitKiB', 'soft_limit', 'Soft limit'],
    ['swapHardLimitKiB', 'swap_hard_limit', 'Swap hard limit'],
  ];
  const params: TypedParam[] = [];
  const lines: string[] = [];
  for (const [key, field, label] of limits) {
    const v = mem[key] as number | undefined;
    if (v === (old[key] as number | undefined)) continue;
    params.push({ field, type: 'ullong', value: v === undefined ? UNLIMITED : BigInt(v) });
    lines.push(`${label} ${v === undefined ? 'none' : formatKiB(v)}`);
  }
  if (params.length) await out.tryLive(lines.join(', '), () => c.call(P.DOMAIN_SET_MEMORY_PARAMETERS, { dom, params, flags: AffectFlags.LIVE }));
  if (!same(old.numa, mem.numa)) {
    const what = mem.numa ? `NUMA memory ${mem.numa.mode} on nodes ${mem.numa.nodeset}` : 'NUMA memory placement cleared';
    // Only the node set of a running VM can move, and only when the mode stays.
    if (mem.numa && old.numa && old.numa.mode === mem.numa.mode) {
      await out.tryLive(what, () => c.call(P.DOMAIN_SET_NUMA_PARAMETERS, { dom, params: [{ field: 'numa_nodeset', type: 'string', value: mem.numa!.nodeset }], flags: AffectFlags.LIVE }));
    } else out.saved(what);
  }
  return out.result();
}
