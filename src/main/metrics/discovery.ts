import type { HostTransport } from '../hosts/transport';
import { parseMountinfo, parseProcCgroup, resolveVmFiles, type VmCgroupFiles } from './cgroups';

// Finds each running VM's cgroup the way libvirt reports it: the QEMU pid from
// libvirt's pidfile, then /proc/<pid>/cgroup, plus the host's cgroup mounts;
// also its vCPU threads (QEMU names them `CPU <n>/KVM` or `CPU <n>/TCG`;
// libvirt always starts QEMU with debug-threads=on) and whether this user may
// read /proc/<pid>/io (root may; others may not read a QEMU they don't own).
// Runs once per VM start, as one exec. Pidfile paths (which contain VM names)
// are the script's arguments (data that no login shell parses: see
// HostTransport.execScript) and are used only as "$f"; the pid is checked to
// be digits before it forms a path.
export const DISCOVER_SCRIPT = `while IFS= read -r l; do
  case $l in *' - cgroup '*|*' - cgroup2 '*) printf 'M %s\\n' "$l" ;; esac
done </proc/self/mountinfo
i=0
while [ $# -ge 2 ]; do
  i=$((i + 1))
  pid=''
  f=$1
  [ -r "$f" ] || f=$2
  shift 2
  [ -r "$f" ] && read -r pid <"$f"
  case $pid in ''|*[!0-9]*) printf 'X %s\\n' "$i"; continue ;; esac
  printf 'P %s %s\\n' "$i" "$pid"
  read -r x 2>/dev/null </proc/$pid/io && printf 'I %s\\n' "$i"
  for t in /proc/$pid/task/*; do
    c=''
    read -r c 2>/dev/null <"$t/comm"
    case $c in 'CPU '[0-9]*/*) printf 'V %s %s %s\\n' "$i" "\${t##*/}" "$c" ;; esac
  done
  [ -r /proc/$pid/cgroup ] && while IFS= read -r l; do printf 'C %s %s\\n' "$i" "$l"; done </proc/$pid/cgroup
done
`;

/** libvirt's system driver keeps `<name>.pid` here. */
export const pidfilePath = (name: string, runDir = '/run/libvirt/qemu'): string => `${runDir}/${name}.pid`;

/**
 * The pidfiles to try for a VM, in order. libvirt 9.0 writes the pidfile
 * under the XML-escaped name (`a"b` → `a&quot;b.pid`, seen on the lab),
 * while its status file keeps the name as is; older ones used the name as is.
 */
export function pidfileCandidates(name: string, runDir = '/run/libvirt/qemu'): [string, string] {
  const escaped = name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  return [pidfilePath(name, runDir), pidfilePath(escaped, runDir)];
}

export interface VcpuThread {
  vcpu: number;
  tid: number;
}

export interface DiscoveredVm {
  pid?: number;
  files: VmCgroupFiles;
  /** /proc/<pid>/io is readable by this SSH user. */
  ioReadable: boolean;
  /** vCPU threads by vCPU index, for their schedstat (run time in ns). */
  vcpuThreads: VcpuThread[];
}

/** Parses the script's output; result[i] belongs to the i-th VM. */
export function parseDiscovery(out: string, count: number): DiscoveredVm[] {
  const mountLines: string[] = [];
  const pids = new Map<number, number>();
  const cg = new Map<number, string[]>();
  const io = new Set<number>();
  const threads = new Map<number, VcpuThread[]>();
  for (const line of out.split('\n')) {
    const tag = line.slice(0, 2);
    const rest = line.slice(2);
    if (tag === 'M ') mountLines.push(rest);
    else if (tag === 'P ') {
      const [i, pid] = rest.split(' ').map(Number);
      if (i !== undefined && pid !== undefined) pids.set(i, pid);
    } else if (tag === 'I ') {
      io.add(Number(rest));
    } else if (tag === 'V ') {
      const m = /^(\d+) (\d+) CPU (\d+)\//.exec(rest);
      if (m) {
        const i = Number(m[1]);
        threads.set(i, [...(threads.get(i) ?? []), { tid: Number(m[2]), vcpu: Number(m[3]) }]);
      }
    } else if (tag === 'C ') {
      const sp = rest.indexOf(' ');
      const i = Number(rest.slice(0, sp));
      const list = cg.get(i) ?? [];
      list.push(rest.slice(sp + 1));
      cg.set(i, list);
    }
  }
  const mounts = parseMountinfo(mountLines.join('\n'));
  const result: DiscoveredVm[] = [];
  for (let i = 1; i <= count; i++) {
    const pid = pids.get(i);
    const lines = parseProcCgroup((cg.get(i) ?? []).join('\n'));
    result.push({
      ...(pid !== undefined ? { pid } : {}),
      files: lines.length ? resolveVmFiles(mounts, lines) : { layout: 'v1' },
      ioReadable: pid !== undefined && io.has(i),
      vcpuThreads: pid !== undefined ? (threads.get(i) ?? []).sort((a, b) => a.vcpu - b.vcpu) : [],
    });
  }
  return result;
}

/** Resolves cgroup files for VMs by name; VMs the host can't tell us about get no files. */
export async function discoverVms(transport: HostTransport, names: readonly string[]): Promise<DiscoveredVm[]> {
  if (names.length === 0) return [];
  // Chunked: an argv has limits (ARG_MAX), and 500 names is far below them.
  const out: DiscoveredVm[] = [];
  for (let i = 0; i < names.length; i += 500) {
    const chunk = names.slice(i, i + 500);
    const r = await transport.execScript(DISCOVER_SCRIPT, chunk.flatMap((n) => pidfileCandidates(n)), { timeoutMs: 15_000 });
    out.push(...parseDiscovery(r.stdout.toString('utf8'), chunk.length));
  }
  return out;
}
