import { AppFailure } from '../../shared/ipc/result';
import type { HostTransport } from '../hosts/transport';
import type { Logger } from '../util/log';
import type { Dispose } from '../util/disposable';
import { openLibvirtConnection } from './rpc/connect';
import type { RpcClient } from './rpc/client';

export interface LibvirtSession {
  hostId: string;
  client: RpcClient;
  transport: HostTransport;
  /** Server supports callback-style events (libvirt >= 1.3). */
  eventCallbacks: boolean;
  /** 'system' or 'session': bulk sessions open the same daemon. */
  path: 'system' | 'session';
}

/**
 * A libvirt connection of its own for one bulk transfer (upload, download,
 * clone copy), over the host's SAME transport (a second virt-ssh-helper
 * channel on the one SSH connection). A transfer may stop reading for as long
 * as its consumer needs ('pause' flow control) without touching the channel
 * that carries calls, events and keepalive for everything else.
 */
export interface BulkSession {
  client: RpcClient;
  /** Closes the connection (idempotent); streams still open on it are aborted. */
  close(): Promise<void>;
}

/** A feature that lives as long as a host's libvirt session (events, metrics…). */
export type SessionHook = (session: LibvirtSession, signal: AbortSignal) => Promise<Dispose> | Dispose;

/**
 * One libvirt RPC channel per connected host, opened over that host's single
 * transport. Attached to the host registry: the host is "connected" only once
 * libvirt answered, and the channel goes away with the connection.
 */
export class LibvirtSessions {
  private readonly sessions = new Map<string, LibvirtSession>();
  private readonly hooks: SessionHook[] = [];

  constructor(private readonly log: Logger) {}

  /** Hooks run, in order, on every new session (and again after reconnects). */
  addHook(hook: SessionHook): void {
    this.hooks.push(hook);
  }

  /**
   * Registry attachment: open libvirt over the transport. `lost` tells the host
   * layer that libvirt went away while SSH stayed up (libvirtd restarted).
   */
  async attach(hostId: string, transport: HostTransport, signal: AbortSignal, lost: (reason: string) => void, path: 'system' | 'session' = 'system'): Promise<Dispose> {
    const started = performance.now();
    const stream = await transport.openLibvirtStream(path);
    const { client, eventCallbacks } = await openLibvirtConnection(stream, {
      uri: `qemu:///${path}`,
      onListenerError: (e) => this.log.error(`event listener on ${hostId}: ${String(e)}`),
    });
    const session: LibvirtSession = { hostId, client, transport, eventCallbacks, path };
    const disposers: Dispose[] = [];
    let closing = false;
    const stopClose = client.onClose((e) => {
      this.sessions.delete(hostId);
      if (!closing) lost(`libvirt closed the connection (${e.message})`);
    });
    try {
      for (const hook of this.hooks) disposers.push(await hook(session, signal));
    } catch (e) {
      closing = true;
      disposers.reverse().forEach((d) => d());
      stopClose();
      client.destroy();
      throw e;
    }
    this.sessions.set(hostId, session);
    this.log.info(`${hostId}: libvirt session open in ${(performance.now() - started).toFixed(0)} ms`);
    return () => {
      closing = true;
      this.sessions.delete(hostId);
      for (const d of disposers.reverse()) {
        try {
          d();
        } catch (e) {
          this.log.warn(`${hostId}: session hook dispose failed: ${String(e)}`);
        }
      }
      stopClose();
      void client.close().catch(() => client.destroy());
    };
  }

  get(hostId: string): LibvirtSession {
    const s = this.sessions.get(hostId);
    if (!s) throw new AppFailure('NOT_CONNECTED', `Host ${hostId} is not connected`, { hostId });
    return s;
  }

  client(hostId: string): RpcClient {
    return this.get(hostId).client;
  }

  has(hostId: string): boolean {
    return this.sessions.has(hostId);
  }

  /**
   * Opens a bulk session on a connected host. It closes when the caller is
   * done, when `signal` aborts, or when the host's main session goes away.
   */
  async openBulk(hostId: string, signal?: AbortSignal): Promise<BulkSession> {
    const main = this.get(hostId);
    if (signal?.aborted) throw signal.reason;
    const stream = await main.transport.openLibvirtStream(main.path);
    // No event registration: this connection carries one transfer and nothing else.
    const { client } = await openLibvirtConnection(stream, { uri: `qemu:///${main.path}`, streamFlow: 'pause' });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      stopMain();
      signal?.removeEventListener('abort', onAbort);
      await client.close().catch(() => client.destroy());
    };
    const onAbort = () => void close();
    signal?.addEventListener('abort', onAbort, { once: true });
    const stopMain = main.client.onClose(() => void close());
    this.log.debug(`${hostId}: bulk session open`);
    return { client, close };
  }
}
