import fs from 'node:fs/promises';
import { constants } from 'node:fs';

/** The file operations the store needs; tests may wrap them to fail on purpose (disk full mid-write). */
export interface StoreFs {
  open(path: string, flags: number): Promise<fs.FileHandle>;
}
export const realFs: StoreFs = { open: (p, flags) => fs.open(p, flags, 0o600) };

/**
 * An append-only file that is never left with a torn record in the middle.
 * Records are written at the end we know to be good (positional writes, not
 * O_APPEND); when a write fails part-way (disk full, I/O error) the file is
 * cut back to that end before anything else is written, so the next record
 * follows the last good one and a reader never stops at garbage with good
 * records behind it.
 */
export class AppendFile {
  private torn = false;

  private constructor(
    readonly path: string,
    private readonly fh: fs.FileHandle,
    /** Bytes known good. */
    public size: number,
  ) {}

  /** Opens (creating) a file whose first `validBytes` are good; anything after them is cut off. */
  static async open(path: string, io: StoreFs = realFs, validBytes?: number): Promise<AppendFile> {
    const fh = await io.open(path, constants.O_RDWR | constants.O_CREAT);
    const { size } = await fh.stat();
    const good = validBytes ?? size;
    const f = new AppendFile(path, fh, good);
    if (good < size) await fh.truncate(good);
    return f;
  }

  async append(buf: Buffer): Promise<void> {
    if (this.torn) {
      await this.fh.truncate(this.size);
      this.torn = false;
    }
    try {
      let done = 0;
      while (done < buf.length) {
        const { bytesWritten } = await this.fh.write(buf, done, buf.length - done, this.size + done);
        if (bytesWritten <= 0) throw new Error(`${this.path}: short write`);
        done += bytesWritten;
      }
    } catch (e) {
      this.torn = true;
      // Best effort now; if even this fails, the next append truncates first.
      await this.fh.truncate(this.size).then(
        () => (this.torn = false),
        () => undefined,
      );
      throw e;
    }
    this.size += buf.length;
  }

  /** Replaces the whole content (the minute log after an hour is rolled into a block). */
  async rewrite(buf: Buffer): Promise<void> {
    this.size = 0;
    this.torn = true;
    await this.append(buf);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
