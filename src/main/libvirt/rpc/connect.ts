// Opening a libvirt connection the way libvirt's own remote driver does.
import type { Duplex } from 'node:stream';
import { REMOTE_SH, remoteScript } from '../../../shared/util/shell';
import { RpcClient, type RpcClientOptions } from './client';
import { LibvirtError, RpcError } from './errors';
import type { KeepaliveOptions } from './keepalive';
import { AuthType, ConnectFlags, Feature, P } from './procedures/index';

export const DEFAULT_URI = 'qemu:///system';
export const LOCAL_SOCKET = '/var/run/libvirt/libvirt-sock';
export const LOCAL_SOCKET_RO = '/var/run/libvirt/libvirt-sock-ro';

export interface OpenOptions extends RpcClientOptions {
  /** Driver URI for CONNECT_OPEN (default qemu:///system). */
  uri?: string;
  readOnly?: boolean;
  /** Our own pings when idle; false disables. Only used if the server supports keepalive. */
  keepalive?: KeepaliveOptions | false;
  /** Per-step timeout of the handshake (default 15 s). */
  timeoutMs?: number;
}

export interface LibvirtConnection {
  client: RpcClient;
  /** The daemon delivers callback-style events (VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK). */
  eventCallbacks: boolean;
  keepalive: boolean;
}

export class AuthUnsupportedError extends RpcError {}

/**
 * AUTH_LIST -> AUTH_POLKIT (if only polkit is offered) -> SUPPORTS_FEATURE(keepalive)
 * -> CONNECT_OPEN -> SUPPORTS_FEATURE(event callbacks). AUTH_LIST must be called even
 * when it answers [NONE]: without it CONNECT_OPEN fails with VIR_ERR_RPC (39).
 * On any failure the transport is destroyed.
 */
export async function openLibvirt(transport: Duplex, opts: OpenOptions = {}): Promise<RpcClient> {
  return (await openLibvirtConnection(transport, opts)).client;
}

export async function openLibvirtConnection(transport: Duplex, opts: OpenOptions = {}): Promise<LibvirtConnection> {
  const client = new RpcClient(transport, opts);
  const step = { timeoutMs: opts.timeoutMs ?? 15_000 };
  try {
    const auth = await client.call(P.AUTH_LIST, undefined, step);
    if (!auth.includes(AuthType.NONE)) {
      if (!auth.includes(AuthType.POLKIT)) {
        throw new AuthUnsupportedError(`server offers only unsupported auth types [${auth.join(', ')}] (SASL is not implemented)`);
      }
      const complete = await client.call(P.AUTH_POLKIT, undefined, step);
      if (!complete) throw new AuthUnsupportedError('polkit authentication did not complete (no agent can answer over this channel)');
    }
    const keepalive = await client.call(P.CONNECT_SUPPORTS_FEATURE, { feature: Feature.PROGRAM_KEEPALIVE }, step);
    await client.call(P.CONNECT_OPEN, { name: opts.uri ?? DEFAULT_URI, flags: opts.readOnly ? ConnectFlags.RO : 0 }, step);
    const eventCallbacks = await client.call(P.CONNECT_SUPPORTS_FEATURE, { feature: Feature.REMOTE_EVENT_CALLBACK }, step);
    if (keepalive && opts.keepalive !== false) client.startKeepalive(opts.keepalive);
    return { client, eventCallbacks, keepalive };
  } catch (e) {
    client.destroy(e instanceof Error ? e : undefined);
    throw e;
  }
}

/**
 * What an SSH exec channel runs on the host to become a libvirt connection,
 * like libvirt's own ssh transport: virt-ssh-helper (libvirt >= 8) for the URI,
 * else netcat to the daemon's socket. A script for /bin/sh with the URI as $1
 * (data, never parsed as code): send it with REMOTE_SH and remoteScript()
 * (src/shared/util/shell.ts), never as the exec command line itself.
 */
export const HELPER_SCRIPT = `if command -v virt-ssh-helper >/dev/null 2>&1; then exec virt-ssh-helper "$1"; fi
case $1 in
  *:///session*) sock=\${XDG_RUNTIME_DIR:-$HOME/.cache}/libvirt/libvirt-sock ;;
  *) sock=${LOCAL_SOCKET} ;;
esac
exec nc -U "$sock"`;

/** The exec command line and the stdin preamble that open `uri` over an SSH exec channel. */
export function helperLaunch(uri: string = DEFAULT_URI): { command: string; stdin: Buffer } {
  return { command: REMOTE_SH, stdin: remoteScript(HELPER_SCRIPT, [uri]) };
}

export { LibvirtError };
