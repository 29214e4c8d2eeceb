import { Duplex, Readable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { AppFailure } from '../../../shared/ipc/result';
import { EXEC_ARGV, REMOTE_SH, remoteScript } from '../../../shared/util/shell';
import { HELPER_SCRIPT } from '../../libvirt/rpc/connect';
import type { Logger } from '../../util/log';
import { type ExecOptions, type ExecResult, type HostTransport, type ProcessChannel, type ShellChannel } from '../transport';

/** HostTransport over one authenticated ssh2 Client: every call is a channel on it. */
export class SshTransport implements HostTransport {
  readonly kind = 'ssh' as const;
  private closed = false;
  /** Open channels: ssh2 leaves them dangling when the connection dies under them. */
  private readonly channels = new Set<ClientChannel>();
  /** Remote forwards we asked for, by port: where their incoming channels go. */
  private readonly remoteListeners = new Map<number, (ch: Duplex) => void>();
  private tcpHandlerInstalled = false;

  constructor(
    readonly hostId: string,
    private readonly client: Client,
    private readonly log: Logger,
  ) {}

  /** Called by the session when the connection is gone. */
  markClosed(): void {
    this.closed = true;
    // ssh2 only ends a dead channel's readable side once someone reads it to
    // the end, so a paused stream would never report 'close'. Destroying the
    // stream (not ssh2's destroy(), which sends on the dead socket) tells
    // every user of a channel at once.
    for (const ch of [...this.channels]) {
      Readable.prototype.destroy.call(ch.stderr);
      Duplex.prototype.destroy.call(ch);
    }
    this.channels.clear();
    this.remoteListeners.clear();
  }

  async openLibvirtStream(path: 'system' | 'session'): Promise<Duplex> {
    const ch = await this.spawnScript(HELPER_SCRIPT, [`qemu:///${path}`]);
    // virt-ssh-helper reports problems on stderr (and "could not proxy
    // traffic: End of file" on every normal close); keep the tail for logs and
    // keep it flowing so a chatty helper never stalls the channel window.
    let tail = '';
    ch.stderr.on('data', (d: Buffer) => (tail = (tail + d.toString('utf8')).slice(-2000)));
    void ch.exitCode().then((code) => tail && this.log.debug(`libvirt helper exited ${code}: ${tail.trim()}`));
    return ch;
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) return Promise.reject(new AppFailure('VALIDATION', 'empty command', { hostId: this.hostId }));
    return this.run(EXEC_ARGV, argv, opts, argv[0]!);
  }

  execScript(script: string, args: readonly string[] = [], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.run(script, args, opts, 'sh script');
  }

  private run(script: string, args: readonly string[], opts: ExecOptions, label: string): Promise<ExecResult> {
    // Stopping a remote command needs its pid: OpenSSH refuses "signal"
    // requests on root sessions ("session signalling requires privilege
    // separation"), and a closed channel leaves a quiet process running. So a
    // cancellable script first reports $$ (REMOTE_SH exec'd the login shell
    // away: it is the session's process) on stderr.
    const cancellable = opts.timeoutMs !== undefined || opts.signal !== undefined;
    let framed: Buffer;
    try {
      framed = this.frame(cancellable ? `printf '${PID_MARK}%s\\n' "$$" >&2\n${script}` : script, args);
    } catch (e) {
      return Promise.reject(e);
    }
    if (opts.signal?.aborted) return Promise.reject(new AppFailure('CANCELLED', `${label}: cancelled`, { hostId: this.hostId }));
    return this.openExec(label).then(
      (ch) =>
        new Promise<ExecResult>((resolve, reject) => {
          const out: Buffer[] = [];
          const err: Buffer[] = [];
          let pid: string | undefined;
          let killWanted = false;
          let failed: AppFailure | undefined;
          const kill = () => {
            if (pid) void this.execScript(KILL_TREE, [pid]).catch(() => undefined);
            else killWanted = true;
          };
          const stop = (f: AppFailure) => {
            if (failed) return;
            failed = f;
            clearTimeout(timer);
            opts.signal?.removeEventListener('abort', onAbort);
            kill();
            ch.close();
            reject(f);
          };
          const timer =
            opts.timeoutMs !== undefined
              ? setTimeout(() => stop(new AppFailure('TIMEOUT', `${label} did not finish within ${opts.timeoutMs} ms`, { hostId: this.hostId })), opts.timeoutMs)
              : undefined;
          const onAbort = () => stop(new AppFailure('CANCELLED', `${label}: cancelled`, { hostId: this.hostId }));
          opts.signal?.addEventListener('abort', onAbort, { once: true });
          if (opts.signal?.aborted) onAbort(); // aborted while the channel opened
          ch.on('data', (d: Buffer) => out.push(d));
          ch.stderr.on('data', (d: Buffer) => {
            err.push(d);
            if (!cancellable || pid) return;
            pid = /^[^]*?VDPID:(\d+)\n/.exec(Buffer.concat(err).toString('latin1'))?.[1];
            if (pid && killWanted) kill();
          });
          ch.on('close', () => {
            clearTimeout(timer);
            opts.signal?.removeEventListener('abort', onAbort);
            if (failed) return;
            const status = exits.get(ch);
            if (!status && this.closed) return reject(this.notConnected(`connection lost while running ${label}`));
            let stderr: Buffer = Buffer.concat(err);
            if (cancellable) stderr = stripPidMark(stderr);
            resolve({ code: status?.code ?? null, ...(status?.signal ? { signal: status.signal } : {}), stdout: Buffer.concat(out), stderr });
          });
          ch.write(framed);
          ch.end(opts.stdin);
        }),
    );
  }

  spawn(argv: readonly string[]): Promise<ProcessChannel> {
    if (argv.length === 0) return Promise.reject(new AppFailure('VALIDATION', 'empty command', { hostId: this.hostId }));
    return this.start(EXEC_ARGV, argv, argv[0]!);
  }

  spawnScript(script: string, args: readonly string[] = []): Promise<ProcessChannel> {
    return this.start(script, args, 'sh script');
  }

  private async start(script: string, args: readonly string[], label: string): Promise<ProcessChannel> {
    const framed = this.frame(script, args);
    const ch = await this.openExec(label);
    // Ahead of anything the caller writes: the same channel keeps the order.
    ch.write(framed);
    // 'exit' arrives with the status; 'close' waits until the output was
    // read to the end, which a caller that stopped reading never does.
    const exited = new Promise<number | null>((resolve) => {
      const known = exits.get(ch);
      if (known) return resolve(known.code);
      ch.once('exit', (c: number | null) => resolve(c ?? null));
      ch.once('close', () => resolve(exits.get(ch)?.code ?? null));
    });
    return Object.assign(ch, { exitCode: () => exited });
  }

  forwardTcp(host: string, port: number): Promise<Duplex> {
    return this.channel(`forward to ${host}:${port}`, (cb) => this.client.forwardOut('127.0.0.1', 0, host, port, cb));
  }

  forwardUnix(path: string): Promise<Duplex> {
    return this.channel(`forward to ${path}`, (cb) => this.client.openssh_forwardOutStreamLocal(path, cb));
  }

  async listenRemote(port: number, onChannel: (ch: Duplex) => void): Promise<() => Promise<void>> {
    if (this.closed) throw this.notConnected();
    if (this.remoteListeners.has(port)) throw new AppFailure('CONFLICT', `${this.hostId}: already listening on 127.0.0.1:${port}`, { hostId: this.hostId });
    this.installTcpHandler();
    // Registered before asking: a client may connect the moment sshd binds.
    this.remoteListeners.set(port, onChannel);
    try {
      await new Promise<void>((resolve, reject) => {
        try {
          this.client.forwardIn(REMOTE_BIND, port, (err) => (err ? reject(err) : resolve()));
        } catch (e) {
          reject(e as Error);
        }
      });
    } catch (e) {
      this.remoteListeners.delete(port);
      if (this.closed) throw this.notConnected();
      // sshd answers a plain "request failed": the port is in use there, or forwarding is off (AllowTcpForwarding).
      throw new AppFailure('CONFLICT', `${this.hostId}: the host refused to listen on 127.0.0.1:${port} (port in use, or sshd has AllowTcpForwarding off): ${(e as Error).message}`, {
        hostId: this.hostId,
      });
    }
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      if (this.remoteListeners.get(port) === onChannel) this.remoteListeners.delete(port);
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        try {
          this.client.unforwardIn(REMOTE_BIND, port, () => resolve());
        } catch {
          resolve(); // the connection went away meanwhile: nothing listens any more
        }
      });
    };
  }

  /** One 'tcp connection' handler for every remote forward of this connection, dispatched by port. */
  private installTcpHandler(): void {
    if (this.tcpHandlerInstalled) return;
    this.tcpHandlerInstalled = true;
    this.client.on('tcp connection', (info, accept, reject) => {
      const to = this.remoteListeners.get(info.destPort);
      if (!to || this.closed) return reject();
      const ch = accept();
      this.channels.add(ch);
      ch.once('close', () => this.channels.delete(ch));
      to(ch);
    });
  }

  async shell(opts: { cols: number; rows: number; term?: string }): Promise<ShellChannel> {
    const ch = await this.channel('shell', (cb) =>
      this.client.shell({ cols: opts.cols, rows: opts.rows, term: opts.term ?? 'xterm-256color' }, cb),
    );
    return Object.assign(ch, { resize: (cols: number, rows: number) => void ch.setWindow(rows, cols, 0, 0) });
  }

  private frame(script: string, args: readonly string[]): Buffer {
    try {
      return remoteScript(script, args);
    } catch (e) {
      throw new AppFailure('VALIDATION', `cannot pass that argument to a remote command: ${(e as Error).message}`, { hostId: this.hostId });
    }
  }

  /** Every command is REMOTE_SH (the login shell parses nothing else); the script follows on stdin. */
  private openExec(label: string): Promise<ClientChannel> {
    return this.channel(`exec ${label.slice(0, 60)}`, (cb) => this.client.exec(REMOTE_SH, cb));
  }

  private channel(what: string, open: (cb: (err: Error | undefined, ch: ClientChannel) => void) => void): Promise<ClientChannel> {
    if (this.closed) return Promise.reject(this.notConnected());
    return new Promise((resolve, reject) => {
      try {
        open((err, ch) => {
          if (!err) {
            if (this.closed) {
              Duplex.prototype.destroy.call(ch);
              return reject(this.notConnected());
            }
            this.channels.add(ch);
            ch.once('close', () => this.channels.delete(ch));
            // ssh2 parses a whole TCP read at once: a quick command's
            // exit-status can arrive in the same read as the open
            // confirmation, before our promise continuation attaches
            // listeners. Output is buffered by the stream; 'exit' is not.
            ch.once('exit', (code: number | null, signal?: string) =>
              exits.set(ch, { code: code ?? null, ...(signal ? { signal: signal.startsWith('SIG') ? signal : `SIG${signal}` } : {}) }),
            );
            return resolve(ch);
          }
          // "No response from server" is ssh2's word for a connection that died.
          reject(this.closed || /no response|not connected/i.test(err.message) ? this.notConnected() : new Error(`${what}: ${err.message}`));
        });
      } catch (e) {
        // ssh2 throws synchronously once its socket is gone.
        reject(this.notConnected((e as Error).message));
      }
    });
  }

  private notConnected(detail = 'the SSH connection is closed'): AppFailure {
    return new AppFailure('NOT_CONNECTED', `${this.hostId}: ${detail}`, { hostId: this.hostId });
  }
}

const PID_MARK = 'VDPID:';
/** Remote forwards bind only the host's loopback: nothing else on its network can use them. */
const REMOTE_BIND = '127.0.0.1';

/** Exit status per channel, recorded the moment ssh2 reports it (see channel()). */
const exits = new WeakMap<ClientChannel, { code: number | null; signal?: string }>();

// Kills the command's whole process group (sshd gives each session its own,
// so pipelines die too), read from /proc/<pid>/stat field 5; then the pid.
const KILL_TREE =
  'pg=$(sed -e "s/^.*) . [0-9]* \\([0-9]*\\).*/\\1/" "/proc/$1/stat" 2>/dev/null); ' +
  'if [ -n "$pg" ] && [ "$pg" -gt 1 ]; then kill -KILL "-$pg" 2>/dev/null; fi; kill -KILL "$1" 2>/dev/null; true';

function stripPidMark(stderr: Buffer): Buffer {
  const at = stderr.indexOf(PID_MARK);
  if (at < 0) return stderr;
  const nl = stderr.indexOf(0x0a, at);
  return Buffer.concat([stderr.subarray(0, at), stderr.subarray(nl < 0 ? stderr.length : nl + 1)]);
}
