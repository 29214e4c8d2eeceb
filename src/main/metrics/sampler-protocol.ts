// Talking to the sampler script (sampler-script.ts): work lists out, ticks in.

/** Lines 1..N (a number), lines A..B (`A-B`), or `n`: a network device's counters from /proc/net/dev. */
export type ItemKind = number | `${number}-${number}` | 'n';

export interface WorkItem {
  /** Token without spaces naming what the line measures, e.g. `7c` (VM slot 7, CPU). */
  tag: string;
  kind: ItemKind;
  /** An absolute file path, or for kind `n` a network device name. */
  path: string;
}

/** Paths are carried as the rest of a line: anything but a newline (or NUL) is fine. */
export const pathIsCarriable = (p: string): boolean => p.length > 0 && p.length < 4096 && !/[\n\r\0]/.test(p);

/**
 * What awk may open: absolute, and none of gawk's special names (/inet/...
 * opens a socket, /dev/stdin and /dev/fd/N are the process's own streams).
 */
export const pathIsReadable = (p: string): boolean => pathIsCarriable(p) && p.startsWith('/') && !/^\/(dev|inet[46]?)(\/|$)/.test(p);

/** Linux interface names: 1-15 bytes, no '/', ':' or whitespace (dev_valid_name). */
export const netdevIsValid = (d: string): boolean => /^[^/:\s]{1,15}$/.test(d) && d !== '.' && d !== '..';

const kindIsValid = (k: ItemKind): boolean =>
  k === 'n' || (typeof k === 'number' ? Number.isInteger(k) && k >= 1 && k <= 99 : /^([1-9]\d?)-([1-9]\d?)$/.test(k) && Number(k.split('-')[0]) <= Number(k.split('-')[1]));

/** A complete list replacement: `F` (everything) or `W` (watched, sampled every second). Unsafe items are left out. */
export function encodeList(which: 'F' | 'W', items: readonly WorkItem[]): string {
  const lines: string[] = [which];
  for (const it of items) {
    if (!/^[A-Za-z0-9_]+$/.test(it.tag)) throw new Error(`bad sampler tag ${JSON.stringify(it.tag)}`);
    if (!kindIsValid(it.kind)) throw new Error(`bad sampler item kind ${JSON.stringify(it.kind)}`);
    if (!(it.kind === 'n' ? netdevIsValid(it.path) : pathIsReadable(it.path))) continue;
    lines.push(`${it.tag} ${it.kind} ${it.path}`);
  }
  lines.push('.');
  return lines.join('\n') + '\n';
}

export interface RawTick {
  /** Host uptime in seconds (10 ms resolution): rates use host time, not network-delayed arrival. */
  uptime: number;
  /** Lines per tag, in file order; a tag whose file is gone has none and is listed in `missing`. */
  items: Map<string, string[]>;
  missing: Set<string>;
}

/** Splits the sampler's stdout into ticks (`T <uptime>` … `E`); tolerant of chunking. */
export class TickParser {
  private buf = '';
  private cur: RawTick | undefined;
  /** Set by the answer to `p` (and announced at start). */
  pid: number | undefined;
  /** The sampler said `R`: it reads commands from here on. */
  ready = false;
  /** The sampler said `X <reason>` (no awk on the host): it exits. */
  failure: string | undefined;

  push(chunk: string): RawTick[] {
    const buf = this.buf + chunk;
    const done: RawTick[] = [];
    // An index walks the chunk (a tick of 100 VMs is ~800 lines): no re-slicing of the rest per line.
    let at = 0;
    let nl: number;
    while ((nl = buf.indexOf('\n', at)) >= 0) {
      const line = buf.slice(at, nl);
      at = nl + 1;
      if (line.startsWith('P ') && !this.cur) {
        this.pid = Number(line.slice(2));
      } else if (line === 'R' && !this.cur) {
        this.ready = true;
      } else if (line.startsWith('X ') && !this.cur) {
        this.failure = line.slice(2);
      } else if (line.startsWith('T ')) {
        this.cur = { uptime: Number(line.slice(2)), items: new Map(), missing: new Set() };
      } else if (line === 'E') {
        if (this.cur) done.push(this.cur);
        this.cur = undefined;
      } else if (this.cur) {
        const sp = line.indexOf(' ');
        if (sp <= 0) continue;
        const tag = line.slice(0, sp);
        const text = line.slice(sp + 1);
        if (text === '-') this.cur.missing.add(tag);
        else {
          const list = this.cur.items.get(tag);
          if (list) list.push(text);
          else this.cur.items.set(tag, [text]);
        }
      }
    }
    this.buf = buf.slice(at);
    // A runaway line without newline would grow forever; the script never writes one.
    if (this.buf.length > 1 << 20) this.buf = '';
    return done;
  }
}

/** `key value` lines (memory.stat, cpu.stat, meminfo with its `kB`) into numbers. */
export function keyedNumbers(lines: readonly string[] | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines ?? []) {
    const m = /^([A-Za-z0-9_()]+):?\s+(\d+)/.exec(l);
    if (m?.[1] && m[2]) out.set(m[1], Number(m[2]));
  }
  return out;
}

export const firstNumber = (lines: readonly string[] | undefined): number | undefined => {
  const m = /(\d+)/.exec(lines?.[0] ?? '');
  return m?.[1] ? Number(m[1]) : undefined;
};
