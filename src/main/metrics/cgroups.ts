// Where a VM's CPU and memory counters live, worked out from what the host
// says about the QEMU process (/proc/<pid>/cgroup) and its cgroup mounts
// (/proc/self/mountinfo), never from a guessed naming scheme. Three layouts:
//  - cgroup v1: one hierarchy per controller (cpuacct.usage, memory.stat);
//  - mixed: v1 controllers plus cpuacct accounted on the cgroup2 "unified"
//    mount, where CPU time is cpu.stat usage_usec;
//  - pure v2: one hierarchy (cpu.stat, memory.current, memory.stat).

export interface CgroupMount {
  /** Path inside the cgroup filesystem that is mounted (not always "/" in containers). */
  root: string;
  mountPoint: string;
  version: 1 | 2;
  /** v1 controllers of this hierarchy (from the super options); empty for v2. */
  controllers: string[];
}

export interface ProcCgroupLine {
  hierarchyId: number;
  controllers: string[];
  path: string;
}

/** The counter files the sampler reads for one VM. */
export interface VmCgroupFiles {
  layout: 'v1' | 'mixed' | 'v2';
  /** cpuacct.usage (ns) or cpu.stat (first line usage_usec). */
  cpu?: { path: string; unit: 'ns' | 'usec' };
  /** v1: memory.stat whose first lines are cache and rss. v2: memory.current plus memory.stat (anon, file). */
  memory?: { version: 1; stat: string } | { version: 2; current: string; stat: string };
}

/** /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo. */
const unescapeMount = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountinfo(text: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const pre = line.slice(0, sep).split(' ');
    const [fsType, , superOpts = ''] = line.slice(sep + 3).split(' ');
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    const root = pre[3];
    const mountPoint = pre[4];
    if (root === undefined || mountPoint === undefined) continue;
    const controllers =
      fsType === 'cgroup' ? superOpts.split(',').filter((o) => o !== 'rw' && o !== 'ro' && !o.includes('=') && !o.startsWith('clone_children') && o !== 'noprefix' && o !== 'xattr') : [];
    out.push({ root: unescapeMount(root), mountPoint: unescapeMount(mountPoint), version: fsType === 'cgroup' ? 1 : 2, controllers });
  }
  return out;
}

/** `hierarchy-ID:controller-list:cgroup-path`; the path may itself contain colons. */
export function parseProcCgroup(text: string): ProcCgroupLine[] {
  const out: ProcCgroupLine[] = [];
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = a < 0 ? -1 : line.indexOf(':', a + 1);
    if (b < 0) continue;
    const id = Number(line.slice(0, a));
    if (!Number.isInteger(id)) continue;
    const ctl = line.slice(a + 1, b);
    out.push({ hierarchyId: id, controllers: ctl ? ctl.split(',') : [], path: line.slice(b + 1) });
  }
  return out;
}

/**
 * libvirt puts the QEMU main thread in an `emulator` child (and vCPU threads in
 * `vcpuN`, iothreads in `iothreadN`); with systemd on v2 these sit under an
 * extra `libvirt` directory of the machine scope. The VM's own cgroup, whose
 * counters include every thread, is the one above them.
 */
export function vmCgroupDir(path: string): string {
  const stripped = path.replace(/\/(emulator|vcpu\d+|iothread\d+)$/, '').replace(/\/libvirt$/, '');
  return stripped === '' ? '/' : stripped;
}

/** Maps a cgroup path to a file path through the mount whose root contains it. */
function fileIn(m: CgroupMount, cgPath: string, file: string): string | undefined {
  const root = m.root === '/' ? '' : m.root;
  if (root && cgPath !== root && !cgPath.startsWith(root + '/')) return undefined;
  const rel = cgPath.slice(root.length);
  return `${m.mountPoint}${rel === '/' ? '' : rel}/${file}`;
}

/** A VM is in a cgroup of its own only below the root; "/" means libvirt didn't place it. */
const own = (p: string | undefined): p is string => p !== undefined && p !== '/';

export function resolveVmFiles(mounts: readonly CgroupMount[], lines: readonly ProcCgroupLine[]): VmCgroupFiles {
  const v1 = (ctl: string) => {
    const line = lines.find((l) => l.hierarchyId !== 0 && l.controllers.includes(ctl));
    const mount = mounts.find((m) => m.version === 1 && m.controllers.includes(ctl));
    return line && mount ? { dir: vmCgroupDir(line.path), mount } : undefined;
  };
  const unifiedLine = lines.find((l) => l.hierarchyId === 0 && l.controllers.length === 0);
  const unifiedMount = mounts.find((m) => m.version === 2);
  const v2 = unifiedLine && unifiedMount ? { dir: vmCgroupDir(unifiedLine.path), mount: unifiedMount } : undefined;
  const hasV1 = mounts.some((m) => m.version === 1 && m.controllers.length > 0);

  const out: VmCgroupFiles = { layout: hasV1 ? 'v1' : 'v2' };
  const acct = v1('cpuacct');
  if (acct && own(acct.dir)) {
    const path = fileIn(acct.mount, acct.dir, 'cpuacct.usage');
    if (path) out.cpu = { path, unit: 'ns' };
  } else if (v2 && own(v2.dir)) {
    // cpu.stat exists in every v2 cgroup, controller enabled or not, and starts with usage_usec.
    const path = fileIn(v2.mount, v2.dir, 'cpu.stat');
    if (path) {
      out.cpu = { path, unit: 'usec' };
      if (hasV1) out.layout = 'mixed';
    }
  }
  const mem = v1('memory');
  if (mem && own(mem.dir)) {
    const stat = fileIn(mem.mount, mem.dir, 'memory.stat');
    if (stat) out.memory = { version: 1, stat };
  } else if (v2 && own(v2.dir)) {
    const current = fileIn(v2.mount, v2.dir, 'memory.current');
    const stat = fileIn(v2.mount, v2.dir, 'memory.stat');
    if (current && stat) out.memory = { version: 2, current, stat };
  }
  return out;
}
