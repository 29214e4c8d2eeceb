// xterm.js flow control (xtermjs.org/docs/guides/flowcontrol): write() only
// queues, and parsing runs at 5-35 MB/s, so a fast producer (a guest
// dumping a log to its serial port) would grow the queue without bound.
// Count bytes handed to write() until its callback says they were parsed,
// and ask the core to pause the source above HIGH and resume below LOW.

export const FLOW_HIGH = 256 * 1024;
export const FLOW_LOW = 32 * 1024;

export class WriteFlow {
  private pending = 0;
  private paused = false;

  constructor(
    private readonly write: (data: Uint8Array, done: () => void) => void,
    private readonly signal: (t: 'pause' | 'resume') => void,
    private readonly high = FLOW_HIGH,
    private readonly low = FLOW_LOW,
  ) {}

  push(data: Uint8Array): void {
    const n = data.length;
    this.pending += n;
    this.write(data, () => {
      this.pending -= n;
      if (this.paused && this.pending < this.low) {
        this.paused = false;
        this.signal('resume');
      }
    });
    if (!this.paused && this.pending > this.high) {
      this.paused = true;
      this.signal('pause');
    }
  }

  get buffered(): number {
    return this.pending;
  }

  get isPaused(): boolean {
    return this.paused;
  }
}
