import fs from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { SeriesKind } from '../../../shared/model/metrics';

// Which VM a numeric series id (what frames carry) belongs to. The rule that
// keeps history honest: an id is handed out once. New series take ids above
// every id the registry knows AND every id found in the data files, so a
// damaged or lost registry orphans old history (it loses its name) but never
// lends one VM's history to another.

export interface SeriesInfo {
  id: number;
  kind: SeriesKind;
  /** 'host' or the VM's uuid. */
  key: string;
  name: string;
  lastSeen: number;
}

interface RegistryFile {
  v: 2;
  nextId: number;
  series: SeriesInfo[];
  /** crc32 of JSON.stringify([nextId, series]): a file that parses but was damaged is still refused. */
  crc: number;
}

const MAX_ID = 0xffff;
/** Registry entries outlive the 7-day tier by a day, then go. */
const KEEP_MS = 8 * 86_400_000;

const checksum = (nextId: number, series: SeriesInfo[]) => crc32(JSON.stringify([nextId, series]));

function parse(text: string): { nextId: number; series: SeriesInfo[] } | undefined {
  try {
    const j = JSON.parse(text) as RegistryFile | SeriesInfo[];
    // Version 1 was a bare array, without checksum.
    if (Array.isArray(j)) return { nextId: 0, series: j };
    if (j.v !== 2 || !Array.isArray(j.series) || checksum(j.nextId, j.series) !== j.crc) return undefined;
    return { nextId: j.nextId, series: j.series };
  } catch {
    return undefined;
  }
}

export class SeriesRegistry {
  private readonly byKey = new Map<string, SeriesInfo>();
  private readonly byId = new Map<number, SeriesInfo>();
  private nextId = 0;
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly idsInData: () => Set<number>,
    private readonly warn: (msg: string) => void,
  ) {}

  /**
   * Loads `<dir>/series.json`, or its last good copy when it is damaged. The
   * damaged file is kept aside (`series.json.damaged`) for a human to look at.
   */
  static async load(dir: string, idsInData: () => Set<number>, warn: (msg: string) => void = () => undefined): Promise<SeriesRegistry> {
    const file = path.join(dir, 'series.json');
    const r = new SeriesRegistry(file, idsInData, warn);
    const read = (f: string) => fs.readFile(f, 'utf8').then(parse, () => undefined);
    let got = await read(file);
    if (!got && (await fs.stat(file).catch(() => undefined))) {
      warn(`${file} is damaged; using its last good copy, series added since lose their names (never their ids)`);
      await fs.rename(file, `${file}.damaged`).catch(() => undefined);
      got = await read(`${file}.bak`);
    }
    for (const s of got?.series ?? []) {
      if (!Number.isInteger(s.id) || s.id < 0 || s.id > MAX_ID || r.byId.has(s.id) || r.byKey.has(s.key)) continue;
      r.byKey.set(s.key, s);
      r.byId.set(s.id, s);
    }
    const seen = [...r.byId.keys(), ...idsInData()];
    r.nextId = Math.max(got?.nextId ?? 0, seen.length ? Math.max(...seen) + 1 : 0);
    return r;
  }

  get(key: string): SeriesInfo | undefined {
    return this.byKey.get(key);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The series of `key`, created with a never-used id when new; its name and lastSeen kept current. */
  ensure(kind: SeriesKind, key: string, name: string, t: number): SeriesInfo {
    let s = this.byKey.get(key);
    if (!s) {
      s = { id: this.freshId(), kind, key, name, lastSeen: t };
      this.byKey.set(key, s);
      this.byId.set(s.id, s);
      this.dirty = true;
    } else if (s.name !== name || t - s.lastSeen > 3_600_000) {
      // lastSeen only needs hour precision (pruning after 8 days); avoid a rewrite per tick.
      s.name = name;
      s.lastSeen = t;
      this.dirty = true;
    }
    return s;
  }

  private freshId(): number {
    if (this.nextId <= MAX_ID) return this.nextId++;
    // 65,536 series in this host's lifetime: reuse an id that neither the registry nor any kept data holds.
    const used = this.idsInData();
    for (let id = 0; id <= MAX_ID; id++) if (!this.byId.has(id) && !used.has(id)) return id;
    throw new Error('too many metric series on this host');
  }

  /** Writes the registry if it changed: a copy of the previous good file first, then an atomic rename. */
  save(now: number): Promise<void> {
    if (!this.dirty) return this.saving;
    this.dirty = false;
    for (const [key, s] of this.byKey) {
      if (s.lastSeen < now - KEEP_MS) {
        this.byKey.delete(key);
        this.byId.delete(s.id);
      }
    }
    const series = [...this.byKey.values()];
    const body: RegistryFile = { v: 2, nextId: this.nextId, series, crc: checksum(this.nextId, series) };
    const text = JSON.stringify(body);
    this.saving = this.saving
      .then(async () => {
        // The copy is only worth keeping if it is good itself.
        const prev = await fs.readFile(this.file, 'utf8').catch(() => undefined);
        if (prev !== undefined && parse(prev)) await fs.writeFile(`${this.file}.bak`, prev);
        await fs.writeFile(`${this.file}.tmp`, text);
        await fs.rename(`${this.file}.tmp`, this.file);
      })
      .catch((e: unknown) => {
        this.dirty = true; // try again with the next change
        this.warn(`saving ${this.file} failed: ${String(e)}`);
      });
    return this.saving;
  }

}
