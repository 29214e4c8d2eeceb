import type { z } from 'zod';
import { NewHostSchema } from '../../shared/ipc/calls/hosts';
import { AppFailure } from '../../shared/ipc/result';

export type NewHost = z.output<typeof NewHostSchema>;

// libvirt connection URIs (https://libvirt.org/uri.html) as people paste them
// from virsh/virt-manager: driver[+transport]://[user@][host][:port]/path[?params].

const SSH_TRANSPORTS = new Set(['ssh', 'libssh', 'libssh2']);

// Why each refused transport is refused, in words for the add-host dialog.
const REFUSED: Record<string, string> = {
  tls:
    'qemu+tls needs libvirtd listening on TCP 16514 with a client certificate per workstation; ' +
    'VirtDeck reaches hosts over SSH only. Use qemu+ssh://user@host/system instead.',
  tcp:
    'qemu+tcp is unencrypted and usually unauthenticated (anyone on the network could control the host); ' +
    'VirtDeck does not use it. Use qemu+ssh://user@host/system instead.',
  ext: 'qemu+ext runs an arbitrary local command as the transport; VirtDeck does not support it. Use qemu+ssh.',
};

const fail = (message: string): never => {
  throw new AppFailure('VALIDATION', message);
};

export function parseLibvirtUri(input: string): NewHost {
  const text = input.trim();
  const m = /^([a-z0-9]+)(?:\+([a-z0-9]+))?:\/\//i.exec(text);
  if (!m) return fail(`"${text}" is not a libvirt URI (expected e.g. qemu+ssh://root@host/system)`);
  const driver = (m[1] as string).toLowerCase();
  const transport = m[2]?.toLowerCase();
  if (driver !== 'qemu') {
    return fail(`VirtDeck manages QEMU/KVM hosts (qemu://…); the "${driver}" driver is not supported`);
  }
  let url: URL;
  try {
    // WHATWG URL handles user@, [IPv6]:port and percent-encoding for any scheme.
    url = new URL(text.replace(/^[^:]+:/, 'virtdeck:'));
  } catch {
    return fail(`"${text}" is not a valid URI`);
  }
  const host = decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1');
  const libvirtPath = url.pathname.replace(/\/+$/, '');
  if (libvirtPath !== '/system' && libvirtPath !== '/session') {
    return fail(`the URI path must be /system or /session, not "${url.pathname || '/'}"`);
  }
  const pathName = libvirtPath === '/system' ? 'system' : 'session';

  const params = new Map<string, string>();
  for (const [k, v] of url.searchParams) params.set(k.toLowerCase(), v);

  const isLocal = transport === 'unix' || (transport === undefined && host === '');
  if (isLocal) {
    if (host !== '') fail('qemu+unix:// talks to this machine; it cannot name a host');
    if (params.size > 0) fail(`parameters are not supported for a local URI (${[...params.keys()].join(', ')})`);
    return NewHostSchema.parse({
      name: pathName === 'system' ? 'This machine' : 'This machine (session)',
      target: { transport: 'local', libvirtPath: pathName },
    });
  }
  if (transport === undefined) {
    // A bare qemu://host/ means TLS to libvirt, by libvirt's own default.
    return fail(`qemu://${host}/ means TLS. ${REFUSED.tls}`);
  }
  if (REFUSED[transport]) return fail(REFUSED[transport]);
  if (!SSH_TRANSPORTS.has(transport)) return fail(`unknown libvirt transport "+${transport}"`);
  if (host === '') return fail('qemu+ssh:// needs a host name: qemu+ssh://user@host/system');

  const identityFiles: string[] = [];
  for (const [key, value] of params) {
    if (key === 'keyfile') identityFiles.push(value);
    else if (key === 'no_tty') continue; // only about ssh prompting on a tty; we never use one
    else if (key === 'no_verify') fail('VirtDeck always verifies host keys; remove no_verify from the URI');
    else fail(`the URI parameter "${key}" is not supported (VirtDeck runs virt-ssh-helper with the host's default socket)`);
  }

  const parsed = NewHostSchema.safeParse({
    name: host,
    target: {
      transport: 'ssh',
      hostname: host,
      ...(url.port ? { port: Number(url.port) } : {}),
      ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
      identityFiles,
      libvirtPath: pathName,
    },
  });
  if (!parsed.success) {
    return fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}
