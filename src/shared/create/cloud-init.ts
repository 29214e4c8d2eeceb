import { stringify } from 'yaml';
import { buildIso } from '../cloudinit/iso9660';
import type { CloudInit } from './spec';

// The NoCloud seed (cloud-init's `nocloud` datasource): a filesystem labelled
// cidata holding user-data, meta-data and, for static addresses,
// network-config (v2). VirtDeck writes it itself (iso9660.ts) because hosts
// are not guaranteed to have genisoimage/xorriso (LIBVIRT-NEXT.md §5).

export interface SeedDocuments {
  userData: string;
  metaData: string;
  networkConfig?: string;
}

export interface SeedContext {
  /** Unique per VM: cloud-init runs its once-per-instance modules again when it changes. */
  instanceId: string;
  /** The VM's name, from which a hostname is made when none is given. */
  vmName: string;
  /** The NIC's MAC, so a static address lands on the right interface. */
  mac?: string;
}

const yaml = (v: unknown) => stringify(v, { lineWidth: 0 });

/** An RFC 1123 host name from a VM name ("Web server #1" -> "web-server-1"). */
export function hostnameFrom(vmName: string): string {
  const h = vmName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return h || 'vm';
}

/** runcmd lines: one command per line; blank lines and # comments are dropped. */
export function runcmdLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

export function cloudInitDocuments(ci: CloudInit, ctx: SeedContext): SeedDocuments {
  const hostname = ci.hostname ?? hostnameFrom(ctx.vmName);
  const metaData = yaml({ 'instance-id': ctx.instanceId, 'local-hostname': hostname });
  let userData: string;
  if (ci.userDataRaw !== undefined && ci.userDataRaw.trim() !== '') {
    userData = ci.userDataRaw.endsWith('\n') ? ci.userDataRaw : `${ci.userDataRaw}\n`;
  } else {
    const doc: Record<string, unknown> = { hostname, manage_etc_hosts: true };
    if (ci.user) {
      const u: Record<string, unknown> = { name: ci.user.name, shell: '/bin/bash' };
      if (ci.user.sudo) u.sudo = 'ALL=(ALL) NOPASSWD:ALL';
      if (ci.user.sshKeys.length) u.ssh_authorized_keys = ci.user.sshKeys.map((k) => k.trim());
      if (ci.user.password) {
        // plain_text_passwd works on every cloud-init since 0.7 (chpasswd's syntax changed in 22.3).
        u.plain_text_passwd = ci.user.password;
        u.lock_passwd = false;
      }
      // 'default' keeps the image's own user (ubuntu, debian, fedora…) next to ours.
      doc.users = ['default', u];
      if (ci.user.password) doc.ssh_pwauth = true;
    }
    if (ci.packages.length) {
      doc.package_update = true;
      doc.packages = ci.packages;
    }
    const cmds = runcmdLines(ci.runcmd);
    if (cmds.length) doc.runcmd = cmds;
    userData = `#cloud-config\n${yaml(doc)}`;
  }
  const out: SeedDocuments = { userData, metaData };
  if (ci.network.mode === 'static' && ctx.mac) {
    const eth: Record<string, unknown> = { match: { macaddress: ctx.mac.toLowerCase() }, 'set-name': 'eth0', addresses: [ci.network.address] };
    if (ci.network.gateway) eth.routes = [{ to: 'default', via: ci.network.gateway }];
    if (ci.network.dns.length) eth.nameservers = { addresses: ci.network.dns };
    out.networkConfig = yaml({ version: 2, ethernets: { eth0: eth } });
  }
  return out;
}

/** The seed image: ISO 9660 + Joliet, label cidata. */
export function buildSeedIso(docs: SeedDocuments, date?: Date): Uint8Array {
  const enc = new TextEncoder();
  const files = [
    { name: 'user-data', data: enc.encode(docs.userData) },
    { name: 'meta-data', data: enc.encode(docs.metaData) },
    ...(docs.networkConfig ? [{ name: 'network-config', data: enc.encode(docs.networkConfig) }] : []),
  ];
  return buildIso({ label: 'cidata', files, ...(date ? { date } : {}) });
}
