// A minimal POSIX ustar writer and reader for backup archives.
//
// Written here rather than taken from a library on purpose: our members are a
// few hundred small in-memory buffers whose paths we generate ourselves
// (shared/backup/paths.ts: an ASCII alphabet, each path within ustar's
// name+prefix fields), so ustar's fixed 512-byte headers are all we need.
// node-tar (the kept implementation, present only as a build-tool dependency)
// packs from and extracts to the file system, which would mean writing hostile
// names to disk and back; the reader here instead refuses anything but plain
// files with safe relative paths, and never touches the file system. Any tar
// tool reads what this writes (`tar tzf` in docs/backup.md).

const BLOCK = 512;

export interface TarEntry {
  path: string;
  data: Buffer;
  /** Modification time, ms since epoch. */
  mtime: number;
}

function octal(n: number, width: number): string {
  // width-1 octal digits then NUL, as GNU and BSD tar write them.
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function splitPath(p: string): { name: string; prefix: string } {
  if (Buffer.byteLength(p) <= 100) return { name: p, prefix: '' };
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
    const prefix = p.slice(0, i);
    const name = p.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  throw new Error(`archive path too long for ustar: ${p}`);
}

export function tarHeader(path: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  const { name, prefix } = splitPath(path);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o600, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii'); // uid
  h.write(octal(0, 8), 116, 'ascii'); // gid
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum is computed with this field as spaces
  h.write('0', 156, 'ascii'); // regular file
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK, 0);

export function packTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) parts.push(tarHeader(e.path, e.data.length, e.mtime), e.data, padding(e.data.length));
  parts.push(Buffer.alloc(BLOCK * 2, 0)); // end of archive
  return Buffer.concat(parts);
}

export class TarFormatError extends Error {}

const cstr = (b: Buffer, start: number, len: number): string => {
  const slice = b.subarray(start, start + len);
  const end = slice.indexOf(0);
  return slice.subarray(0, end < 0 ? len : end).toString('utf8');
};

/**
 * Reads every member of an uncompressed ustar archive. Refuses (TarFormatError)
 * anything we would not have written: bad header checksums, links, devices,
 * directories, duplicate names, paths rejected by `isSafePath`.
 */
export function unpackTar(buf: Buffer, isSafePath: (p: string) => boolean): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (off + BLOCK <= buf.length) {
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) return out;
    const stored = parseInt(cstr(h, 148, 8).trim(), 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (stored !== sum) throw new TarFormatError(`bad tar header at byte ${off}`);
    const type = String.fromCharCode(h[156]!);
    const prefix = cstr(h, 345, 155);
    const name = cstr(h, 0, 100);
    const path = prefix ? `${prefix}/${name}` : name;
    const size = parseInt(cstr(h, 124, 12).trim() || '0', 8);
    if (!Number.isSafeInteger(size) || size < 0) throw new TarFormatError(`bad size for ${path}`);
    if (type !== '0' && type !== '\0') throw new TarFormatError(`unexpected member type '${type}' for ${path}`);
    if (!isSafePath(path)) throw new TarFormatError(`unexpected path in archive: ${JSON.stringify(path)}`);
    if (out.has(path)) throw new TarFormatError(`duplicate member ${path}`);
    const start = off + BLOCK;
    if (start + size > buf.length) throw new TarFormatError(`${path} is cut short`);
    out.set(path, Buffer.from(buf.subarray(start, start + size)));
    off = start + size + ((BLOCK - (size % BLOCK)) % BLOCK);
  }
  throw new TarFormatError('the archive ends without its end marker (truncated?)');
}
