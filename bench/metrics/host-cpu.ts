// Host CPU accounting for the metrics bench: every process that works because
// we sample (the sampler itself, the sshd session that carries its output
// and the libvirt channel, virt-ssh-helper relaying libvirt's replies,
// libvirtd answering the stats call, QEMU answering libvirtd's QMP queries),
// read from /proc/<pid>/stat on the host before and after a phase.
import type { HostTransport } from '../../src/main/hosts/transport';

/** utime+stime+cutime+cstime in seconds, from a /proc/<pid>/stat line (comm may hold spaces). */
export function procCpu(statLine: string, hz = 100): { cpu: number; ppid: number } {
  const f = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i]);
  return { cpu: (n(11) + n(12) + n(13) + n(14)) / hz, ppid: n(1) };
}

/** Who we account for on the host. */
export interface Accounted {
  sampler: number[];
  sshd: number[];
  helper: number[];
  libvirtd: number[];
  qemu: number[];
}
export type Role = keyof Accounted;
export const ROLES: Role[] = ['sampler', 'sshd', 'helper', 'libvirtd', 'qemu'];

/**
 * Finds the processes: the sampler's pid (it told us), its parent (the sshd
 * process of our one SSH connection), the virt-ssh-helper children of that
 * sshd, libvirtd, and the QEMU of every VM whose pidfile matches `vmPrefix`.
 */
export async function findProcesses(t: HostTransport, samplerPid: number, vmPrefix: string): Promise<Accounted> {
  const ppid = procCpu((await t.exec(['cat', `/proc/${samplerPid}/stat`])).stdout.toString()).ppid;
  // virt-ssh-helper runs under the login shell that sshd started for the libvirt channel: a grandchild.
  // Pidfiles end without a newline: read fails at EOF but still fills the variable.
  const script = `ps -e -o pid=,ppid=,comm= >/tmp/.vd-bench-ps.$$
while read -r pid pp comm; do
  [ "$comm" = libvirtd ] && echo "L $pid"
  [ "$comm" = virt-ssh-helper ] || continue
  gp=$(awk -v p="$pp" '$1 == p { print $2 }' /tmp/.vd-bench-ps.$$)
  [ "$pp" = "$1" ] || [ "$gp" = "$1" ] && echo "H $pid"
done </tmp/.vd-bench-ps.$$
rm -f /tmp/.vd-bench-ps.$$
for f in /run/libvirt/qemu/"$2"*.pid; do p=''; read -r p <"$f"; [ -n "$p" ] && echo "Q $p"; done`;
  const out = (await t.exec(['sh', '-c', script, 'sh', String(ppid), vmPrefix])).stdout.toString();
  const pick = (tag: string) => out.split('\n').filter((l) => l.startsWith(`${tag} `)).map((l) => Number(l.slice(2)));
  const who = { sampler: [samplerPid], sshd: [ppid], helper: pick('H'), libvirtd: pick('L'), qemu: pick('Q') };
  for (const role of ROLES) if (!who[role].length) throw new Error(`bench: found no ${role} process on the host`);
  return who;
}

/** CPU seconds used so far per role (sum over its processes; a process gone counts 0). */
export async function cpuByRole(t: HostTransport, who: Accounted): Promise<Record<Role, number>> {
  const all = ROLES.flatMap((r) => who[r]);
  const r = await t.exec(['sh', '-c', 'for p in "$@"; do if read -r l </proc/$p/stat; then echo "$p $l"; else echo "$p -"; fi; done 2>/dev/null', 'sh', ...all.map(String)]);
  const byPid = new Map<number, number>();
  for (const line of r.stdout.toString().trim().split('\n')) {
    const sp = line.indexOf(' ');
    const rest = line.slice(sp + 1);
    byPid.set(Number(line.slice(0, sp)), rest === '-' ? 0 : procCpu(rest).cpu);
  }
  const out = {} as Record<Role, number>;
  for (const role of ROLES) out[role] = who[role].reduce((a, p) => a + (byPid.get(p) ?? 0), 0);
  return out;
}

export const minus = (a: Record<Role, number>, b: Record<Role, number>): Record<Role, number> =>
  Object.fromEntries(ROLES.map((r) => [r, a[r] - b[r]])) as Record<Role, number>;

/**
 * Only libvirtd and QEMU work without us (timers, the lab guests' events): their
 * idle burn over the same time is taken off. The sampler, our sshd session and
 * virt-ssh-helper exist only for us, so everything they burn counts, keepalives
 * and the bench's own readings included (this errs on the high side).
 */
const SHARED: Role[] = ['libvirtd', 'qemu'];
export const beyondIdle = (phase: Record<Role, number>, seconds: number, idle: Record<Role, number>, idleSeconds: number): Record<Role, number> =>
  Object.fromEntries(ROLES.map((r) => [r, SHARED.includes(r) ? Math.max(0, phase[r] - (idle[r] * seconds) / idleSeconds) : phase[r]])) as Record<Role, number>;
