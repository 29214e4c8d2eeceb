import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `body` to `file` so that a reader (or a crash) sees either the old or
 * the new content, never half: temp file in the same directory, fsync, rename.
 * Files are private to the user (0600, directory 0700).
 */
export async function writeFileAtomic(file: string, body: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Serialises writes of one file and collapses bursts: while a write runs, only
 * the newest pending content is kept, so a busy producer never queues stale
 * snapshots. `flush()` resolves once everything asked so far is on disk.
 */
export class CoalescingWriter {
  private running: Promise<void> | null = null;
  private pending: (() => string) | null = null;

  constructor(
    private readonly file: string,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** `render` is called when the write actually happens, so it sees the latest state. */
  schedule(render: () => string): void {
    this.pending = render;
    if (!this.running) this.running = this.drain();
  }

  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const render = this.pending;
        this.pending = null;
        try {
          await writeFileAtomic(this.file, render());
        } catch (e) {
          this.onError(e);
        }
      }
    } finally {
      this.running = null;
    }
  }
}
