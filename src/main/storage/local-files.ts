import { promises as fs, constants as fsc } from 'node:fs';
import path from 'node:path';
import { AppFailure } from '../../shared/ipc/result';
import type { StreamItem } from '../libvirt/rpc/stream';

// Desktop uploads and downloads read and write files on the workstation. The
// renderer only ever names a path the native dialog returned in this session
// (the core remembers them), and the path must still be what it was then: a
// regular file to read, or a writable spot in an existing directory.

/** Paths the native dialog handed out, per mode; a renderer cannot invent others. */
export class GrantedPaths {
  private readonly open = new Set<string>();
  private readonly save = new Set<string>();

  grant(mode: 'open' | 'save', p: string): void {
    (mode === 'open' ? this.open : this.save).add(path.resolve(p));
  }

  check(mode: 'open' | 'save', p: string): string {
    const abs = path.resolve(p);
    if (p.includes('\0') || !path.isAbsolute(p) || !(mode === 'open' ? this.open : this.save).has(abs)) {
      throw new AppFailure('VALIDATION', `Choose the file with the ${mode === 'open' ? 'Open' : 'Save'} dialog first: VirtDeck only reads and writes files you picked there`);
    }
    return abs;
  }
}

/** A file to upload: a regular, readable, non-empty file (not a device, FIFO or directory). */
export async function readableFile(p: string): Promise<{ path: string; size: number; name: string }> {
  const st = await fs.stat(p).catch((e: NodeJS.ErrnoException) => {
    throw new AppFailure('NOT_FOUND', `${p} cannot be read: ${e.code === 'ENOENT' ? 'it no longer exists' : e.message}`);
  });
  if (!st.isFile()) throw new AppFailure('VALIDATION', `${p} is not a regular file (directories, devices and pipes cannot be uploaded)`);
  if (st.size === 0) throw new AppFailure('VALIDATION', `${p} is empty`);
  await fs.access(p, fsc.R_OK).catch(() => {
    throw new AppFailure('VALIDATION', `${p} is not readable by VirtDeck`);
  });
  return { path: p, size: st.size, name: path.basename(p) };
}

/** Where a download may go: inside an existing directory, and not onto a directory or a device. */
export async function writableTarget(p: string): Promise<string> {
  const dir = await fs.stat(path.dirname(p)).catch(() => null);
  if (!dir?.isDirectory()) throw new AppFailure('VALIDATION', `${path.dirname(p)} is not an existing folder`);
  const st = await fs.lstat(p).catch(() => null);
  if (st && !st.isFile()) throw new AppFailure('VALIDATION', `${p} exists and is not a regular file; choose another name`);
  return p;
}

/**
 * Writes a sparse download into a file: data at its offset, holes skipped
 * (the file system leaves them unallocated), the length set at the end so a
 * trailing hole still counts.
 */
export async function sparseFileSink(p: string): Promise<{ sink: (item: StreamItem) => Promise<void>; finish(size: number): Promise<void>; abort(): Promise<void> }> {
  const fh = await fs.open(p, 'w', 0o600);
  let offset = 0;
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await fh.close();
    }
  };
  return {
    async sink(item) {
      if (Buffer.isBuffer(item)) {
        for (let done = 0; done < item.length; ) done += (await fh.write(item, done, item.length - done, offset + done)).bytesWritten;
        offset += item.length;
      } else offset += item.hole;
    },
    async finish(size) {
      await fh.truncate(Math.max(size, offset));
      await fh.sync();
      await close();
    },
    async abort() {
      await close().catch(() => undefined);
      await fs.unlink(p).catch(() => undefined);
    },
  };
}
