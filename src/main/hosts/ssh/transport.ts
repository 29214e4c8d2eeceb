import type { Duplex } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { AppFailure } from '../../../shared/ipc/result';
import { shellCommand } from '../../../shared/util/shell';
import type { Logger } from '../../util/log';
import { libvirtHelperScript, type ExecOptions, type ExecResult, type HostTransport, type ProcessChannel, type ShellChannel } from '../transport';

/** HostTransport over one authenticated ssh2 Client: every call is a channel on it. */
export class SshTransport implements HostTransport {
  readonly kind = 'ssh' as const;
  private closed = false;

  constructor(
    readonly hostId: string,
    private readonly client: Client,
    private readonly log: Logger,
  ) {}

  /** Called by the session when the connection is gone. */
  markClosed(): void {
    this.closed = true;
  }

  async openLibvirtStream(path: 'system' | 'session'): Promise<Duplex> {
    const ch = await this.spawn(['sh', '-c', libvirtHelperScript(path)]);
    // virt-ssh-helper reports problems on stderr (and "could not proxy
    // traffic: End of file" on every normal close); keep the tail for logs and
    // keep it flowing so a chatty helper never stalls the channel window.
    let tail = '';
    ch.stderr.on('data', (d: Buffer) => (tail = (tail + d.toString('utf8')).slice(-2000)));
    void ch.exitCode().then((code) => tail && this.log.debug(`libvirt helper exited ${code}: ${tail.trim()}`));
    return ch;
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const command = shellCommand(argv);
    const label = argv[0] ?? '';
    if (opts.signal?.aborted) return Promise.reject(new AppFailure('CANCELLED', `${label}: cancelled`, { hostId: this.hostId }));
    return this.openExec(command).then(
      (ch) =>
        new Promise<ExecResult>((resolve, reject) => {
          const out: Buffer[] = [];
          const err: Buffer[] = [];
          let status: { code: number | null; signal?: string } | undefined;
          let failed: AppFailure | undefined;
          const stop = (f: AppFailure) => {
            failed ??= f;
            // OpenSSH forwards the signal to the process; closing the channel
            // alone would leave a non-tty command running until it writes.
            ch.signal('KILL');
            ch.close();
          };
          const timer =
            opts.timeoutMs !== undefined
              ? setTimeout(() => stop(new AppFailure('TIMEOUT', `${label} did not finish within ${opts.timeoutMs} ms`, { hostId: this.hostId })), opts.timeoutMs)
              : undefined;
          const onAbort = () => stop(new AppFailure('CANCELLED', `${label}: cancelled`, { hostId: this.hostId }));
          opts.signal?.addEventListener('abort', onAbort, { once: true });
          ch.on('data', (d: Buffer) => out.push(d));
          ch.stderr.on('data', (d: Buffer) => err.push(d));
          ch.on('exit', (code: number | null, signal?: string) => {
            status = { code: code ?? null, ...(signal ? { signal: `SIG${signal}` } : {}) };
          });
          ch.on('close', () => {
            clearTimeout(timer);
            opts.signal?.removeEventListener('abort', onAbort);
            if (failed) return reject(failed);
            if (!status && this.closed) return reject(this.notConnected(`connection lost while running ${label}`));
            resolve({ code: status?.code ?? null, ...(status?.signal ? { signal: status.signal } : {}), stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
          });
          ch.end(opts.stdin);
        }),
    );
  }

  async spawn(argv: readonly string[]): Promise<ProcessChannel> {
    const ch = await this.openExec(shellCommand(argv));
    let code: number | null | undefined;
    const exited = new Promise<number | null>((resolve) => {
      ch.once('exit', (c: number | null) => (code = c ?? null));
      ch.once('close', () => resolve(code ?? null));
    });
    return Object.assign(ch, { exitCode: () => exited });
  }

  forwardTcp(host: string, port: number): Promise<Duplex> {
    return this.channel(`forward to ${host}:${port}`, (cb) => this.client.forwardOut('127.0.0.1', 0, host, port, cb));
  }

  forwardUnix(path: string): Promise<Duplex> {
    return this.channel(`forward to ${path}`, (cb) => this.client.openssh_forwardOutStreamLocal(path, cb));
  }

  async shell(opts: { cols: number; rows: number; term?: string }): Promise<ShellChannel> {
    const ch = await this.channel('shell', (cb) =>
      this.client.shell({ cols: opts.cols, rows: opts.rows, term: opts.term ?? 'xterm-256color' }, cb),
    );
    return Object.assign(ch, { resize: (cols: number, rows: number) => void ch.setWindow(rows, cols, 0, 0) });
  }

  private openExec(command: string): Promise<ClientChannel> {
    return this.channel(`exec ${command.slice(0, 60)}`, (cb) => this.client.exec(command, cb));
  }

  private channel(what: string, open: (cb: (err: Error | undefined, ch: ClientChannel) => void) => void): Promise<ClientChannel> {
    if (this.closed) return Promise.reject(this.notConnected());
    return new Promise((resolve, reject) => {
      try {
        open((err, ch) => {
          if (!err) return resolve(ch);
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
