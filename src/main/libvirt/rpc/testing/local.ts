// Reaching the real libvirtd on this machine for lab tests.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { LOCAL_SOCKET } from '../connect';

/** Starts virtlogd + libvirtd (as root) when the socket is missing. Returns whether the socket is usable. */
export async function ensureLocalLibvirtd(socketPath = LOCAL_SOCKET): Promise<boolean> {
  // A socket file can outlive its daemon (a package install started it once): it must answer.
  const answers = () => connectUnix(socketPath).then((s) => (s.destroy(), true), () => false);
  if (await answers()) return true;
  if (process.getuid?.() !== 0 || !fs.existsSync('/usr/sbin/libvirtd')) return false;
  try {
    fs.mkdirSync('/var/log/libvirt/qemu', { recursive: true });
    execFileSync('/usr/sbin/virtlogd', ['-d'], { stdio: 'ignore' });
  } catch {
    /* virtlogd may already run */
  }
  try {
    execFileSync('/usr/sbin/libvirtd', ['-d'], { stdio: 'ignore' });
  } catch {
    return false;
  }
  for (let i = 0; i < 100; i++) {
    if (await answers()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export function connectUnix(socketPath = LOCAL_SOCKET): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection(socketPath);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** A tiny TCG guest with no disk: SeaBIOS runs and prints to the serial console. */
export function tinyDomainXml(name: string): string {
  return `<domain type='qemu'>
  <name>${xmlEscape(name)}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <features><acpi/></features>
  <os><type arch='x86_64' machine='pc'>hvm</type><bios useserial='yes'/></os>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='pty'/>
    <console type='pty'/>
    <memballoon model='none'/>
  </devices>
</domain>`;
}
