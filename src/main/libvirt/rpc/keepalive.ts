// Our side of libvirt's keepalive program. The server pings us (we answer in
// the client); this adds our own pings when the line has been silent, so a
// dead peer behind an SSH pipe is noticed instead of hanging every call.
export interface KeepaliveOptions {
  /** Idle time before we ping (default 5000 ms, like libvirt). */
  intervalMs?: number;
  /** Unanswered pings before the connection is declared dead (default 5). */
  maxMissed?: number;
}

export class Keepalive {
  private timer: NodeJS.Timeout | null = null;
  private lastRx = Date.now();
  private missed = 0;
  private held = false;

  constructor(private readonly io: { sendPing: () => void; dead: (why: string) => void }) {}

  get timers(): number {
    return this.timer ? 1 : 0;
  }

  start(opts: KeepaliveOptions = {}): void {
    this.stop();
    const interval = opts.intervalMs ?? 5000;
    const maxMissed = opts.maxMissed ?? 5;
    this.lastRx = Date.now();
    this.missed = 0;
    this.timer = setInterval(() => {
      if (Date.now() - this.lastRx < interval) return;
      if (this.held) {
        // We stopped reading on purpose: the silence is ours, not the peer's.
        this.io.sendPing();
        return;
      }
      if (this.missed >= maxMissed) {
        this.stop();
        this.io.dead(`keepalive: no data from the server for ${this.missed} intervals of ${interval} ms`);
        return;
      }
      this.missed++;
      this.io.sendPing();
    }, interval);
    // Never keep the process alive just to ping.
    this.timer.unref();
  }

  /** While held (we paused reading), silence does not count toward death; pings still go out. */
  hold(on: boolean): void {
    this.held = on;
    if (!on) this.received();
  }

  /** Anything from the server proves it is alive. */
  received(): void {
    this.lastRx = Date.now();
    this.missed = 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
