import { gunzipSync } from 'node:zlib';
import { CURATED_OS, type OsProfile } from '../../shared/create/os';
import { OSINFO_KEEP, osProfilesFromOsinfo } from '../../shared/create/osinfo';
import { attr, child, children, parseXmlDoc, path } from '../../shared/libvirt/dom/index';
import type { CreateOptions } from '../../shared/ipc/calls/create';
import type { HostTransport } from '../hosts/transport';
import { toLibvirtFailure } from '../libvirt/errors';
import type { RpcClient } from '../libvirt/rpc/client';
import { P } from '../libvirt/rpc/procedures/index';

// What a host offers a new VM: its OS database (or our curated table), the
// accelerators and firmware QEMU has there (domain capabilities), TPM
// emulation, pools with their free space, networks, and the names taken.

/** Where libosinfo looks for its database (osinfo-db, then the older bundled one). */
export const OSINFO_DIRS = ['/usr/share/osinfo', '/usr/share/libosinfo/db'];

/**
 * Prints "VDOSINFO <version>" and the kept lines of every os/*.xml, gzipped
 * when gzip exists (~40 KB instead of ~1 MB). "$1" is the grep pattern,
 * the rest the directories to try; all are data, never code.
 */
const OSINFO_SCRIPT = `keep=$1; shift
dir=
for d in "$@"; do [ -d "$d/os" ] && { dir=$d; break; }; done
out() {
  if [ -z "$dir" ]; then echo "VDOSINFO none"; exit 0; fi
  echo "VDOSINFO $(head -n 1 "$dir/VERSION" 2>/dev/null || echo unknown)"
  find "$dir/os" -name '*.xml' -exec grep -h -E "$keep" {} +
}
if command -v gzip >/dev/null 2>&1; then out | gzip -c; else out; fi`;

export interface OsDatabase {
  source: 'osinfo' | 'curated';
  version?: string;
  profiles: OsProfile[];
}

/** Reads the host's osinfo database; a host without one gets the curated table. */
export async function readOsDatabase(t: HostTransport, dirs = OSINFO_DIRS, signal?: AbortSignal): Promise<OsDatabase> {
  const r = await t.execScript(OSINFO_SCRIPT, [OSINFO_KEEP, ...dirs], { timeoutMs: 60_000, ...(signal ? { signal } : {}) });
  let out = r.stdout;
  if (out[0] === 0x1f && out[1] === 0x8b) out = gunzipSync(out);
  const text = out.toString('utf8');
  const m = /^VDOSINFO (.*)\n?/.exec(text);
  if (r.code !== 0 || !m || m[1] === 'none') return { source: 'curated', profiles: [...CURATED_OS] };
  const profiles = osProfilesFromOsinfo(text.slice(m[0].length));
  // A database this small is not one we can read (or an empty install): keep to what we know.
  if (profiles.length < 5) return { source: 'curated', profiles: [...CURATED_OS] };
  return { source: 'osinfo', version: m[1]!.trim(), profiles };
}

export interface HostCapabilities {
  accel: Array<'kvm' | 'qemu'>;
  machines: Array<'q35' | 'pc'>;
  uefi: boolean;
  tpm: boolean;
  diskBuses: string[];
  videoModels: string[];
}

const enumValues = (el: ReturnType<typeof child>, name: string): string[] =>
  el ? children(el, 'enum').filter((e) => attr(e, 'name') === name).flatMap((e) => children(e, 'value').map((v) => (v.textContent ?? '').trim())) : [];

/** Domain capabilities for x86_64 q35, with KVM when the host has it, else TCG. */
export async function readCapabilities(c: RpcClient, hostId: string): Promise<HostCapabilities> {
  const domcaps = async (virttype: 'kvm' | 'qemu') =>
    c.call(P.CONNECT_GET_DOMAIN_CAPABILITIES, { emulatorbin: null, arch: 'x86_64', machine: 'q35', virttype, flags: 0 }).catch(() => undefined);
  const [kvm, tcg] = await Promise.all([domcaps('kvm'), domcaps('qemu')]);
  const xml = kvm ?? tcg;
  if (!xml) throw toLibvirtFailure(new Error('no x86_64 QEMU emulator found (is qemu-system-x86 installed?)'), hostId, 'Reading domain capabilities');
  const dc = parseXmlDoc(xml).documentElement!;
  const os = child(dc, 'os');
  const loader = os && child(os, 'loader');
  const devices = child(dc, 'devices');
  const tpm = devices && child(devices, 'tpm');
  const machines: HostCapabilities['machines'] = ['q35'];
  const caps = parseXmlDoc(await c.call(P.CONNECT_GET_CAPABILITIES).catch(() => '<capabilities/>')).documentElement!;
  const guestMachines = children(caps, 'guest').flatMap((g) => children(child(g, 'arch') ?? g, 'machine').map((m) => (m.textContent ?? '').trim()));
  if (guestMachines.some((m) => m === 'pc' || m.startsWith('pc-i440fx'))) machines.push('pc');
  return {
    accel: [...(kvm ? (['kvm'] as const) : []), ...(tcg ? (['qemu'] as const) : [])],
    machines,
    // UEFI only where an OVMF build is installed: libvirt lists it as firmware 'efi' or a loader path.
    uefi: enumValues(os, 'firmware').includes('efi') || (attr(loader, 'supported') === 'yes' && children(loader!, 'value').length > 0),
    tpm: attr(tpm, 'supported') === 'yes' && enumValues(tpm, 'backendModel').includes('emulator'),
    diskBuses: enumValues(devices && child(devices, 'disk'), 'bus'),
    videoModels: enumValues(devices && child(devices, 'video'), 'modelType'),
  };
}

export async function readPools(c: RpcClient): Promise<CreateOptions['pools']> {
  const { pools } = await c.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: 0 });
  return Promise.all(
    pools.map(async (pool) => {
      const [info, xml] = await Promise.all([c.call(P.STORAGE_POOL_GET_INFO, { pool }), c.call(P.STORAGE_POOL_GET_XML_DESC, { pool, flags: 0 })]);
      const root = parseXmlDoc(xml).documentElement!;
      const p = (path(root, 'target', 'path')?.textContent ?? '').trim();
      return { name: pool.name, type: attr(root, 'type') ?? 'dir', ...(p ? { path: p } : {}), active: info.state === 2, capacityBytes: info.capacity, availableBytes: info.available };
    }),
  );
}

export async function readNetworks(c: RpcClient): Promise<CreateOptions['networks']> {
  const { nets } = await c.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: 0 });
  return Promise.all(nets.map(async (net) => ({ name: net.name, active: await c.call(P.NETWORK_IS_ACTIVE, { net }).catch(() => false) })));
}

/** Linux bridges on the host (for a NIC on a host bridge), read from sysfs: no libvirt interface backend needed. */
export async function readBridges(t: HostTransport): Promise<string[]> {
  const r = await t.execScript('for b in /sys/class/net/*/bridge; do [ -d "$b" ] && basename "$(dirname "$b")"; done; exit 0', [], { timeoutMs: 15_000 }).catch(() => undefined);
  return (r?.stdout.toString('utf8') ?? '').split('\n').filter(Boolean).sort();
}

export async function readVmNames(c: RpcClient): Promise<string[]> {
  const { domains } = await c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
  return domains.map((d) => d.name);
}
