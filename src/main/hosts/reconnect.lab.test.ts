import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostState } from '../../shared/model/host';
import { harness, inHost, waitForLab, type Harness, type Lab, type LabHost } from './lab-harness';

// Kill the host's sshd under a live connection and bring it back the way the
// lab's init script started it (e2e/lab/host-init.sh). Only the listener and
// the sshd processes of OUR connection are killed, so colleagues' sessions on
// the same lab host survive; new logins are refused for a second or two.

const SSHD = ['/usr/sbin/sshd', '-E', '/var/log/libvirt/sshd.log'];

let lab: Lab;
let h2: LabHost;
let t: Harness;

async function sshdRunning(): Promise<boolean> {
  const out = await inHost(h2, ['sh', '-c', 'test -s /run/sshd.pid && kill -0 "$(cat /run/sshd.pid)" 2>/dev/null && echo up || echo down']);
  return out.trim() === 'up';
}

beforeAll(async () => {
  lab = await waitForLab();
  h2 = lab.hosts[1]!;
  t = await harness({ knownHostsLines: [`${h2.ip} ${h2.hostKey}`] });
});

afterAll(async () => {
  // Whatever happened above, leave the lab host with its sshd.
  if (h2 && !(await sshdRunning())) await inHost(h2, SSHD);
  await t?.dispose();
});

describe('drop and reconnect (lab-2)', () => {
  it('sshd killed: unreachable with a reason, then back by itself; attachments re-run', async () => {
    let runs = 0;
    let disposed = 0;
    // What the attachment saw, asserted below: a throw in here would only read as a failed connect.
    const execCodes: (number | null)[] = [];
    t.registry.addAttachment(async (_id, transport) => {
      runs++;
      execCodes.push((await transport.exec(['true'])).code);
      return () => void disposed++;
    });
    const { config } = await t.registry.add({
      name: 'reconnecting',
      target: { transport: 'ssh', hostname: h2.ip, identityFiles: [lab.ssh.key] },
      autoConnect: false,
    });
    const id = config.id;
    await expect(t.registry.connect(id)).resolves.toMatchObject({ status: 'connected' });
    expect(runs).toBe(1);
    expect(execCodes).toEqual([0]);

    // Our client port identifies our session's sshd processes on the host.
    const conn = (await t.registry.transport(id).exec(['sh', '-c', 'echo $SSH_CONNECTION'])).stdout.toString().trim().split(' ');
    const clientPort = conn[1];
    expect(clientPort).toMatch(/^\d+$/);
    const seen: HostState[] = [];
    const off = t.registry.onStateChange((s) => s.hostId === id && seen.push(s));

    await inHost(h2, [
      'sh',
      '-c',
      // listener first (no new logins), then the processes serving our port
      'kill "$(cat /run/sshd.pid)"; ss -Htnp state established "( sport = :22 and dport = :$1 )" | grep -o "pid=[0-9]*" | cut -d= -f2 | xargs -r kill',
      'sh',
      clientPort!,
    ]);

    const dropped = await t.waitState(id, (s) => s.status === 'unreachable', 15_000);
    expect(dropped.reason).toMatch(/^(connection closed by the host|connection reset|timed out)/);
    expect(dropped.retryAt).toBeGreaterThan(Date.now() - 1000);
    expect(disposed).toBe(1);
    expect(() => t.registry.transport(id)).toThrow(/is not connected \(connection/);

    // While sshd is down the redial is refused, and says so.
    const refused = await t.waitState(id, (s) => s.status === 'unreachable' && /^connection refused/.test(s.reason ?? ''), 15_000);
    expect(refused.errorCode).toBe('HOST_UNREACHABLE');
    expect(refused.attempt).toBeGreaterThanOrEqual(2);

    await inHost(h2, SSHD);
    const back = await t.waitState(id, (s) => s.status === 'connected', 30_000);
    expect(back.status).toBe('connected');
    expect(runs).toBe(2);
    expect(execCodes).toEqual([0, 0]);
    expect((await t.registry.transport(id).exec(['uname', '-n'])).stdout.toString()).toBe(`${h2.name}\n`);
    off();

    const statuses = seen.map((s) => s.status);
    expect(statuses[0]).toBe('unreachable');
    expect(statuses.at(-1)).toBe('connected');
    // Backoff grows: each scheduled retry is later than the previous gap.
    const gaps = seen.filter((s) => s.status === 'unreachable' && s.retryAt).map((s) => s.retryAt! - s.since);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]! * 1.2);
    console.info(`reconnect: ${seen.map((s) => `${s.status}${s.reason ? ` (${s.reason})` : ''}`).join(' -> ')}`);
  });

  it('a silent network (packets dropped) is noticed by keepalive: unreachable "timed out", then back', async () => {
    // Short keepalive so the test takes seconds, not the default ~40 s.
    const tk = await harness({ knownHostsLines: [`${h2.ip} ${h2.hostKey}`], extra: { ssh: { keepaliveIntervalMs: 300, keepaliveCountMax: 2 } } });
    let rule: string[] | undefined;
    try {
      const { config } = await tk.registry.add({ name: 'silent', target: { transport: 'ssh', hostname: h2.ip, identityFiles: [lab.ssh.key] }, autoConnect: false });
      await expect(tk.registry.connect(config.id)).resolves.toMatchObject({ status: 'connected' });
      const port = (await tk.registry.transport(config.id).exec(['sh', '-c', 'echo $SSH_CONNECTION'])).stdout.toString().split(' ')[1]!;
      // Drop everything from our one TCP connection, inside lab-2's own netns.
      rule = ['INPUT', '-p', 'tcp', '-s', lab.gateway, '--sport', port, '--dport', '22', '-j', 'DROP'];
      await inHost(h2, ['iptables', '-I', ...rule]);
      const down = await tk.waitState(config.id, (s) => s.status === 'unreachable', 10_000);
      expect((down.reason ?? "").startsWith(`timed out (${h2.ip} stopped answering keepalives)`)).toBe(true);
      expect(down.errorCode).toBe('TIMEOUT');
      // The redial uses a new source port, which the rule doesn't match.
      await expect(tk.waitState(config.id, (s) => s.status === 'connected', 20_000)).resolves.toMatchObject({ status: 'connected' });
    } finally {
      if (rule) await inHost(h2, ['iptables', '-D', ...rule]);
      await tk.dispose();
    }
  });
});
