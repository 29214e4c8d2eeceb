// Remote commands under a non-POSIX login shell (issue 8 item 6). sshd hands
// every exec request to the user's login shell; the lab's `vdfish` logs in to
// fish. VMs with hostile names run while the metrics sampler, cgroup discovery,
// the libvirt helper, consoles and plain exec all work for that user, and
// nothing the names spell out is ever executed on the host.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VM_METRICS } from '../../shared/model/metrics';
import { createConsoles, type Consoles } from '../consoles/index';
import { EventBus } from '../ipc/bus';
import { P } from '../libvirt/rpc/procedures/index';
import type { DomainRef } from '../libvirt/rpc/types';
import { LibvirtSessions } from '../libvirt/sessions';
import { MetricsService } from '../metrics/service';
import { DisposableStore } from '../util/disposable';
import { silentLogger } from '../util/log';
import { harness, inHost, REPO, waitForLab, type Harness, type Lab, type LabHost } from './lab-harness';
import { secretKeys } from './secrets';
import type { CallContext } from '../ipc/registry';

const run = promisify(execFile);
const USER = 'vdfish';
const tag = `${process.pid}`;
// libvirt refuses only '/' in names. Each of these runs `touch pwned…` in the
// session's cwd ($HOME) if any shell on the way parses it as code: the first
// is the issue's own example (POSIX quoting turns \' into an escape in fish),
// the others are fish's command substitution, POSIX's, and plain separators.
const NAMES = [
  `x\\'; touch pwned1; echo \\' ${tag}`,
  `(touch pwned2) $(touch pwned3) \`touch pwned4\` ${tag}`,
  `"; touch pwned5; echo " ; touch pwned6 # ü-虚拟机 ${tag}`,
];

let lab: Lab;
let h1: LabHost;
let t: Harness;
let sessions: LibvirtSessions;
let metrics: MetricsService;
let consoles: Consoles;
let hostId: string;
let configDir: string;
let home: string;
const doms: DomainRef[] = [];

/**
 * Everything under the user's home with sizes and mtimes, as root sees it (no
 * ssh). Fish's own state (history of the interactive shell console, universal
 * variables) is left out: fish writes it by design.
 */
const homeListing = async () =>
  (await inHost(h1, ['find', home, '(', '-path', `${home}/.local/share/fish`, '-o', '-path', `${home}/.config/fish`, ')', '-prune', '-o', '-printf', '%P %s %T@\\n']))
    .split('\n')
    .sort()
    .join('\n');
/** Any file named pwned* where the injected commands would have created it. */
const pwnedFiles = async () =>
  (await inHost(h1, ['find', home, '/tmp', '/root', '/', '-maxdepth', '1', '-name', 'pwned*'])).trim();

async function waitFor<T>(get: () => Promise<T | undefined | false> | T | undefined | false, what: string | (() => string), timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A console WebSocket that keeps what it received; `until` waits on it, typing `send` again each second. */
async function consoleClient(url: string) {
  const ws = new WebSocket(url);
  let text = '';
  ws.on('message', (d: Buffer, binary) => binary && (text += d.toString('latin1')));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    async until(pred: (text: string) => boolean, send?: string): Promise<string> {
      const typer = send ? setInterval(() => ws.send(Buffer.from(send)), 1000) : undefined;
      if (send) ws.send(Buffer.from(send));
      try {
        // Generous: a TCG guest on a busy machine can take a minute to reach its shell.
        return await waitFor(() => pred(text) && text, () => `console output (got ${JSON.stringify(text.slice(-160))})`, 90_000);
      } finally {
        clearInterval(typer);
      }
    },
  };
}

beforeAll(async () => {
  lab = await waitForLab();
  h1 = lab.hosts[0]!;
  const user = lab.users[USER];
  if (!user) throw new Error(`lab.json has no user ${USER}: re-run npm run lab (e2e/lab/config.sh ensure_lab_users)`);
  home = (await inHost(h1, ['getent', 'passwd', USER])).split(':')[5]!;
  t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`] });
  await t.secrets.set(secretKeys.password(USER, h1.ip, 22), user.password);
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-fish-lab-'));
  sessions = new LibvirtSessions(silentLogger);
  metrics = new MetricsService({ configDir, bus: new EventBus(), log: silentLogger });
  sessions.addHook(metrics.sessionHook);
  t.registry.addAttachment((id, tr, signal, ctx) => sessions.attach(id, tr, signal, (why) => ctx.drop(why)));
  consoles = await createConsoles({ hosts: { libvirt: (id) => sessions.client(id), transport: (id) => t.registry.transport(id) }, log: silentLogger, ownListener: true });
  const host = await t.registry.add({ name: 'fish user', target: { transport: 'ssh', hostname: h1.ip, user: USER } });
  hostId = host.config.id;
  await t.waitState(hostId, (s) => s.status === 'connected', 30_000);
});

afterAll(async () => {
  const c = sessions && hostId ? sessions.client(hostId) : undefined;
  for (const dom of doms) {
    await c?.call(P.DOMAIN_DESTROY_FLAGS, { dom, flags: 0 }).catch(() => undefined);
    await c?.call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: 0 }).catch(() => undefined);
  }
  await consoles?.dispose();
  metrics?.dispose();
  await t?.dispose();
  if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
  // Never leave a marker behind for the next run to trip over.
  if (h1 && home) await inHost(h1, ['sh', '-c', 'rm -f "$1"/pwned* /tmp/pwned* /root/pwned* /pwned*', 'sh', home]).catch(() => undefined);
});

describe(`remote commands for a user whose login shell is fish`, () => {
  it('the login shell really is fish', async () => {
    const r = await t.registry.transport(hostId).exec(['sh', '-c', 'getent passwd "$(id -un)"']);
    expect(r.stdout.toString().trim().split(':').at(-1)).toBe('/usr/bin/fish');
  });

  it('hostile VM names stay data while VMs start, metrics sample and consoles run', { timeout: 300_000 }, async () => {
    const tr = t.registry.transport(hostId);
    // A first exec lets fish make whatever it keeps in $HOME before the snapshot.
    await tr.exec(['true']);
    const before = await homeListing();
    expect(await pwnedFiles()).toBe('');

    // Plain exec, with and without the cancellable (pid-reporting) path.
    for (const name of NAMES) {
      expect((await tr.exec(['printf', '%s', name])).stdout.toString()).toBe(name);
      expect((await tr.exec(['printf', '%s', name], { timeoutMs: 10_000 })).stdout.toString()).toBe(name);
    }

    const c = sessions.client(hostId);
    for (const name of NAMES) {
      // Diskless: the initramfs is the whole guest, so nothing else is named after it.
      const xml = (await run('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), name])).stdout.replace(/<disk[\s\S]*?<\/disk>/, '');
      const dom = await c.call(P.DOMAIN_DEFINE_XML, { xml });
      doms.push(dom);
      expect(dom.name).toBe(name);
    }
    // Metrics and a console (a host shell: fish itself) run while they start;
    // cgroup discovery gets their pidfile paths as arguments.
    const ctx = { connectionId: 'fish', disposables: new DisposableStore() };
    metrics.subscribe(ctx, doms.map((d) => ({ kind: 'vm' as const, hostId, uuid: d.uuid })));
    const ctxNone = { connectionId: 'lab-test', disposables: new DisposableStore() } satisfies CallContext;
    const shell = await consoleClient((await consoles.handlers['consoles.openShell']({ hostId, cols: 80, rows: 24 }, ctxNone)).url);
    await shell.until((x) => x.includes('shell-is-fish-3'), 'echo shell-is-fish-(math 1 + 2)\n');
    for (const dom of doms) await c.call(P.DOMAIN_CREATE_WITH_FLAGS, { dom, flags: 0 });
    const mem = VM_METRICS.indexOf('mem');
    // Memory comes only from the VM's cgroup, which only discovery finds.
    await waitFor(async () => {
      const s = await metrics.sampleNow(hostId, true);
      return s && NAMES.every((n) => (s.vms.find((v) => v.name === n)?.v[mem] ?? 0) > 0);
    }, 'every hostile VM sampled from its cgroup', 90_000);

    // The VMs' own consoles: VNC through a forward, the serial console through libvirt.
    const vnc = await consoleClient((await consoles.handlers['consoles.openVnc']({ hostId, uuid: doms[0]!.uuid }, ctxNone)).url);
    expect(await vnc.until((x) => x.startsWith('RFB '))).toMatch(/^RFB 003\.008/);
    const serial = await consoleClient((await consoles.handlers['consoles.openSerial']({ hostId, uuid: doms[1]!.uuid, force: true }, ctxNone)).url);
    const n = Math.floor(Math.random() * 1e6);
    await serial.until((x) => x.includes(`fish-${n + 1}`), `\recho fish-$((${n}+1))\r`);
    // The shell console stayed up through it all.
    await shell.until((x) => x.includes('still-fish-7'), 'echo still-fish-(math 3 + 4)\n');
    for (const cl of [vnc, serial, shell]) cl.ws.close();
    ctx.disposables.dispose();

    expect(await pwnedFiles()).toBe('');
    expect(await homeListing()).toBe(before);
  });
});
