// The RPC client over an ssh2 exec channel running helperLaunch() on a lab
// host (real sshd + libvirtd in network namespaces, see e2e/lab). Fails, never
// skips, when .lab/lab.json is missing or this process is not inside the lab
// network namespace (run: ip netns exec lab npx vitest run -c
// vitest.lab.config.ts ...), so no packet ever leaves for an address outside it.
import fs from 'node:fs';
import net from 'node:net';
import { Client, type ClientChannel } from 'ssh2';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForLab, type Lab, type LabHost } from '../../hosts/lab-harness';
import { helperLaunch, openLibvirtConnection } from './connect';
import { ErrorCode, RpcClosedError } from './errors';
import { AuthType, P } from './procedures/index';

let lab: Lab;
beforeAll(async () => {
  lab = await waitForLab();
});

async function sshExec(host: LabHost, user: string): Promise<{ conn: Client; channel: ClientChannel; stderr: () => string }> {
  const sock = net.createConnection({ host: host.ip, port: host.port });
  sock.setNoDelay(true); // ssh2 does not, and the RPC is latency-bound
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', () => resolve());
    sock.once('error', reject);
  });
  const conn = new Client();
  const auth = user === 'root' ? undefined : lab.users[user];
  const expectedKey = Buffer.from(host.hostKey.split(' ')[1] ?? '', 'base64');
  await new Promise<void>((resolve, reject) => {
    conn.once('ready', () => resolve());
    conn.once('error', reject);
    conn.connect({
      sock,
      username: user,
      ...(auth?.auth === 'password' ? { password: auth.password } : { privateKey: fs.readFileSync(lab.ssh.key) }),
      hostVerifier: (key: Buffer) => key.equals(expectedKey),
      readyTimeout: 10_000,
    });
  });
  const launch = helperLaunch();
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    conn.exec(launch.command, (err, ch) => (err ? reject(err) : resolve(ch))),
  );
  channel.write(launch.stdin);
  let err = '';
  channel.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { conn, channel, stderr: () => err };
}

describe('RpcClient over ssh2 exec (lab)', () => {
  const host = () => lab.hosts[0]!;

  it('connects as root, answers calls, pipelines, and closes cleanly', async () => {
    const { conn, channel } = await sshExec(host(), 'root');
    try {
      const t0 = performance.now();
      const { client, keepalive, eventCallbacks } = await openLibvirtConnection(channel);
      const handshakeMs = performance.now() - t0;
      expect(keepalive && eventCallbacks).toBe(true);
      expect(await client.call(P.CONNECT_GET_HOSTNAME)).toBe(host().name);
      const { domains } = await client.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
      expect(Array.isArray(domains)).toBe(true);
      await expect(client.call(P.DOMAIN_LOOKUP_BY_NAME, { name: 'vdtest-absent' })).rejects.toMatchObject({ code: ErrorCode.NO_DOMAIN });
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const s = performance.now();
        await client.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      const p0 = performance.now();
      const many = await Promise.all(Array.from({ length: 100 }, () => client.call(P.CONNECT_GET_HOSTNAME)));
      const pipeMs = performance.now() - p0;
      expect(new Set(many)).toEqual(new Set([host().name]));
      console.log(
        `[rpc over ssh] handshake ${handshakeMs.toFixed(1)} ms; LIST_ALL_DOMAINS median ${times[100]?.toFixed(3)} ms; 100 pipelined ${pipeMs.toFixed(2)} ms`,
      );
      // The helper often exits before the CLOSE reply gets out: close() must still succeed.
      await client.close();
      expect(client.resources).toEqual({ pending: 0, streams: 0, listeners: 0, timers: 0, transportListeners: 0 });
      await expect(client.call(P.CONNECT_GET_HOSTNAME)).rejects.toBeInstanceOf(RpcClosedError);
    } finally {
      conn.end();
    }
  });

  it('talks to a guest shell over the console stream', { timeout: 60_000 }, async () => {
    const { conn, channel } = await sshExec(host(), 'root');
    try {
      const client = (await openLibvirtConnection(channel)).client;
      // A guest the lab keeps running; lab test files run one at a time, so
      // taking its console over (FORCE) steals it from nobody.
      const name = host().running[0];
      expect(name).toBeDefined();
      const dom = await client.call(P.DOMAIN_LOOKUP_BY_NAME, { name: name! });
      const stream = await client.openStream(P.DOMAIN_OPEN_CONSOLE, { dom, dev_name: null, flags: 1 /* FORCE */ });
      stream.on('error', () => undefined); // a lab teardown may cut it
      const marker = `vd-${Date.now().toString(36)}`;
      let seen = '';
      // Only the shell's output has 42; the echoed command line has $((40+2)).
      const echoed = new Promise<boolean>((resolve) =>
        stream.on('data', (b: Buffer) => {
          seen += b.toString('latin1');
          if (seen.includes(`${marker}-42`)) resolve(true);
        }),
      );
      // A shell that was busy (or a line lost while another console let go) gets the line again.
      const typer = setInterval(() => stream.write(`echo ${marker}-$((40+2))\r`), 1000);
      stream.write(`\recho ${marker}-$((40+2))\r`);
      const answered = await Promise.race([echoed, new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
      clearInterval(typer);
      const closed = new Promise((r) => stream.once('close', r));
      stream.abort();
      await closed;
      expect(client.resources.streams).toBe(0);
      await client.close();
      expect(answered, `no shell answered on ${name}'s console within 30 s; got ${JSON.stringify(seen.slice(-200))}`).toBe(true);
    } finally {
      conn.end();
    }
  });

  // Both lab users log in by password: helpdesk's login shell is bash, vdfish's is fish.
  it.each(['helpdesk', 'vdfish'])('opens as the libvirt-group user %s (polkit when offered)', async (user) => {
    expect(lab.users[user]?.auth).toBe('password');
    const { conn, channel } = await sshExec(host(), user);
    try {
      const { client } = await openLibvirtConnection(channel);
      expect(await client.call(P.CONNECT_GET_URI)).toBe('qemu:///system');
      await client.close();
    } finally {
      conn.end();
    }
  });

  // Debian's stock libvirtd answers [POLKIT] here; a host whose socket grants the
  // group directly (auth_unix_rw = "none") answers [NONE]. Both must open above.
  it('AUTH_LIST for the non-root user offers polkit or nothing to do', async () => {
    const { conn, channel } = await sshExec(host(), 'helpdesk');
    try {
      const { RpcClient } = await import('./client');
      const raw = new RpcClient(channel);
      const types = await raw.call(P.AUTH_LIST);
      console.log(`[rpc over ssh] AUTH_LIST for helpdesk: [${types.join(', ')}]`);
      expect([[AuthType.POLKIT], [AuthType.NONE]]).toContainEqual(types);
      raw.destroy();
    } finally {
      conn.end();
    }
  });
});
