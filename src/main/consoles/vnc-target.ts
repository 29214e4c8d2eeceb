import { attr, child, children, num, parseXml } from '../../shared/libvirt/xml';

export type VncEndpoint =
  | { kind: 'tcp'; host: string; port: number; password?: string; note?: string }
  | { kind: 'unix'; path: string; password?: string }
  | { kind: 'none'; reason: 'no-graphics' | 'spice-only' | 'no-listener' | 'no-port'; detail: string };

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Where to reach a running domain's VNC display from the host, read from its
 * live XML (fetched with the SECURE flag, or `passwd` is left out). The
 * forward starts on the host, so addresses are taken as the host sees them.
 */
export function vncEndpoint(xml: string): VncEndpoint {
  const devices = child(child(parseXml(xml), 'domain'), 'devices');
  const all = children(devices, 'graphics');
  const g = all.find((x) => attr(x, 'type') === 'vnc');
  if (!g) {
    if (all.length === 0) return { kind: 'none', reason: 'no-graphics', detail: 'This VM has no graphical display. Try its serial console.' };
    const types = [...new Set(all.map((x) => attr(x, 'type') ?? '?'))].join(', ');
    return { kind: 'none', reason: 'spice-only', detail: `This VM's display is ${types}, not VNC; VirtDeck shows VNC displays. Add a VNC display or use the serial console.` };
  }
  const password = attr(g, 'passwd') || undefined;
  const listens = children(g, 'listen');
  const socketListen = listens.find((l) => attr(l, 'type') === 'socket');
  const socketPath = attr(socketListen, 'socket') ?? attr(g, 'socket');
  if (socketPath) return { kind: 'unix', path: socketPath, password };
  if (listens.length > 0 && listens.every((l) => attr(l, 'type') === 'none')) {
    // listen type none: only a file descriptor handed over by libvirt reaches it, and fds cannot cross SSH.
    return { kind: 'none', reason: 'no-listener', detail: "This VM's VNC display has no network listener (listen type 'none'); give it a listen address to see it remotely." };
  }
  const port = num(attr(g, 'port'));
  if (port === undefined || port <= 0) {
    return { kind: 'none', reason: 'no-port', detail: 'The VNC display has no port yet (is the VM still starting?).' };
  }
  const addrListen = listens.find((l) => attr(l, 'address'));
  const listen = attr(addrListen, 'address') ?? attr(g, 'listen') ?? '127.0.0.1';
  const host = forwardHost(listen);
  const note = LOOPBACK.has(host)
    ? listen === host
      ? undefined
      : `VNC listens on all addresses (${listen}); VirtDeck connects to ${host} on the host over SSH.`
    : `VNC listens on ${listen}, not on the host's loopback; VirtDeck reaches it from the host through the SSH connection.`;
  return { kind: 'tcp', host, port, password, ...(note ? { note } : {}) };
}

/** The wildcard addresses mean "every interface": loopback on the host is the one SSH can always reach. */
export function forwardHost(listen: string): string {
  const a = listen.trim().replace(/^\[(.*)\]$/, '$1');
  if (a === '' || a === '0.0.0.0') return '127.0.0.1';
  if (a === '::' || a === '0:0:0:0:0:0:0:0') return '::1';
  return a;
}

/** Where the forward goes, in words (for the page and the logs). */
export function describeEndpoint(e: VncEndpoint): string {
  if (e.kind === 'tcp') return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
  if (e.kind === 'unix') return e.path;
  return 'none';
}
