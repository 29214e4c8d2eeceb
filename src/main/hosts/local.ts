import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import type { LocalTarget } from '../../shared/model/host';
import { AppFailure } from '../../shared/ipc/result';
import { ConnectError, networkError } from './errors';
import type { Link } from './link';
import type { ExecOptions, ExecResult, HostTransport, ProcessChannel, ShellChannel } from './transport';

/** The per-user libvirtd socket (qemu:///session). */
export function sessionSocketPath(): string {
  const runtime = process.env.XDG_RUNTIME_DIR;
  return runtime ? path.join(runtime, 'libvirt', 'libvirt-sock') : path.join(os.homedir(), '.cache', 'libvirt', 'libvirt-sock');
}

/**
 * This machine as a host: libvirt's unix socket, processes started from argv
 * (never through a shell), plain sockets for forwards. `shell` is refused:
 * without a pseudo-terminal (node has none built in) an interactive shell has
 * no prompt, line editing or job control, which is worse than no shell.
 */
export class LocalTransport implements HostTransport {
  readonly kind = 'local' as const;
  private readonly owned = new Set<{ destroy(): void }>();
  private closed = false;

  constructor(
    readonly hostId: string,
    private readonly target: LocalTarget,
  ) {}

  openLibvirtStream(p: 'system' | 'session'): Promise<Duplex> {
    return this.connect(p === 'system' ? this.target.socketPath : sessionSocketPath());
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = this.start(argv);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let failed: AppFailure | undefined;
      const stop = (f: AppFailure) => {
        failed ??= f;
        child.kill('SIGKILL');
      };
      const timer =
        opts.timeoutMs !== undefined ? setTimeout(() => stop(new AppFailure('TIMEOUT', `${argv[0]} did not finish within ${opts.timeoutMs} ms`)), opts.timeoutMs) : undefined;
      const onAbort = () => stop(new AppFailure('CANCELLED', `${argv[0]}: cancelled`));
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout?.on('data', (d: Buffer) => out.push(d));
      child.stderr?.on('data', (d: Buffer) => err.push(d));
      child.stdin?.on('error', () => {}); // EPIPE when the process exits before reading stdin
      child.once('error', (e) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        reject(new Error(`cannot run ${argv[0]}: ${e.message}`));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (failed) return reject(failed);
        resolve({ code, ...(signal ? { signal } : {}), stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
      });
      child.stdin?.end(opts.stdin);
    });
  }

  execScript(script: string, args: readonly string[] = [], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.exec(['/bin/sh', '-c', script, 'sh', ...args], opts);
  }

  spawnScript(script: string, args: readonly string[] = []): Promise<ProcessChannel> {
    return this.spawn(['/bin/sh', '-c', script, 'sh', ...args]);
  }

  spawn(argv: readonly string[]): Promise<ProcessChannel> {
    return new Promise((resolve, reject) => {
      const child = this.start(argv);
      const exited = new Promise<number | null>((res) => child.once('close', (code) => res(code)));
      child.once('error', (e) => reject(new Error(`cannot run ${argv[0]}: ${e.message}`)));
      child.once('spawn', () => {
        const io = Duplex.from({ readable: child.stdout, writable: child.stdin }) as Duplex;
        // A killed or exited process makes the pair "close prematurely"; like
        // an SSH channel, that is an end (see exitCode()), not a crash.
        io.on('error', () => {});
        child.stdin?.on('error', () => {});
        resolve(Object.assign(io, { stderr: child.stderr!, exitCode: () => exited }) as ProcessChannel);
      });
    });
  }

  forwardTcp(host: string, port: number): Promise<Duplex> {
    return this.connect({ host, port });
  }

  forwardUnix(p: string): Promise<Duplex> {
    return this.connect(p);
  }

  /** This machine is the host: a plain listener on its loopback is the "remote" end. */
  listenRemote(port: number, onChannel: (ch: Duplex) => void): Promise<() => Promise<void>> {
    this.assertOpen();
    return new Promise((resolve, reject) => {
      const server = net.createServer((sock) => {
        sock.setNoDelay(true);
        this.owned.add(sock);
        sock.once('close', () => this.owned.delete(sock));
        onChannel(sock);
      });
      const handle = { destroy: () => server.close() };
      server.once('error', (e) => reject(new AppFailure('CONFLICT', `${this.hostId}: cannot listen on 127.0.0.1:${port}: ${e.message}`, { hostId: this.hostId })));
      server.listen(port, '127.0.0.1', () => {
        this.owned.add(handle);
        resolve(() => {
          this.owned.delete(handle);
          // close() stops accepting at once; its callback would wait for the handed-over sockets.
          server.close();
          return Promise.resolve();
        });
      });
    });
  }

  shell(): Promise<ShellChannel> {
    return Promise.reject(new AppFailure('UNSUPPORTED', 'a shell on this machine needs a terminal; use your own terminal app', { hostId: this.hostId }));
  }

  /** Ends every socket and process this transport opened. */
  close(): void {
    this.closed = true;
    for (const o of [...this.owned]) o.destroy();
    this.owned.clear();
  }

  private start(argv: readonly string[]): ChildProcess {
    this.assertOpen();
    const [cmd, ...args] = argv;
    if (!cmd) throw new AppFailure('VALIDATION', 'empty command');
    const child = spawnChild(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    const handle = { destroy: () => child.exitCode === null && child.kill('SIGTERM') };
    this.owned.add(handle);
    child.once('close', () => this.owned.delete(handle));
    child.once('error', () => this.owned.delete(handle));
    return child;
  }

  private connect(to: string | { host: string; port: number }): Promise<Duplex> {
    this.assertOpen();
    return new Promise((resolve, reject) => {
      const sock = typeof to === 'string' ? net.connect(to) : net.connect(to);
      if (typeof to !== 'string') sock.setNoDelay(true);
      sock.once('error', reject);
      sock.once('connect', () => {
        sock.removeListener('error', reject);
        this.owned.add(sock);
        sock.once('close', () => this.owned.delete(sock));
        resolve(sock);
      });
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new AppFailure('NOT_CONNECTED', `${this.hostId}: not connected`, { hostId: this.hostId });
  }
}

/**
 * "Connecting" to this machine = libvirt's socket accepts a connection. The
 * link never drops by itself; the libvirt attachment reports a dead daemon.
 */
export async function openLocal(hostId: string, target: LocalTarget): Promise<Link> {
  const socketPath = target.libvirtPath === 'session' ? sessionSocketPath() : target.socketPath;
  await new Promise<void>((resolve, reject) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve();
    });
    probe.once('error', (e) => reject(networkError(e, socketPath)));
  }).catch((e: unknown) => {
    throw e instanceof ConnectError ? e : networkError(e, socketPath);
  });
  const transport = new LocalTransport(hostId, target);
  return {
    transport,
    onClose: () => () => {},
    close: () => transport.close(),
  };
}
