import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { harness, inHost, REPO, waitForLab, type Harness, type Lab, type LabHost } from '../hosts/lab-harness';
import { P } from '../libvirt/rpc/procedures/index';
import type { DomainRef } from '../libvirt/rpc/types';
import type { LibvirtSessions } from '../libvirt/sessions';

// Shared by the migration *.lab.test.ts files: hosts connected through a real
// registry, guests that print a counter on their serial console, the lab's
// firewall between hosts. Everything is read from .lab/lab.json.

const run = promisify(execFile);

export interface MigLabHost extends LabHost {
  serialLogDir: string;
}
export interface MigLab extends Lab {
  imagesDir: string;
  banner?: string;
  hosts: MigLabHost[];
}

export async function readMigLab(): Promise<MigLab> {
  const lab = (await waitForLab()) as MigLab;
  if (lab.hosts.length < 2) throw new Error('migration tests need a lab with at least 2 hosts: bash e2e/lab/lab.sh up 3');
  return lab;
}

/** Connects every lab host (or the first n) in the harness's registry; returns their ids in lab order. */
export async function connectLabHosts(h: Harness, lab: MigLab, n = lab.hosts.length): Promise<string[]> {
  const ids: string[] = [];
  for (const host of lab.hosts.slice(0, n)) {
    const added = await h.registry.add({
      name: host.name,
      target: { transport: 'ssh', hostname: host.ip, port: host.port, user: 'root', identityFiles: [lab.ssh.key], jumpHosts: [], libvirtPath: 'system' },
      tags: [],
      autoConnect: false,
    });
    const st = await h.registry.connect(added.config.id);
    if (st.status !== 'connected') throw new Error(`${host.name}: ${st.status} ${st.reason ?? ''}`);
    ids.push(added.config.id);
  }
  return ids;
}

export async function labHarness(lab: MigLab): Promise<Harness> {
  return harness({ knownHostsLines: lab.hosts.map((x) => `${x.ip} ${x.hostKey}`) });
}

export const LAB_SH = path.join(REPO, 'e2e/lab/lab.sh');

/** The lab's firewall rule between two hosts (iptables in each host's netns). */
export async function blockHosts(a: LabHost, b: LabHost): Promise<void> {
  await run('bash', [LAB_SH, 'block', a.name, b.name], { timeout: 30_000 });
}
export async function unblockHosts(a: LabHost, b: LabHost): Promise<void> {
  await run('bash', [LAB_SH, 'unblock', a.name, b.name], { timeout: 30_000 });
}

export interface GuestSpec {
  name: string;
  /** 'local': the host's own /var/lib/libvirt/images; 'shared': the lab's images dir every host sees. */
  disk: 'local' | 'shared' | 'none';
  network?: string;
  memoryMiB?: number;
}

/** Creates the disk and defines the guest from the lab's template; returns its libvirt ref. */
export async function defineGuest(sessions: LibvirtSessions, hostId: string, host: LabHost, lab: MigLab, g: GuestSpec): Promise<{ dom: DomainRef; disk?: string }> {
  const dir = g.disk === 'shared' ? lab.imagesDir : '/var/lib/libvirt/images';
  const disk = g.disk === 'none' ? undefined : `${dir}/${g.name}.qcow2`;
  if (disk) await inHost(host, ['qemu-img', 'create', '-q', '-f', 'qcow2', disk, '64M']);
  const env = { ...process.env, LAB_GUEST_NETWORK: g.network ?? 'default', LAB_GUEST_MEMORY_MIB: String(g.memoryMiB ?? 96) };
  let { stdout: xml } = await run('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), g.name, disk ?? '/nonexistent'], { env });
  if (!disk) xml = xml.replace(/<disk[\s\S]*?<\/disk>\s*/, '');
  const dom = await sessions.client(hostId).call(P.DOMAIN_DEFINE_XML, { xml });
  if (disk) await refreshPool(sessions, hostId);
  return { dom, disk };
}

async function refreshPool(sessions: LibvirtSessions, hostId: string): Promise<void> {
  const c = sessions.client(hostId);
  const pool = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: 'default' });
  await c.call(P.STORAGE_POOL_REFRESH, { pool, flags: 0 });
}

export function serialLog(host: MigLabHost, name: string): string {
  const f = path.join(host.serialLogDir, `${name}-serial.log`);
  return existsSync(f) ? readFileSync(f, 'latin1') : '';
}

const COUNTER_RE = /VDCOUNT (\d+)/g;

/** Counter values the guest printed on this host's serial log (libvirt truncates it when QEMU starts there). */
export function counters(host: MigLabHost, name: string): number[] {
  return [...serialLog(host, name).matchAll(COUNTER_RE)].map((m) => Number(m[1]));
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Starts the guest and makes it print `VDCOUNT <n>` on its serial console
 * every 100 ms: the loop is typed into the guest's serial shell through
 * libvirt's console stream, the way a person would.
 */
export async function startCounter(sessions: LibvirtSessions, hostId: string, host: MigLabHost, dom: DomainRef, lab: MigLab): Promise<void> {
  const c = sessions.client(hostId);
  await c.call(P.DOMAIN_CREATE, { dom });
  await waitFor(`${dom.name} to boot on ${host.name}`, () => serialLog(host, dom.name).includes(lab.banner ?? 'VIRTDECK-GUEST READY'), 120_000, 200);
  const stream = await c.openStream(P.DOMAIN_OPEN_CONSOLE, { dom, dev_name: null, flags: 1 }, { finishTimeoutMs: 5000 });
  stream.resume(); // we only type; what the console echoes goes to the log anyway
  stream.on('error', () => undefined);
  // A newline first: the shell may still be printing its prompt. `sleep 0.1` is busybox's fractional sleep.
  stream.write('\ni=0; while :; do i=$((i+1)); echo "VDCOUNT $i"; sleep 0.1; done &\n');
  await waitFor(`${dom.name} to count`, () => counters(host, dom.name).length >= 3, 60_000, 100);
  stream.end();
}

/** Whether the numbers only ever go up by small steps (a restart would jump back to 1). */
export function neverRestarts(seq: readonly number[]): boolean {
  for (let i = 1; i < seq.length; i++) if (seq[i]! <= seq[i - 1]!) return false;
  return true;
}

export async function cleanupGuest(host: LabHost, name: string, disk?: string): Promise<void> {
  await inHost(host, ['virsh', 'destroy', name]).catch(() => {});
  await inHost(host, ['virsh', 'undefine', name]).catch(() => {});
  if (disk) await inHost(host, ['rm', '-f', disk]).catch(() => {});
}

export { inHost, type Harness, type LabHost };

/** A counting guest, defined and started on `host`; `before` is what it has counted there so far. */
export async function countingGuest(sessions: LibvirtSessions, hostId: string, host: MigLabHost, lab: MigLab, g: GuestSpec): Promise<{ dom: DomainRef; disk?: string; before: number[] }> {
  const { dom, disk } = await defineGuest(sessions, hostId, host, lab, g);
  await startCounter(sessions, hostId, host, dom, lab);
  return { dom, ...(disk ? { disk } : {}), before: counters(host, g.name) };
}
