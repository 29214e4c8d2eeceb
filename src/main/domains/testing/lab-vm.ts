import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { harness, inHost, REPO, waitForLab, type Harness, type LabHost } from '../../hosts/lab-harness';
import { P } from '../../libvirt/rpc/procedures/index';
import type { RpcStream } from '../../libvirt/rpc/stream';
import { LibvirtSessions } from '../../libvirt/sessions';
import { TaskManager } from '../../tasks/manager';
import { silentLogger } from '../../util/log';

// Shared by the VM settings lab tests: a connected lab host, throwaway guests
// made from the lab's own template, and a shell on a guest's serial console
// (the RPC console stream) to check what the guest itself sees.

export interface LabCtx {
  h: Harness;
  host: LabHost;
  hostId: string;
  sessions: LibvirtSessions;
  tasks: TaskManager;
  created: string[];
  /** Disk files defineGuest made: a snapshot or clone may leave them outside the definition. */
  disks: string[];
  dispose(): Promise<void>;
}

export async function labCtx(): Promise<LabCtx> {
  const lab = await waitForLab();
  const host = lab.hosts[0]!;
  const h = await harness({ knownHostsLines: lab.hosts.map((x) => `${x.ip} ${x.hostKey}`) });
  const sessions = new LibvirtSessions(silentLogger);
  h.registry.addAttachment((id, t, signal, ctx) => sessions.attach(id, t, signal, (r) => ctx.drop(r)));
  const added = await h.registry.add({
    name: 'settings',
    target: { transport: 'ssh', hostname: host.ip, port: host.port, user: 'root', identityFiles: [lab.ssh.key], jumpHosts: [], libvirtPath: 'system' },
    tags: [],
    autoConnect: false,
  });
  const hostId = added.config.id;
  const st = await h.registry.connect(hostId);
  if (st.status !== 'connected') throw new Error(`lab host not connected: ${JSON.stringify(st)}`);
  const tasks = new TaskManager({ configDir: path.join(h.dir, 'tasks'), bus: h.bus, log: silentLogger, progressIntervalMs: 50 });
  const created: string[] = [];
  const disks: string[] = [];
  return {
    h,
    host,
    hostId,
    sessions,
    tasks,
    created,
    disks,
    async dispose() {
      for (const uuid of created) {
        await inHost(host, ['virsh', 'destroy', uuid]).catch(() => {});
        await inHost(host, ['virsh', 'undefine', '--nvram', '--snapshots-metadata', '--remove-all-storage', uuid]).catch(() => {});
      }
      // An external snapshot's base stays when the undefine removes the overlay it runs on.
      if (disks.length) await inHost(host, ['rm', '-f', '--', ...disks]).catch(() => {});
      await tasks.dispose();
      await h.dispose();
    },
  };
}

export interface GuestOptions {
  name: string;
  /** Replace parts of the lab template (a regexp and its replacement) before defining. */
  edit?: (xml: string) => string;
  diskFormat?: 'qcow2' | 'raw';
  diskSize?: string;
}

/** Defines a guest from e2e/lab/guest-xml.sh with its own disk; returns its uuid and disk path. */
export async function defineGuest(ctx: LabCtx, o: GuestOptions): Promise<{ uuid: string; disk: string }> {
  const fmt = o.diskFormat ?? 'qcow2';
  const disk = `/var/lib/libvirt/images/${o.name.replace(/[^A-Za-z0-9_-]/g, '_')}.${fmt}`;
  await inHost(ctx.host, ['qemu-img', 'create', '-q', '-f', fmt, disk, o.diskSize ?? '64M']);
  let xml = execFileSync('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), o.name, disk]).toString();
  if (fmt === 'raw') xml = xml.replace("type='qcow2'", "type='raw'");
  if (o.edit) xml = o.edit(xml);
  const dom = await ctx.sessions.client(ctx.hostId).call(P.DOMAIN_DEFINE_XML_FLAGS, { xml, flags: 1 });
  ctx.created.push(dom.uuid);
  ctx.disks.push(disk);
  await inHost(ctx.host, ['virsh', 'pool-refresh', 'default']).catch(() => {});
  return { uuid: dom.uuid, disk };
}

export const virsh = (ctx: LabCtx, ...args: string[]) => inHost(ctx.host, ['virsh', ...args]);

/** A fixed script in the lab host (data as arguments), with a deadline for slow work such as filling a disk. */
export function hostScript(ctx: LabCtx, script: string, args: string[], timeoutMs = 120_000): string {
  return execFileSync('bash', [path.join(REPO, 'e2e/lab/lab.sh'), 'in', ctx.host.name, 'sh', '-c', script, 'sh', ...args], { timeout: timeoutMs }).toString();
}

/** A shell on the guest's serial console, over the RPC console stream. */
/** A kernel log line as printed on the console: "[    3.711567] IPv6: ...". */
const KERNEL_LINE = /\[\s*\d+\.\d{6}\][^\r\n]*(\r?\n)?/g;

export class GuestShell {
  private buf = '';
  private n = 0;
  private constructor(private readonly stream: RpcStream) {
    stream.on('data', (d: Buffer) => (this.buf += d.toString('utf8')));
    stream.on('error', () => {});
  }

  static async open(ctx: LabCtx, uuid: string, readyMs = 90_000): Promise<GuestShell> {
    const c = ctx.sessions.client(ctx.hostId);
    const dom = await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid });
    const stream = await c.openStream(P.DOMAIN_OPEN_CONSOLE, { dom, dev_name: null, flags: 1 /* FORCE */ }, { finishTimeoutMs: 3000 });
    const sh = new GuestShell(stream);
    // The banner may have scrolled by before we attached: ask the shell until it answers.
    const deadline = Date.now() + readyMs;
    for (;;) {
      try {
        await sh.run('true', 3000);
        // Kernel messages (e.g. "eth0: link becomes ready") share the serial line with the shell;
        // keep them off it so they cannot land inside a command's output.
        await sh.run('dmesg -n 1 2>/dev/null', 3000);
        return sh;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`guest shell did not answer: ${String(e)}; console said: ${sh.buf.slice(-400)}`);
      }
    }
  }

  /** Runs a command, returns its output (the echoed command line and prompt removed). */
  async run(cmd: string, timeoutMs = 20_000): Promise<string> {
    const n = ++this.n;
    // The marker is computed by the shell, so the echo of the command line never matches it.
    const marker = `@@${n * 7}@@`;
    const start = this.buf.length;
    this.stream.write(`${cmd}; echo "@@$((${n}*7))@@"\n`);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const i = this.buf.indexOf(marker, start);
      if (i >= 0) {
        // Drop the echo of the command line (it holds the unevaluated marker), wherever it landed.
        const echo = `@@$((${n}*7))@@`;
        // Printk lines that came before `dmesg -n 1` took effect are not the command's output.
        const lines = this.buf
          .slice(start, i)
          .replace(KERNEL_LINE, '')
          .split(/\r?\n/);
        const at = lines.findIndex((l) => l.includes(echo));
        return (at >= 0 ? lines.slice(at + 1) : lines.slice(1)).join('\n').trim();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no answer to "${cmd}" within ${timeoutMs} ms`);
  }

  /** Re-runs `cmd` until `pred` holds on its output (state that settles in the guest, e.g. a hot-added CPU). */
  async until(cmd: string, pred: (out: string) => boolean, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = await this.run(cmd);
      if (pred(last)) return last;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`"${cmd}" never satisfied the condition; last output: ${last}`);
  }

  close(): void {
    if (!this.stream.destroyed) this.stream.end();
  }
}
