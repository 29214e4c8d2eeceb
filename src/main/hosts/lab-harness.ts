import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { HostState, Prompt } from '../../shared/model/host';
import { EventBus, type BusMessage } from '../ipc/bus';
import { silentLogger } from '../util/log';
import { HostRegistry, type HostRegistryOptions } from './registry';
import { MemorySecretStore } from './secrets';
import type { LibvirtSessions } from '../libvirt/sessions';

// Shared by the *.lab.test.ts files: reads .lab/lab.json (written by
// e2e/lab/lab.sh), builds registries in throwaway directories, and waits on
// events with deadlines instead of sleeping.

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const LAB_JSON = process.env.VIRTDECK_LAB_JSON ?? path.join(REPO, '.lab', 'lab.json');

export interface LabHost {
  name: string;
  ip: string;
  port: number;
  pid: number;
  hostKey: string;
  fingerprint: string;
  /** Baseline guests the lab defines on this host (`<name>-off` stays shut off). */
  guests: string[];
  /** The baseline guests the lab keeps running. */
  running: string[];
}
export interface LabUser {
  auth: 'password';
  password: string;
  groups: string[];
  /** The login shell when it is not bash (vdfish: /usr/bin/fish). */
  shell?: string;
}
export interface Lab {
  netns: string;
  subnet: string;
  gateway: string;
  ssh: { key: string; knownHosts: string; config: string };
  /** Lab users other than root log in by password (e2e/lab/config.sh ensure_lab_users). */
  users: { helpdesk: LabUser } & Partial<Record<string, LabUser>>;
  hosts: LabHost[];
}

/** True when the lab subnet is on one of our own interfaces (we run inside the lab netns). */
function insideLabNetns(lab: Lab): boolean {
  const prefix = lab.subnet.split('/')[0]!.split('.').slice(0, 3).join('.');
  return Object.values(os.networkInterfaces())
    .flat()
    .some((a) => a?.family === 'IPv4' && a.address.startsWith(`${prefix}.`));
}

/**
 * The lab, or a failure that says how to get one: a lab test never skips and
 * never runs outside the lab's network namespace (its packets must stay in the
 * lab). VIRTDECK_LAB_WAIT_MS lets a run wait for a lab another shell is still
 * bringing up; by default a missing lab fails at once.
 */
export async function waitForLab(timeoutMs = Number(process.env.VIRTDECK_LAB_WAIT_MS ?? 0)): Promise<Lab> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(LAB_JSON)) {
    if (Date.now() >= deadline) throw new Error(`no lab: ${LAB_JSON} is missing (start it with npm run lab)`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const lab = JSON.parse(readFileSync(LAB_JSON, 'utf8')) as Lab;
  if (!insideLabNetns(lab)) throw new Error(`not inside the lab's network namespace: run under ip netns exec ${lab.netns} (see e2e/run.sh)`);
  return lab;
}

/** Runs argv inside a lab host's namespaces (no ssh), via the lab's own script. */
export async function inHost(host: LabHost, argv: string[]): Promise<string> {
  const { stdout } = await run('bash', [path.join(REPO, 'e2e/lab/lab.sh'), 'in', host.name, ...argv], { timeout: 20_000 });
  return stdout;
}

export interface Harness {
  dir: string;
  registry: HostRegistry;
  bus: EventBus;
  events: BusMessage[];
  knownHosts: string;
  secrets: MemorySecretStore;
  /** Resolves with the first state of `hostId` that satisfies `pred` (current one included). */
  waitState(hostId: string, pred: (s: HostState) => boolean, timeoutMs?: number): Promise<HostState>;
  waitPrompt(timeoutMs?: number): Promise<Prompt>;
  dispose(): Promise<void>;
}

export async function harness(opts: { knownHostsLines?: string[]; sshConfig?: string; extra?: Partial<HostRegistryOptions> } = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-lab-'));
  const knownHosts = path.join(dir, 'home', '.ssh', 'known_hosts');
  const sshConfig = opts.sshConfig ?? path.join(dir, 'no-ssh-config');
  const bus = new EventBus();
  const events: BusMessage[] = [];
  const unsub = bus.subscribe((m) => events.push(m));
  const secrets = new MemorySecretStore();
  const registry = new HostRegistry({
    configDir: path.join(dir, 'config'),
    sshConfigPath: sshConfig,
    knownHostsPaths: [knownHosts],
    secretStore: secrets,
    bus,
    log: silentLogger,
    localSocketPath: path.join(dir, 'no-libvirt-sock'),
    home: path.join(dir, 'home'), // no default keys, no stray config
    agent: null,
    ...opts.extra,
  });
  if (opts.knownHostsLines) {
    await run('mkdir', ['-p', path.dirname(knownHosts)]);
    writeFileSync(knownHosts, opts.knownHostsLines.join('\n') + '\n');
  }
  await registry.start();

  const waitState: Harness['waitState'] = (hostId, pred, timeoutMs = 20_000) =>
    new Promise((resolve, reject) => {
      const now = registry.state(hostId);
      if (pred(now)) return resolve(now);
      const timer = setTimeout(() => {
        off();
        reject(new Error(`${hostId}: no matching state within ${timeoutMs} ms (last: ${JSON.stringify(registry.state(hostId))})`));
      }, timeoutMs);
      const off = registry.onStateChange((s) => {
        if (s.hostId !== hostId || !pred(s)) return;
        clearTimeout(timer);
        off();
        resolve(s);
      });
    });

  const waitPrompt: Harness['waitPrompt'] = (timeoutMs = 20_000) =>
    new Promise((resolve, reject) => {
      const pending = registry.listPrompts()[0];
      if (pending) return resolve(pending);
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no prompt within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = bus.subscribe((m) => {
        if (m.name !== 'host.promptRequested') return;
        clearTimeout(timer);
        off();
        resolve(m.payload as Prompt);
      });
    });

  return {
    dir,
    registry,
    bus,
    events,
    knownHosts,
    secrets,
    waitState,
    waitPrompt,
    async dispose() {
      await registry.dispose();
      unsub();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Node's own count of live handles by kind (sockets, timers, processes). */
export function activeResources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/** Polls until live sockets and timers are back to `baseline` (closing takes a round trip). */
export async function waitForNoLeaks(baseline: Record<string, number>, timeoutMs = 5000): Promise<Record<string, number>> {
  const kinds = ['TCPSocketWrap', 'TCPWRAP', 'PipeWrap', 'Timeout', 'ProcessWrap'];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = activeResources();
    const extra = kinds.filter((k) => (now[k] ?? 0) > (baseline[k] ?? 0));
    if (extra.length === 0 || Date.now() > deadline) return now;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Adds a lab host as root (by the lab's key) with libvirt sessions attached,
 * connects it and returns its id; throws with the host's reason if it won't.
 */
export async function connectLabRoot(h: Harness, lab: Lab, host: LabHost, sessions: Pick<LibvirtSessions, 'attach'>, name: string): Promise<string> {
  h.registry.addAttachment((id, t, signal, ctx) => sessions.attach(id, t, signal, (r) => ctx.drop(r)));
  const added = await h.registry.add({
    name,
    target: { transport: 'ssh', hostname: host.ip, port: host.port, user: 'root', identityFiles: [lab.ssh.key], jumpHosts: [], libvirtPath: 'system' },
    tags: [],
    autoConnect: false,
  });
  const state = await h.registry.connect(added.config.id);
  if (state.status !== 'connected') throw new Error(`${host.name} did not connect: ${state.status} ${state.reason ?? ''}`);
  return added.config.id;
}
