import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { ROOT, readLab, type CoreProcess, type LabHost } from './fixtures';

const run = promisify(execFile);
const LAB_SH = path.join(ROOT, 'e2e/lab/lab.sh');

/** Runs argv inside a lab host's own namespaces (no SSH involved). */
export async function inHost(host: LabHost, argv: string[], input?: string): Promise<string> {
  const child = execFile('bash', [LAB_SH, 'in', host.name, '--', ...argv], { timeout: 30_000, encoding: 'buffer' });
  const out: Buffer[] = [];
  const errOut: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => errOut.push(d));
  if (input !== undefined) child.stdin!.end(input);
  else child.stdin!.end();
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`${argv.join(' ')} on ${host.name} failed (${code}): ${Buffer.concat(errOut).toString()}`);
  return Buffer.concat(out).toString();
}

/** virsh on a lab host; the name travels as one argv element, never through a shell string. */
export const virsh = (host: LabHost, ...args: string[]) => inHost(host, ['virsh', ...args]);

/** Defines a lab guest with any name (hostile ones included) from the lab's own template. */
export async function defineGuest(host: LabHost, name: string): Promise<string> {
  // The disk gets a plain name of its own; the hostile name stays in the XML.
  const disk = `/var/lib/libvirt/images/vd-e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.qcow2`;
  await inHost(host, ['qemu-img', 'create', '-q', '-f', 'qcow2', disk, '64M']);
  const { stdout: xml } = await run('bash', [path.join(ROOT, 'e2e/lab/guest-xml.sh'), name, disk], { timeout: 20_000 });
  // The XML travels on stdin into a temp file on the host; the script is fixed text.
  await inHost(host, ['sh', '-c', 'f=$(mktemp) && cat > "$f" && virsh define "$f"; rc=$?; rm -f "$f"; exit $rc'], xml);
  return (await inHost(host, ['virsh', 'domuuid', name])).trim();
}

/** Removes a guest and the disk defineGuest made for it (the refresh makes that file a volume libvirt may delete). */
export async function undefineGuest(host: LabHost, uuid: string): Promise<void> {
  await inHost(host, ['virsh', 'destroy', uuid]).catch(() => {});
  await inHost(host, ['virsh', 'pool-refresh', 'default']).catch(() => {});
  await inHost(host, ['virsh', 'undefine', '--remove-all-storage', uuid]).catch(() => inHost(host, ['virsh', 'undefine', uuid]).catch(() => {}));
}

export async function stopSshd(host: LabHost): Promise<void> {
  await inHost(host, ['pkill', '-x', 'sshd']);
}
export async function startSshd(host: LabHost): Promise<void> {
  await inHost(host, ['/usr/sbin/sshd', '-E', '/var/log/libvirt/sshd.log']);
}

/** A contract call straight over the core's WebSocket (setup steps that are not under test). */
export async function coreCall<T = unknown>(core: CoreProcess, name: string, input: unknown): Promise<T> {
  const ws = new WebSocket(`${core.origin.replace('http', 'ws')}/ws`, { origin: core.origin, headers: { authorization: `Bearer ${core.token}` } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  try {
    const reply = await new Promise<{ ok: boolean; value?: T; error?: { code: string; message: string } }>((resolve) => {
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.t === 'result' && m.id === 1) resolve(m.result);
      });
      ws.send(JSON.stringify({ t: 'call', id: 1, name, input }));
    });
    if (!reply.ok) throw new Error(`${name}: ${reply.error?.code} ${reply.error?.message}`);
    return reply.value as T;
  } finally {
    ws.close();
  }
}

/** Adds a lab host by key through the contract and returns its id. */
export async function addLabHost(core: CoreProcess, host: LabHost): Promise<string> {
  const lab = readLab();
  const added = await coreCall<{ config: { id: string } }>(core, 'hosts.add', {
    name: host.name,
    target: { transport: 'ssh', hostname: host.ip, port: host.port, user: 'root', identityFiles: [lab.ssh.key] },
  });
  return added.config.id;
}
