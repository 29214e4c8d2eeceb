// A minimal ISO 9660 writer for cloud-init NoCloud seeds: one root directory
// of small files, a primary volume (strict 8.3 names, for any reader) and a
// Joliet supplementary volume carrying the real names ("user-data",
// "meta-data", "network-config") that Linux and cloud-init read.
// Written here because npm has no ISO 9660 writer and hosts are not
// guaranteed to have genisoimage/xorriso (see the create wizard's design).
// Layout (2048-byte sectors): 0-15 system area, 16 primary descriptor,
// 17 Joliet descriptor, 18 terminator, 19-22 path tables, 23 primary root,
// 24 Joliet root, then each file's data on its own sectors.
// References: ECMA-119 (ISO 9660) sections 8.4, 9.1, 9.4; Joliet spec 1995.

const SECTOR = 2048;

export interface IsoFile {
  /** Name as readers should see it (Joliet): up to 64 characters, no '/'. */
  name: string;
  data: Uint8Array;
}

export interface IsoOptions {
  /** Volume label, e.g. 'cidata' (cloud-init matches it case-insensitively). */
  label: string;
  files: IsoFile[];
  /** Recording time for every date field (default now): pass one for reproducible images. */
  date?: Date;
}

export function buildIso(opts: IsoOptions): Uint8Array {
  const files = [...opts.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const f of files) {
    if (!f.name || f.name.length > 64 || /[/\\\0]/.test(f.name)) throw new Error(`ISO file name not allowed: ${JSON.stringify(f.name)}`);
  }
  if (new Set(files.map((f) => f.name)).size !== files.length) throw new Error('ISO file names must be unique');
  const date = opts.date ?? new Date();
  const primaryNames = shortNames(files.map((f) => f.name));

  const PVD = 16;
  const SVD = 17;
  const TERM = 18;
  const L_PRI = 19;
  const M_PRI = 20;
  const L_JOL = 21;
  const M_JOL = 22;
  const ROOT_PRI = 23;
  const ROOT_JOL = 24;
  let next = 25;
  const extents = files.map((f) => {
    const at = next;
    next += Math.max(1, Math.ceil(f.data.length / SECTOR));
    return at;
  });
  const total = next;

  const img = new Uint8Array(total * SECTOR);
  const dv = new DataView(img.buffer);
  const put = (sector: number, offset: number, bytes: Uint8Array) => img.set(bytes, sector * SECTOR + offset);

  // Root directories: ".", "..", then one record per file.
  const rootRecords = (joliet: boolean, self: number) => {
    const recs = [dirRecord(self, SECTOR, date, true, new Uint8Array([0])), dirRecord(self, SECTOR, date, true, new Uint8Array([1]))];
    files.forEach((f, i) => {
      const id = joliet ? ucs2(f.name) : ascii(`${primaryNames[i]};1`);
      recs.push(dirRecord(extents[i] as number, f.data.length, date, false, id));
    });
    const out = concat(recs);
    if (out.length > SECTOR) throw new Error('too many files for a one-sector root directory');
    return out;
  };
  put(ROOT_PRI, 0, rootRecords(false, ROOT_PRI));
  put(ROOT_JOL, 0, rootRecords(true, ROOT_JOL));
  files.forEach((f, i) => put(extents[i] as number, 0, f.data));

  // Path tables: only the root (identifier 0x00, parent 1).
  const pathTable = (loc: number, bigEndian: boolean) => {
    const b = new Uint8Array(10);
    const v = new DataView(b.buffer);
    b[0] = 1;
    v.setUint32(2, loc, !bigEndian);
    v.setUint16(6, 1, !bigEndian);
    return b;
  };
  put(L_PRI, 0, pathTable(ROOT_PRI, false));
  put(M_PRI, 0, pathTable(ROOT_PRI, true));
  put(L_JOL, 0, pathTable(ROOT_JOL, false));
  put(M_JOL, 0, pathTable(ROOT_JOL, true));

  const descriptor = (sector: number, joliet: boolean) => {
    const o = sector * SECTOR;
    img[o] = joliet ? 2 : 1;
    img.set(ascii('CD001'), o + 1);
    img[o + 6] = 1;
    const text = (at: number, len: number, s: string) => img.set(joliet ? padUcs2(s, len) : padAscii(s.toUpperCase(), len), o + at);
    text(8, 32, '');
    text(40, 32, joliet ? opts.label : dChars(opts.label));
    both32(dv, o + 80, total);
    if (joliet) img.set(ascii('%/E'), o + 88); // UCS-2 level 3
    both16(dv, o + 120, 1);
    both16(dv, o + 124, 1);
    both16(dv, o + 128, SECTOR);
    both32(dv, o + 132, 10);
    dv.setUint32(o + 140, joliet ? L_JOL : L_PRI, true);
    dv.setUint32(o + 148, joliet ? M_JOL : M_PRI, false);
    img.set(dirRecord(joliet ? ROOT_JOL : ROOT_PRI, SECTOR, date, true, new Uint8Array([0])), o + 156);
    text(190, 128, '');
    text(318, 128, '');
    text(446, 128, '');
    text(574, 128, 'VIRTDECK');
    text(702, 37, '');
    text(739, 37, '');
    text(776, 37, '');
    img.set(longDate(date), o + 813);
    img.set(longDate(date), o + 830);
    img.set(longDate(null), o + 847);
    img.set(longDate(null), o + 864);
    img[o + 881] = 1;
  };
  descriptor(PVD, false);
  descriptor(SVD, true);
  const t = TERM * SECTOR;
  img[t] = 255;
  img.set(ascii('CD001'), t + 1);
  img[t + 6] = 1;
  return img;
}

/** Level 1 names (8.3, d-characters), unique: USERDATA., METADATA., NETWORKC. */
function shortNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    const dot = n.lastIndexOf('.');
    const base = dChars(dot > 0 ? n.slice(0, dot) : n).slice(0, 8) || 'FILE';
    const ext = dot > 0 ? dChars(n.slice(dot + 1)).slice(0, 3) : '';
    let candidate = `${base}.${ext}`;
    for (let i = 1; used.has(candidate); i++) candidate = `${base.slice(0, 8 - String(i).length - 1)}_${i}.${ext}`;
    used.add(candidate);
    return candidate;
  });
}

const dChars = (s: string) => s.toUpperCase().replace(/[^A-Z0-9_]/g, '');

function dirRecord(extent: number, size: number, date: Date, dir: boolean, id: Uint8Array): Uint8Array {
  const len = 33 + id.length + (id.length % 2 === 0 ? 1 : 0);
  const b = new Uint8Array(len);
  const v = new DataView(b.buffer);
  b[0] = len;
  both32(v, 2, extent);
  both32(v, 10, size);
  b.set(shortDate(date), 18);
  b[25] = dir ? 2 : 0;
  both16(v, 28, 1);
  b[32] = id.length;
  b.set(id, 33);
  return b;
}

function both16(v: DataView, at: number, n: number): void {
  v.setUint16(at, n, true);
  v.setUint16(at + 2, n, false);
}
function both32(v: DataView, at: number, n: number): void {
  v.setUint32(at, n, true);
  v.setUint32(at + 4, n, false);
}

/** 7-byte directory date (UTC). */
function shortDate(d: Date): Uint8Array {
  return new Uint8Array([d.getUTCFullYear() - 1900, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), 0]);
}

/** 17-byte descriptor date "YYYYMMDDHHMMSScc" + UTC offset; all zeros-as-digits when unset. */
function longDate(d: Date | null): Uint8Array {
  const b = new Uint8Array(17);
  if (!d) {
    b.set(ascii('0000000000000000'));
    return b;
  }
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  b.set(ascii(`${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1, 2)}${p(d.getUTCDate(), 2)}${p(d.getUTCHours(), 2)}${p(d.getUTCMinutes(), 2)}${p(d.getUTCSeconds(), 2)}00`));
  return b;
}

function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0x7f;
  return b;
}
function padAscii(s: string, len: number): Uint8Array {
  return ascii(s.slice(0, len).padEnd(len, ' '));
}
function ucs2(s: string): Uint8Array {
  const b = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    b[2 * i] = s.charCodeAt(i) >> 8;
    b[2 * i + 1] = s.charCodeAt(i) & 0xff;
  }
  return b;
}
function padUcs2(s: string, len: number): Uint8Array {
  const b = ucs2(s.slice(0, Math.floor(len / 2)).padEnd(Math.floor(len / 2), ' '));
  const out = new Uint8Array(len);
  out.set(b);
  return out;
}
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
