import { parseDomainXml, domainStateName } from '../../shared/libvirt/domain-xml';
import { AppFailure } from '../../shared/ipc/result';
import type { Host } from '../../shared/model/host';
import type { MigrationRequest, PreflightReport } from '../../shared/model/migration';
import type { HostTransport } from '../hosts/transport';
import { toLibvirtFailure } from '../libvirt/errors';
import { formatVersion } from '../libvirt/host-info';
import type { RpcClient } from '../libvirt/rpc/client';
import { DomainXmlFlags } from '../libvirt/rpc/procedures/domain';
import { CpuCompareResult, MigrationFeature } from '../libvirt/rpc/procedures/migration';
import { P } from '../libvirt/rpc/procedures/index';
import type { DomainRef } from '../libvirt/rpc/types';
import type { LibvirtSessions } from '../libvirt/sessions';
import type { Logger } from '../util/log';
import { dirOf, evaluate, recommendedMode, type DiskFact, type PreflightFacts } from './checks';
import { migratableParts } from './xml';
import { availableKiB } from '../placement/service';

// Gathers what preflight needs from both hosts, over their libvirt sessions
// and (for files, bridges and the route) small fixed scripts run with data as
// argv. The verdicts themselves are in checks.ts.

export interface MigrationHosts {
  get(hostId: string): Host;
  transport(hostId: string): HostTransport;
}

export interface PreflightDeps {
  sessions: LibvirtSessions;
  hosts: MigrationHosts;
  /** Memory kept free for the host itself (placement settings), KiB. */
  reserveKiB(hostId: string): number;
  log: Logger;
}

/** The first port of libvirt's migration range: what a direct migration connects to. */
export const MIGRATION_PORT_PROBE = 49152;

export interface Gathered {
  facts: PreflightFacts;
  dom: DomainRef;
  /** Live XML (running) or inactive XML (shut off), SECURE. */
  xml: string;
  /** Where a direct migration connects (the address the source reached). */
  address?: string;
}

export async function runPreflight(deps: PreflightDeps, req: MigrationRequest): Promise<{ report: PreflightReport; gathered: Gathered }> {
  const gathered = await gatherFacts(deps, req);
  const mode = req.mode ?? recommendedMode(gathered.facts) ?? 'offline';
  const route = req.route ?? (gathered.facts.reach.reachable === false ? 'relay' : 'direct');
  return { report: evaluate(gathered.facts, mode, route, req.networkMap), gathered };
}

export async function gatherFacts(deps: PreflightDeps, req: MigrationRequest): Promise<Gathered> {
  const { sessions, hosts } = deps;
  if (req.hostId === req.targetHostId) throw new AppFailure('VALIDATION', 'the target must be another host', { hostId: req.hostId });
  const src = sessions.client(req.hostId);
  const dst = sessions.client(req.targetHostId);
  const dom = await src.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: req.uuid }).catch((e: unknown) => {
    throw toLibvirtFailure(e, req.hostId, 'Finding the VM');
  });
  try {
    const st = await src.call(P.DOMAIN_GET_STATE, { dom, flags: 0 });
    const state = domainStateName(st.state);
    const active = dom.id !== -1;
    const xml = await src.call(P.DOMAIN_GET_XML_DESC, { dom, flags: DomainXmlFlags.SECURE | (active ? 0 : DomainXmlFlags.INACTIVE) });
    // The migratable XML is what the target will get: its <cpu> is what to compare.
    const migratable = await src.call(P.DOMAIN_GET_XML_DESC, { dom, flags: DomainXmlFlags.MIGRATABLE | (active ? 0 : DomainXmlFlags.INACTIVE) });
    const parsed = parseDomainXml(xml);
    const parts = migratableParts(migratable);
    const networks = [...new Set(parsed.nics.filter((n) => n.type === 'network' && n.source).map((n) => n.source!))];
    const bridgeNames = [...new Set(parsed.nics.filter((n) => n.type === 'bridge' && n.source).map((n) => n.source!))];

    const [versions, clash, targetNetworks, mem, cpu, machine, snapshots, disks, bridges, reach] = await Promise.all([
      versionFacts(src, dst),
      clashFacts(dst, dom),
      networkFacts(dst),
      availableKiB(dst),
      cpuFacts(dst, parts),
      machineFacts(dst, parts),
      src.call(P.DOMAIN_LIST_ALL_SNAPSHOTS, { dom, need_results: 1, flags: 0 }).then((r) => r.snapshots.map((s) => s.name)),
      diskFacts(deps, req, parsed.disks),
      bridgeFacts(deps, req.targetHostId, bridgeNames),
      reachFacts(deps, req),
    ]);
    const target = hosts.get(req.targetHostId);
    const facts: PreflightFacts = {
      hostId: req.hostId,
      targetHostId: req.targetHostId,
      name: dom.name,
      uuid: dom.uuid,
      state,
      memoryKiB: parsed.memory.currentKiB,
      versions,
      targetMaintenance: target.config.maintenance === true,
      cpu,
      machine,
      networks,
      targetNetworks,
      bridges,
      disks,
      snapshots,
      targetAvailableKiB: mem,
      targetReserveKiB: deps.reserveKiB(req.targetHostId),
      clash,
      reach,
      relayPossible: true,
    };
    return { facts, dom, xml, address: reach.address };
  } catch (e) {
    throw toLibvirtFailure(e, req.hostId, `Preflight for ${dom.name}`);
  }
}

async function versionFacts(src: RpcClient, dst: RpcClient): Promise<PreflightFacts['versions']> {
  const probe = (c: RpcClient) =>
    Promise.all([
      c.call(P.CONNECT_GET_LIB_VERSION),
      c.call(P.CONNECT_SUPPORTS_FEATURE, { feature: MigrationFeature.MIGRATION_V3 }),
      c.call(P.CONNECT_SUPPORTS_FEATURE, { feature: MigrationFeature.MIGRATION_PARAMS }),
    ]);
  const [[sv, s3, sp], [dv, d3, dp]] = await Promise.all([probe(src), probe(dst)]);
  const ok = s3 && sp && d3 && dp;
  const detail = `libvirt ${formatVersion(sv)} on the source, ${formatVersion(dv)} on the target`;
  return { ok, detail: ok ? `${detail}; both speak migration v3 with parameters` : `${detail}: both need migration v3 with parameters (libvirt 1.1 or newer)` };
}

async function clashFacts(dst: RpcClient, dom: DomainRef): Promise<PreflightFacts['clash']> {
  const [byUuid, byName] = await Promise.all([
    dst.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: dom.uuid }).catch(() => null),
    dst.call(P.DOMAIN_LOOKUP_BY_NAME, { name: dom.name }).catch(() => null),
  ]);
  if (byUuid) return { sameUuid: byUuid.name };
  if (byName) return { sameName: byName.uuid };
  return {};
}

async function networkFacts(dst: RpcClient): Promise<PreflightFacts['targetNetworks']> {
  const [all, active] = await Promise.all([
    dst.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: 0 }),
    dst.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: 2 /* ACTIVE */ }),
  ]);
  const on = new Set(active.nets.map((n) => n.name));
  return all.nets.map((n) => ({ name: n.name, active: on.has(n.name) }));
}

async function cpuFacts(dst: RpcClient, parts: ReturnType<typeof migratableParts>): Promise<PreflightFacts['cpu']> {
  if (!parts.cpuXml) return { result: null, note: "no CPU model defined: QEMU's default model, which every host runs" };
  if (parts.cpuMode === 'host-passthrough') return { result: null, note: 'host-passthrough: the VM sees the source CPU as is; only an identical target CPU is safe' };
  try {
    const result = await dst.call(P.CONNECT_COMPARE_HYPERVISOR_CPU, {
      emulator: parts.emulator ?? null,
      arch: parts.arch ?? null,
      machine: parts.machine ?? null,
      virttype: parts.virtType,
      xmlCPU: parts.cpuXml,
      flags: 0,
    });
    const words: Record<number, string> = {
      [CpuCompareResult.IDENTICAL]: 'the target CPU is identical',
      [CpuCompareResult.SUPERSET]: 'the target CPU offers everything the VM uses',
      [CpuCompareResult.INCOMPATIBLE]: "the target CPU lacks features the VM's CPU model uses",
    };
    return { result, note: words[result] ?? 'the target could not compare the CPU' };
  } catch (e) {
    return { result: null, note: `the target could not compare the CPU: ${e instanceof Error ? e.message : String(e)}` };
  }
}

async function machineFacts(dst: RpcClient, parts: ReturnType<typeof migratableParts>): Promise<PreflightFacts['machine']> {
  const what = `${parts.machine ?? 'default machine'} with ${parts.emulator ?? 'the default emulator'} (${parts.virtType})`;
  try {
    await dst.call(P.CONNECT_GET_DOMAIN_CAPABILITIES, {
      emulatorbin: parts.emulator ?? null,
      arch: parts.arch ?? null,
      machine: parts.machine ?? null,
      virttype: parts.virtType,
      flags: 0,
    });
    return { ok: true, detail: `the target can run ${what}` };
  } catch (e) {
    return { ok: false, detail: `the target cannot run ${what}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

// Runs on the source: leaves a marker in each directory (argv), prints its path or '-'.
const MARK_SCRIPT = 'for d in "$@"; do m=$(mktemp "$d/.virtdeck-shared-XXXXXXXX" 2>/dev/null) && printf "%s\\n" "$m" || echo -; done';
// Runs on the target: for each marker (argv) whether it is visible there.
const SEE_SCRIPT = 'for m in "$@"; do if [ "$m" != - ] && [ -e "$m" ]; then echo Y; else echo N; fi; done';
const UNMARK_SCRIPT = 'for m in "$@"; do [ "$m" = - ] || rm -f -- "$m"; done';
// Runs on the target: whether each path exists, with size and inode.
const STAT_SCRIPT = 'for p in "$@"; do if [ -e "$p" ]; then s=$(stat -L -c "%s %i" -- "$p" 2>/dev/null) || s="? ?"; echo "E $s"; else echo M; fi; done';

async function lines(t: HostTransport, script: string, args: readonly string[]): Promise<string[]> {
  if (!args.length) return [];
  const r = await t.execScript(script, args, { timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`preflight script on ${t.hostId} exited ${r.code}: ${r.stderr.toString().trim().slice(0, 200)}`);
  return r.stdout.toString('utf8').split('\n').filter((l) => l !== '');
}

/**
 * Which disks both hosts see: a marker file made in each disk's directory on
 * the source either shows up on the target (the same storage) or not. Names
 * and inodes can match by accident on two hosts installed alike; a file we
 * just made cannot.
 */
async function diskFacts(deps: PreflightDeps, req: MigrationRequest, disks: ReturnType<typeof parseDomainXml>['disks']): Promise<DiskFact[]> {
  const src = deps.sessions.client(req.hostId);
  const dst = deps.sessions.client(req.targetHostId);
  const ts = deps.hosts.transport(req.hostId);
  const td = deps.hosts.transport(req.targetHostId);
  const files = disks.filter((d) => d.source && (d.type === 'file' || d.type === 'block'));
  const dirs = [...new Set(files.filter((d) => d.device !== 'cdrom' && d.device !== 'floppy').map((d) => dirOf(d.source)))];
  const sharedDirs = new Set<string>();
  if (dirs.length) {
    const marks = await lines(ts, MARK_SCRIPT, dirs).catch(() => dirs.map(() => '-'));
    try {
      const seen = await lines(td, SEE_SCRIPT, marks).catch(() => marks.map(() => 'N'));
      dirs.forEach((d, i) => seen[i] === 'Y' && sharedDirs.add(d));
    } finally {
      await lines(ts, UNMARK_SCRIPT, marks).catch((e) => deps.log.warn(`could not remove preflight markers on ${req.hostId}: ${String(e)}`));
    }
  }
  const onTarget = await lines(td, STAT_SCRIPT, files.map((d) => d.source!)).catch(() => files.map(() => '?'));
  const out: DiskFact[] = [];
  for (const d of disks) {
    const i = files.indexOf(d);
    const path = d.source;
    const stat = i >= 0 ? onTarget[i] : undefined;
    const dir = dirOf(path);
    const shared = d.type === 'network' || (i >= 0 && sharedDirs.has(dir) && stat?.startsWith('E') === true);
    let where: DiskFact['onTarget'] = stat === undefined || stat === '?' ? 'unknown' : stat === 'M' ? 'missing' : shared || d.device === 'cdrom' || d.device === 'floppy' ? 'same' : 'different';
    if (d.type === 'network') where = 'same';
    const fact: DiskFact = { target: d.target, device: d.device, type: d.type, path, shared, readonly: d.readonly, format: d.format, onTarget: where };
    if (path && (d.type === 'file' || d.type === 'block')) {
      const vol = await src.call(P.STORAGE_VOL_LOOKUP_BY_PATH, { path }).catch(() => null);
      const info = vol ? await src.call(P.STORAGE_VOL_GET_INFO, { vol }).catch(() => null) : null;
      if (info) {
        fact.allocation = info.allocation;
        fact.capacity = info.capacity;
      }
      if (!shared && d.device === 'disk') {
        const pool = await dst.call(P.STORAGE_POOL_LOOKUP_BY_TARGET_PATH, { path: dir }).catch(() => null);
        if (pool) {
          const pi = await dst.call(P.STORAGE_POOL_GET_INFO, { pool });
          fact.targetPool = { name: pool.name, active: pi.state === 2, availableBytes: pi.available };
        }
      }
    }
    out.push(fact);
  }
  return out;
}

const BRIDGE_SCRIPT = 'for b in "$@"; do if [ -d "/sys/class/net/$b/bridge" ]; then echo Y; else echo N; fi; done';

async function bridgeFacts(deps: PreflightDeps, hostId: string, names: string[]): Promise<PreflightFacts['bridges']> {
  if (!names.length) return [];
  try {
    const seen = await lines(deps.hosts.transport(hostId), BRIDGE_SCRIPT, names);
    return names.map((name, i) => ({ name, present: seen[i] === 'Y' }));
  } catch {
    return names.map((name) => ({ name, present: null }));
  }
}

// Runs on the source: can it open a TCP connection to the target's migration
// port? "Connection refused" means the target answered (nothing listens yet,
// but the route is open); a timeout or "no route" means a firewall in between.
const REACH_SCRIPT = `command -v timeout >/dev/null 2>&1 && command -v bash >/dev/null 2>&1 || { echo NOTOOLS; exit 0; }
out=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' probe "$1" "$2" 2>&1); rc=$?
printf 'RC %s %s\\n' "$rc" "$out"`;

export function interpretReach(address: string, port: number, out: string): { reachable: boolean | null; detail: string } {
  const where = `${address}:${port}`;
  if (out.startsWith('NOTOOLS')) return { reachable: null, detail: `could not test ${where} from the source (no bash or timeout there)` };
  const m = /^RC (\d+) ?([^]*)$/.exec(out.trim());
  if (!m) return { reachable: null, detail: `could not test ${where}: ${out.trim().slice(0, 120)}` };
  const rc = Number(m[1]);
  const text = m[2] ?? '';
  if (rc === 0) return { reachable: true, detail: `the source reaches ${where}` };
  if (/refused/i.test(text)) return { reachable: true, detail: `the source reaches ${where} (nothing listens there until a migration starts)` };
  if (rc === 124) return { reachable: false, detail: `the source cannot reach the target's migration port ${where} (timed out: a firewall drops it)` };
  if (/no route|unreachable|prohibited/i.test(text)) return { reachable: false, detail: `the source cannot reach ${where} (${text.replace(/^.*: /, '').trim()})` };
  if (/not known|unknown|resolve|name/i.test(text)) return { reachable: false, detail: `the source cannot resolve ${address}` };
  return { reachable: null, detail: `could not tell whether the source reaches ${where}: ${text.trim().slice(0, 120)}` };
}

async function reachFacts(deps: PreflightDeps, req: MigrationRequest): Promise<PreflightFacts['reach']> {
  const target = deps.hosts.get(req.targetHostId);
  const candidates: string[] = [];
  const t = target.config.target;
  // A host reached through jump hosts has a name only the last jump host knows.
  if (t.transport === 'ssh' && t.jumpHosts.length === 0) candidates.push(t.hostname);
  const libvirtName = await deps.sessions.client(req.targetHostId).call(P.CONNECT_GET_HOSTNAME).catch(() => undefined);
  if (libvirtName && !/^localhost/i.test(libvirtName) && !candidates.includes(libvirtName)) candidates.push(libvirtName);
  if (!candidates.length) return { reachable: null, detail: 'no address of the target that the source could use is known' };
  const ts = deps.hosts.transport(req.hostId);
  const results = await Promise.all(
    candidates.map(async (address) => {
      try {
        const r = await ts.execScript(REACH_SCRIPT, [address, String(MIGRATION_PORT_PROBE)], { timeoutMs: 15_000 });
        return { address, ...interpretReach(address, MIGRATION_PORT_PROBE, r.stdout.toString('utf8')) };
      } catch (e) {
        return { address, reachable: null, detail: `could not test ${address}: ${e instanceof Error ? e.message : String(e)}` };
      }
    }),
  );
  const ok = results.find((r) => r.reachable === true);
  if (ok) return ok;
  const blocked = results.find((r) => r.reachable === false);
  if (blocked) return { reachable: false, detail: results.map((r) => r.detail).join('; ') };
  return { reachable: null, detail: results.map((r) => r.detail).join('; ') };
}
