// Opening a libvirt connection the way libvirt's own remote driver does.
import type { Duplex } from 'node:stream';
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

// A conservative URI alphabet: nothing a POSIX shell treats specially inside
// double quotes nested in single quotes ($ ` " \ ' and whitespace are out).
const SAFE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[A-Za-z0-9._~@:/?=&%,+-]*$/;

/**
 * The command an SSH exec channel runs on the host (the same one libvirt's
 * ssh transport uses): virt-ssh-helper if present, else netcat to the socket.
 */
export function remoteCommand(uri: string = DEFAULT_URI, socketPath: string = LOCAL_SOCKET): string {
  if (!SAFE_URI.test(uri)) throw new RpcError(`refusing to put URI ${JSON.stringify(uri)} into a shell command`);
  if (!/^\/[A-Za-z0-9._/-]+$/.test(socketPath)) throw new RpcError(`unsafe socket path ${JSON.stringify(socketPath)}`);
  return (
    `sh -c 'which virt-ssh-helper >/dev/null 2>&1; if test $? = 0; then ` +
    `virt-ssh-helper "${uri}"; else nc -U ${socketPath}; fi'`
  );
}

export const REMOTE_COMMAND = remoteCommand();

export { LibvirtError };
