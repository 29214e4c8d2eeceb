import type { HostTarget } from '../../shared/model/host';
import { planHops } from './plan';
import type { SshConfig } from './ssh-config';
import type { Hop } from './ssh/dial';

// A host's identity as a machine on the network, to refuse the same host
// twice. Two entries are the same host when they reach the same libvirt
// daemon as the same user: same transport, user, address and port of the
// host itself, behind the same jump hosts (10.0.0.5 behind bastion A and
// 10.0.0.5 behind bastion B are two machines), and the same libvirt path
// (qemu:///system and qemu:///session are different daemons). Addresses are
// compared the way ssh dials them: after ~/.ssh/config (an alias and the
// address it names are one host), case-folded, without a trailing dot, IPv6
// in its canonical form.

export interface Endpoint {
  /** Equal keys = the same host. */
  key: string;
  /** `user@address:port` (via jump hosts) for messages. */
  text: string;
}

export function endpointOf(target: HostTarget, sshConfig: SshConfig): Endpoint {
  if (target.transport === 'local') {
    const where = target.libvirtPath === 'session' ? 'session socket' : target.socketPath;
    return { key: `local|${where}`, text: `this machine (${where})` };
  }
  let hops: Hop[];
  try {
    hops = planHops(target, sshConfig);
  } catch {
    // A config too deep to plan still has the address it was given.
    hops = [{ hostname: target.hostname, port: target.port, user: target.user, identityFiles: [], identitiesOnly: false, role: '' }];
  }
  const final = hops.at(-1)!;
  const hop = (h: Hop) => `${h.user}@${canonicalHost(h.hostname)}:${h.port}`;
  const via = hops.slice(0, -1).map(hop);
  const session = target.libvirtPath === 'session' ? ' (session)' : '';
  return {
    key: ['ssh', ...via, hop(final), target.libvirtPath].join('|'),
    text: `${final.user}@${final.hostname}${final.port === 22 ? '' : `:${final.port}`}${via.length ? ` via ${via.join(', ')}` : ''}${session}`,
  };
}

export function canonicalHost(name: string): string {
  const h = name.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (h.includes(':') && !h.includes('%')) {
    try {
      // WHATWG URL prints IPv6 in its one canonical form (0:0::1 -> ::1).
      return new URL(`http://[${h}]/`).hostname.replace(/^\[(.*)\]$/, '$1');
    } catch {
      return h;
    }
  }
  return h;
}
