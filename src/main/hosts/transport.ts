import type { Duplex, Readable } from 'node:stream';

export interface ExecOptions {
  stdin?: string | Buffer;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  /** null when the process died from a signal (see `signal`) or never reported. */
  code: number | null;
  signal?: string;
  stdout: Buffer;
  stderr: Buffer;
}

export type ProcessChannel = Duplex & { stderr: Readable; exitCode(): Promise<number | null> };
export type ShellChannel = Duplex & { resize(cols: number, rows: number): void };

/**
 * Everything the core does on a host goes through this, over ONE connection
 * per host (an SSH session, or this machine's own sockets and processes).
 * Methods reject with AppFailure('NOT_CONNECTED') once the connection is gone.
 */
export interface HostTransport {
  readonly hostId: string;
  readonly kind: 'ssh' | 'local';
  /** The libvirt RPC byte stream: ssh exec of the virt-ssh-helper command, or the local unix socket. */
  openLibvirtStream(path: 'system' | 'session'): Promise<Duplex>;
  /**
   * Runs argv as it is (no shell parses the words, whatever the user's login
   * shell) and collects output; rejects on spawn failure, resolves with the exit code.
   */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Runs a POSIX sh script on the host with `args` as "$@" (data, never parsed as code). */
  execScript(script: string, args?: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Long-lived process channel (e.g. the metrics sampler loop). */
  spawn(argv: readonly string[]): Promise<ProcessChannel>;
  /** A long-lived sh script with `args` as "$@"; what is written to the channel is its stdin. */
  spawnScript(script: string, args?: readonly string[]): Promise<ProcessChannel>;
  forwardTcp(host: string, port: number): Promise<Duplex>;
  forwardUnix(path: string): Promise<Duplex>;
  /**
   * Asks the host to listen on its own 127.0.0.1:`port` and hands every
   * connection made there to `onChannel` (an SSH remote forward, `ssh -R`).
   * Rejects if the port is taken on the host. The returned function stops
   * listening; connections already handed over stay with their owner.
   */
  listenRemote(port: number, onChannel: (ch: Duplex) => void): Promise<() => Promise<void>>;
  shell(opts: { cols: number; rows: number; term?: string }): Promise<ShellChannel>;
}
