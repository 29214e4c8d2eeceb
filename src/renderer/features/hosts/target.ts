import type { Host } from '../../../shared/model/host';
import { jumpsText } from './host-form';

/** `user@host[:port]` as an admin would type it for ssh, with the route (jump hosts, ssh_config alias) when there is one. */
export function targetText(h: Host): string {
  const t = h.config.target;
  if (t.transport !== 'ssh') return `local ${t.libvirtPath === 'session' ? 'session socket' : t.socketPath}`;
  const base = `${t.user}@${t.hostname}${t.port !== 22 ? `:${t.port}` : ''}`;
  const via = t.jumpHosts.length ? ` via ${jumpsText(t.jumpHosts)}` : '';
  const alias = t.sshAlias ? ` (ssh_config Host ${t.sshAlias})` : '';
  return `${base}${via}${alias}${t.libvirtPath === 'session' ? ' session' : ''}`;
}
