import type { HostTransport } from '../hosts/transport';
import { parseMountinfo, parseProcCgroup, resolveVmFiles, type VmCgroupFiles } from './cgroups';

// Finds each running VM's cgroup the way libvirt reports it: the QEMU pid from
// libvirt's pidfile, then /proc/<pid>/cgroup, plus the host's cgroup mounts.
// Runs once per VM start, as one exec. Pidfile paths (which contain VM names)
// are the script's arguments (data that no login shell parses: see
// HostTransport.execScript) and are used only as "$f"; the pid is checked to
// be digits before it forms a path.
export const DISCOVER_SCRIPT = `while IFS= read -r l; do
  case $l in *' - cgroup '*|*' - cgroup2 '*) printf 'M %s\\n' "$l" ;; esac
done </proc/self/mountinfo
i=0
for f in "$@"; do
  i=$((i + 1))
  pid=''
  [ -r "$f" ] && read -r pid <"$f"
  case $pid in ''|*[!0-9]*) printf 'X %s\\n' "$i"; continue ;; esac
  printf 'P %s %s\\n' "$i" "$pid"
  [ -r /proc/$pid/cgroup ] && while IFS= read -r l; do printf 'C %s %s\\n' "$i" "$l"; done </proc/$pid/cgroup
done
`;

/** libvirt's system driver keeps `<name>.pid` here (the name is used as is). */
export const pidfilePath = (name: string, runDir = '/run/libvirt/qemu'): string => `${runDir}/${name}.pid`;

export interface DiscoveredVm {
  pid?: number;
  files: VmCgroupFiles;
}

/** Parses the script's output; result[i] belongs to the i-th pidfile. */
export function parseDiscovery(out: string, count: number): DiscoveredVm[] {
  const mountLines: string[] = [];
  const pids = new Map<number, number>();
  const cg = new Map<number, string[]>();
  for (const line of out.split('\n')) {
    const tag = line.slice(0, 2);
    const rest = line.slice(2);
    if (tag === 'M ') mountLines.push(rest);
    else if (tag === 'P ') {
      const [i, pid] = rest.split(' ').map(Number);
      if (i !== undefined && pid !== undefined) pids.set(i, pid);
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
    result.push({ ...(pid !== undefined ? { pid } : {}), files: lines.length ? resolveVmFiles(mounts, lines) : { layout: 'v1' } });
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
    const r = await transport.execScript(DISCOVER_SCRIPT, chunk.map((n) => pidfilePath(n)), { timeoutMs: 15_000 });
    out.push(...parseDiscovery(r.stdout.toString('utf8'), chunk.length));
  }
  return out;
}
