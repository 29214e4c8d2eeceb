import type { HostTransport, ProcessChannel } from '../hosts/transport';
import type { Logger } from '../util/log';

/** Where libvirt's leases helper keeps each bridge's leases (system daemon). */
export const LEASE_DIR = '/var/lib/libvirt/dnsmasq';

// libvirt has no lease event. Its leases helper rewrites <bridge>.status (a
// new file renamed over the old) on every DHCP grant, renewal and release, so
// we follow those files by name with GNU/busybox `tail -F`: GNU tail waits on
// inotify (no polling at all); elsewhere it checks every 2 s on the host.
// tail prints each new version of a file whole; a filter on the host reduces
// that to one line per change (the file's name, taken from tail's header when
// the JSON array opens), so a network with thousands of leases costs a few
// bytes per renewal on the wire, not its whole lease list. The script is fixed
// text, the paths are argv data, and it ends when our side closes stdin:
// `cat` returns and everything it started is stopped, so no process outlives
// the channel.
export const WATCH_SCRIPT = `d=$(mktemp -d) && mkfifo "$d/p" || exit 1
tail -F -n 0 -v -s 2 -- "$@" >"$d/p" 2>/dev/null & t=$!
while IFS= read -r l; do
  case $l in
  '==> '*' <==') f=\${l#'==> '}; f=\${f%' <=='} ;;
  '['*) printf '%s\\n' "$f" ;;
  esac
done <"$d/p" & r=$!
cat >/dev/null
kill "$t" "$r" 2>/dev/null
rm -rf "$d"`;

/** Splits the watch script's output into changed file names (one per line). */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) if (line) this.onLine(line);
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
        const parser = new LineSplitter((file) => {
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
