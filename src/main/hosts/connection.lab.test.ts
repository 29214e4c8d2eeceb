import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeResources, harness, inHost, waitForLab, waitForNoLeaks, type Harness, type Lab, type LabHost } from './lab-harness';

// A real sshd and libvirtd on lab-1 (e2e/lab), reached with key auth and the
// lab's own known_hosts. Run inside the lab namespace:
//   ip netns exec lab npx vitest run -c vitest.lab.config.ts src/main/hosts

let lab: Lab;
let h1: LabHost;
let t: Harness;
let hostId: string;

/** Reads from a stream until `n` bytes arrived (or fails at the deadline). */
function readBytes(s: Duplex, n: number, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => done(new Error(`only ${buf.length}/${n} bytes within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= n) done();
    };
    const done = (e?: Error) => {
      clearTimeout(timer);
      s.removeListener('data', onData);
      s.pause();
      if (e) reject(e);
      else resolve(buf);
    };
    s.on('data', onData);
  });
}

beforeAll(async () => {
  lab = await waitForLab();
  h1 = lab.hosts[0]!;
  t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`] });
  const host = await t.registry.add({
    name: 'Lab one',
    target: { transport: 'ssh', hostname: h1.ip, user: 'root', identityFiles: [lab.ssh.key] },
    autoConnect: false,
  });
  hostId = host.config.id;
});

afterAll(async () => {
  await t?.dispose();
});

describe('HostConnection against a real sshd (lab-1)', () => {
  it('connects with a key and runs uname -n', async () => {
    expect(hostId).toBe('lab-one');
    const state = await t.registry.connect(hostId);
    expect(state.status).toBe('connected');
    const r = await t.registry.transport(hostId).exec(['uname', '-n']);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout.toString()).toBe(`${h1.name}\n`);
    const [hop] = t.registry.timings(hostId) ?? [];
    console.info(`lab-1 connect: tcp ${hop?.connectMs.toFixed(1)} ms, kex ${hop?.kexMs.toFixed(1)} ms, authenticated ${hop?.readyMs.toFixed(1)} ms`);
    expect(t.events.filter((e) => e.name === 'host.stateChanged').map((e) => (e.payload as { status: string }).status)).toEqual(['connecting', 'connected']);
  });

  it('passes hostile argv through verbatim', async () => {
    const tr = t.registry.transport(hostId);
    const hostile = ["it's", '$(touch /tmp/vd-pwned)', '`touch /tmp/vd-pwned`', 'a b\tc\nd', 'naïve — 虚拟机 🚀', '"dq" \\bs', ';rm -rf /x;', '', '*', '~root', '-n'];
    for (const arg of hostile) {
      const r = await tr.exec(['printf', '%s', arg]);
      expect(r.stdout.toString(), JSON.stringify(arg)).toBe(arg);
    }
    const check = await tr.exec(['sh', '-c', 'test -e /tmp/vd-pwned && echo PWNED || echo clean']);
    expect(check.stdout.toString()).toBe('clean\n');
  });

  it('reports exit codes, signals, stderr and stdin', async () => {
    const tr = t.registry.transport(hostId);
    expect(await tr.exec(['sh', '-c', 'echo err >&2; exit 3'])).toMatchObject({ code: 3 });
    expect((await tr.exec(['sh', '-c', 'echo err >&2; exit 3'])).stderr.toString()).toBe('err\n');
    expect((await tr.exec(['cat'], { stdin: 'from stdin ✓' })).stdout.toString()).toBe('from stdin ✓');
    expect(await tr.exec(['sh', '-c', 'kill -TERM $$'])).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect((await tr.exec(['sh', '-c', 'echo one >&2'], { timeoutMs: 5000 })).stderr.toString()).toBe('one\n');
  });

  it('timeout and abort kill the remote process', async () => {
    const tr = t.registry.transport(hostId);
    await expect(tr.exec(['sleep', '317'], { timeoutMs: 300 })).rejects.toMatchObject({ error: { code: 'TIMEOUT' } });
    const ac = new AbortController();
    const p = tr.exec(['sh', '-c', 'sleep 318 | cat'], { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    await expect(p).rejects.toMatchObject({ error: { code: 'CANCELLED' } });
    // The kill is its own exec: poll the process table until both are gone.
    const deadline = Date.now() + 5000;
    let left = '';
    do {
      left = (await tr.exec(['sh', '-c', 'ps -eo args | grep "[s]leep 31[78]" || true'])).stdout.toString();
    } while (left && Date.now() < deadline);
    expect(left).toBe('');
  });

  it('spawn gives a long-lived process channel', async () => {
    const ch = await t.registry.transport(hostId).spawn(['cat']);
    ch.write('ping\n');
    expect((await readBytes(ch, 5)).toString()).toBe('ping\n');
    ch.end();
    expect(await ch.exitCode()).toBe(0);
  });

  it('openLibvirtStream runs virt-ssh-helper and carries libvirt RPC bytes', async () => {
    const tr = t.registry.transport(hostId);
    const s = await tr.openLibvirtStream('system');
    // AUTH_LIST (proc 66): len, prog REMOTE, vers 1, proc, type CALL, serial 1, status OK.
    const call = Buffer.alloc(28);
    [28, 0x20008086, 1, 66, 0, 1, 0].forEach((v, i) => call.writeUInt32BE(v, i * 4));
    s.write(call);
    const head = await readBytes(s, 28);
    expect(head.readUInt32BE(4)).toBe(0x20008086);
    expect(head.readInt32BE(12)).toBe(66);
    expect(head.readInt32BE(16)).toBe(1); // REPLY
    expect(head.readUInt32BE(20)).toBe(1); // our serial
    expect(head.readInt32BE(24)).toBe(0); // OK
    const ps = await tr.exec(['sh', '-c', 'ps -eo args | grep [v]irt-ssh-helper']);
    expect(ps.stdout.toString()).toContain('virt-ssh-helper qemu:///system');
    s.end();
  });

  it('forwards TCP to the host sshd and a unix socket to libvirtd', async () => {
    const tr = t.registry.transport(hostId);
    const fwd = await tr.forwardTcp(h1.ip, 22);
    expect((await readBytes(fwd, 7)).toString()).toMatch(/^SSH-2\.0-/);
    fwd.destroy();
    const unix = await tr.forwardUnix('/var/run/libvirt/libvirt-sock');
    const call = Buffer.alloc(28);
    [28, 0x20008086, 1, 66, 0, 7, 0].forEach((v, i) => call.writeUInt32BE(v, i * 4));
    unix.write(call);
    expect((await readBytes(unix, 28)).readUInt32BE(20)).toBe(7);
    unix.destroy();
  });

  it('opens a shell with a pty size', async () => {
    const sh = await t.registry.transport(hostId).shell({ cols: 100, rows: 30 });
    sh.resize(120, 40);
    sh.write('stty size; exit\n');
    let out = '';
    await new Promise<void>((resolve) => {
      sh.on('data', (d: Buffer) => (out += d.toString()));
      sh.on('close', () => resolve());
    });
    expect(out).toContain('40 120');
  });

  it('disconnect closes channels and reports NOT_CONNECTED', async () => {
    const tr = t.registry.transport(hostId);
    const running = tr.exec(['sleep', '30']);
    expect(t.registry.disconnect(hostId).status).toBe('disconnected');
    await expect(running).rejects.toMatchObject({ error: { code: 'NOT_CONNECTED' } });
    expect(() => t.registry.transport(hostId)).toThrow(/not connected/);
    await expect(tr.exec(['true'])).rejects.toMatchObject({ error: { code: 'NOT_CONNECTED' } });
  });

  it('leaves no sockets or timers behind after dispose', async () => {
    const baseline = activeResources();
    const t2 = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`] });
    const { config } = await t2.registry.add({
      name: 'leak check',
      target: { transport: 'ssh', hostname: h1.ip, identityFiles: [lab.ssh.key] },
      autoConnect: false,
    });
    await t2.registry.connect(config.id);
    const tr = t2.registry.transport(config.id);
    const fwd = await tr.forwardTcp(h1.ip, 22);
    const ch = await tr.spawn(['cat']);
    await tr.exec(['true']);
    expect(activeResources().TCPSocketWrap ?? 0).toBeGreaterThan(baseline.TCPSocketWrap ?? 0);
    await t2.dispose();
    const after = await waitForNoLeaks(baseline);
    expect(after.TCPSocketWrap ?? 0).toBe(baseline.TCPSocketWrap ?? 0);
    expect(after.Timeout ?? 0).toBeLessThanOrEqual(baseline.Timeout ?? 0);
    expect(fwd.destroyed).toBe(true);
    expect(ch.destroyed).toBe(true);
    await expect(ch.exitCode()).resolves.toBeNull();
    expect(t2.bus.listenerCount).toBe(0);
  });

  it('records connect time with and without TCP_NODELAY', async () => {
    const measure = async (tcpNoDelay: boolean) => {
      const times: number[] = [];
      const tx = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`], extra: { ssh: { tcpNoDelay } } });
      const { config } = await tx.registry.add({ name: 'timing', target: { transport: 'ssh', hostname: h1.ip, identityFiles: [lab.ssh.key] }, autoConnect: false });
      for (let i = 0; i < 5; i++) {
        await tx.registry.connect(config.id);
        times.push(tx.registry.timings(config.id)?.[0]?.readyMs ?? NaN);
        tx.registry.disconnect(config.id);
      }
      await tx.dispose();
      return times.sort((a, b) => a - b)[2]!;
    };
    const on = await measure(true);
    const off = await measure(false);
    console.info(`lab-1 connect to authenticated, median of 5: TCP_NODELAY on ${on.toFixed(1)} ms, off ${off.toFixed(1)} ms`);
    expect(on).toBeLessThan(1000);
  });

  it('checks that the pid in lab.json is the host we talk to', async () => {
    expect((await inHost(h1, ['hostname'])).trim()).toBe(h1.name);
  });
});
