// Talking to the sampler script (sampler-script.ts): work lists out, ticks in.

export interface WorkItem {
  /** Token without spaces naming what the line measures, e.g. `7c` (VM slot 7, CPU). */
  tag: string;
  /** Lines to read from the file, or `n` for a network statistics directory. */
  kind: number | 'n';
  path: string;
}

/** Paths are carried as the rest of a line: anything but a newline (or NUL) is fine. */
export const pathIsCarriable = (p: string): boolean => p.length > 0 && p.length < 4096 && !/[\n\r\0]/.test(p);

/** A complete list replacement: `F` (everything) or `W` (watched, sampled every second). */
export function encodeList(which: 'F' | 'W', items: readonly WorkItem[]): string {
  const lines: string[] = [which];
  for (const it of items) {
    if (!/^[A-Za-z0-9_]+$/.test(it.tag)) throw new Error(`bad sampler tag ${JSON.stringify(it.tag)}`);
    if (!pathIsCarriable(it.path)) continue;
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
  /** Set by the answer to `p`. */
  pid: number | undefined;

  push(chunk: string): RawTick[] {
    this.buf += chunk;
    const done: RawTick[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (line.startsWith('P ') && !this.cur) {
        this.pid = Number(line.slice(2));
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
