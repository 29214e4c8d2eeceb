import type { Duplex } from 'node:stream';
import { AppFailure } from '../../shared/ipc/result';
import type { HostTransport } from '../hosts/transport';
import type { Logger } from '../util/log';

// Migration data relayed through the workstation, for hosts that cannot reach
// each other: QEMU on the source connects to its own 127.0.0.1:P, which is a
// remote forward (ssh -R) on our SSH connection to the source; each channel
// that arrives there is piped into a forwardOut (ssh -L) on our connection to
// the destination, to the destination's 127.0.0.1:P where QEMU (or the NBD
// server for storage) listens. No SSH trust between the hosts, nothing
// installed on them: all traffic crosses the workstation's two connections.

/**
 * Relay ports live outside libvirt's default migration range (49152-49215) so
 * a port libvirt hands to someone else's incoming migration on the
 * destination never collides with ours.
 */
export const RELAY_PORT_FIRST = 49300;
export const RELAY_PORT_LAST = 49399;

/** Ports our own relays hold right now (several migrations may run at once). */
export class RelayPorts {
  private readonly held = new Set<number>();
  private next = RELAY_PORT_FIRST;

  constructor(
    private readonly first = RELAY_PORT_FIRST,
    private readonly last = RELAY_PORT_LAST,
  ) {
    this.next = first;
  }

  /** The next port none of our relays holds; released with release(). */
  take(): number {
    const span = this.last - this.first + 1;
    for (let i = 0; i < span; i++) {
      const p = this.next;
      this.next = p >= this.last ? this.first : p + 1;
      if (!this.held.has(p)) {
        this.held.add(p);
        return p;
      }
    }
    throw new AppFailure('CONFLICT', `all ${span} relay ports (${this.first}-${this.last}) are in use by running migrations`);
  }

  release(p: number): void {
    this.held.delete(p);
  }

  get inUse(): number {
    return this.held.size;
  }
}

export interface Relay {
  /** The port on both hosts' loopback. */
  readonly port: number;
  /** Bytes relayed so far: source to destination, and back. */
  readonly bytes: { toDest: number; toSource: number };
  readonly connections: number;
  /** Stops listening and cuts every piped connection; idempotent. */
  close(): Promise<void>;
}

export interface RelayOptions {
  source: HostTransport;
  dest: HostTransport;
  ports: RelayPorts;
  log: Logger;
  /** What the relay carries, for logs ("memory", "disks"). */
  label: string;
  /** Tries this many ports when the source refuses one (in use there). */
  attempts?: number;
}

/** Opens one relayed port: source 127.0.0.1:P -> workstation -> destination 127.0.0.1:P. */
export async function openRelay(opts: RelayOptions): Promise<Relay> {
  const { source, dest, ports, log, label } = opts;
  const live = new Set<Duplex>();
  const bytes = { toDest: 0, toSource: 0 };
  let connections = 0;
  let closed = false;

  const onChannel = (port: number) => (from: Duplex) => {
    if (closed) return void from.destroy();
    connections++;
    live.add(from);
    from.once('close', () => live.delete(from));
    // Hold what QEMU sends until the destination end is open.
    from.pause();
    dest.forwardTcp('127.0.0.1', port).then(
      (to) => {
        if (closed || from.destroyed) {
          to.destroy();
          return;
        }
        live.add(to);
        to.once('close', () => live.delete(to));
        from.on('data', (d: Buffer) => (bytes.toDest += d.length));
        to.on('data', (d: Buffer) => (bytes.toSource += d.length));
        // pipe() keeps each direction's backpressure (SSH windows on both connections).
        from.pipe(to);
        to.pipe(from);
        const cut = (who: string) => (e?: Error) => {
          if (e) log.debug(`relay ${label} :${port}: ${who} ${e.message}`);
          from.destroy();
          to.destroy();
        };
        from.once('error', cut('source side'));
        to.once('error', cut('destination side'));
        from.once('close', () => to.end());
        to.once('close', () => from.end());
      },
      (e: unknown) => {
        log.warn(`relay ${label} :${port}: the destination refused the forward: ${e instanceof Error ? e.message : String(e)}`);
        from.destroy();
      },
    );
  };

  let lastError: unknown;
  for (let i = 0; i < (opts.attempts ?? 5); i++) {
    const port = ports.take();
    try {
      const stop = await source.listenRemote(port, onChannel(port));
      log.info(`relay ${label}: ${source.hostId} 127.0.0.1:${port} -> workstation -> ${dest.hostId} 127.0.0.1:${port}`);
      return {
        port,
        bytes,
        get connections() {
          return connections;
        },
        async close() {
          if (closed) return;
          closed = true;
          try {
            await stop();
          } finally {
            for (const s of [...live]) s.destroy();
            live.clear();
            ports.release(port);
          }
        },
      };
    } catch (e) {
      ports.release(port);
      lastError = e;
      if (!(e instanceof AppFailure && e.error.code === 'CONFLICT')) throw e;
    }
  }
  throw lastError;
}
