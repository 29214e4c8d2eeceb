import type { HostTransport, ProcessChannel } from '../hosts/transport';
import type { Logger } from '../util/log';

/** Where libvirt's leases helper keeps each bridge's leases (system daemon). */
export const LEASE_DIR = '/var/lib/libvirt/dnsmasq';

// libvirt has no lease event. Its leases helper rewrites <bridge>.status (a
// new file renamed over the old) on every DHCP grant, renewal and release, so
// we follow those files by name with GNU/busybox `tail -F`: GNU tail waits on
// inotify (no polling at all); elsewhere it checks every 2 s on the host. The
// script is fixed text, the paths are argv data, and it ends when our side
// closes stdin (`cat` returns), killing tail: no process outlives the channel.
export const WATCH_SCRIPT = 'tail -F -n 0 -v -s 2 -- "$@" 2>/dev/null & t=$!; cat >/dev/null; kill "$t" 2>/dev/null';

const HEADER = /^==> (.*) <==$/;

/**
 * Splits tail's output into "this file changed" signals. `tail -v` names a
 * file in a header whenever it switches files; any other line is content of
 * the last-named file. Headers alone (tail's start-up, -n 0) are not changes.
 */
export class TailParser {
  private current: string | undefined;
  private partial = '';

  constructor(private readonly onChange: (file: string) => void) {}

  push(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const h = HEADER.exec(line);
      if (h) this.current = h[1];
      else if (line.trim() && this.current) this.onChange(this.current);
    }
  }
}

/** Follows the lease files of the given bridges; `onChange` gets the network's name. */
export class LeaseWatcher {
  private proc: ProcessChannel | undefined;
  private key = '';
  private generation = 0;

  constructor(
    private readonly transport: HostTransport,
    private readonly log: Logger,
    private readonly onChange: (network: string) => void,
  ) {}

  /** bridge -> network name; restarts the follower only when the set changed. */
  watch(bridges: ReadonlyMap<string, string>): void {
    const key = [...bridges.keys()].sort().join(' ');
    if (key === this.key && this.proc) return;
    this.key = key;
    this.stop();
    if (!bridges.size) return;
    const gen = ++this.generation;
    const files = new Map([...bridges].map(([bridge, net]) => [`${LEASE_DIR}/${bridge}.status`, net]));
    this.transport.spawn(['sh', '-c', WATCH_SCRIPT, 'sh', ...files.keys()]).then(
      (proc) => {
        if (gen !== this.generation) return void proc.end();
        this.proc = proc;
        const parser = new TailParser((file) => {
          const net = files.get(file);
          if (net !== undefined) this.onChange(net);
        });
        proc.setEncoding('utf8');
        proc.on('data', (d: string) => parser.push(d));
        proc.stderr.resume();
        proc.on('error', () => {});
        void proc.exitCode().then((code) => {
          if (this.proc === proc) {
            this.proc = undefined;
            this.key = '';
            this.log.debug(`lease watch ended (${code}); it restarts with the next network change`);
          }
        });
      },
      (e) => this.log.debug(`lease watch could not start: ${String(e)}`),
    );
  }

  private stop(): void {
    this.generation++;
    const p = this.proc;
    this.proc = undefined;
    // EOF on stdin ends the remote script (and its tail).
    p?.end();
  }

  dispose(): void {
    this.key = '';
    this.stop();
  }
}
