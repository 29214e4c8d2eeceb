import fs from 'node:fs';
import path from 'node:path';
import { metricsOf, type History, type SeriesKind } from '../../../shared/model/metrics';
import { HostHistory } from './host-history';

interface SeriesInfo {
  id: number;
  kind: SeriesKind;
  /** 'host' or the VM's uuid. */
  key: string;
  name: string;
  lastSeen: number;
}

export interface AppendRow {
  kind: SeriesKind;
  key: string;
  name: string;
  values: (number | null)[];
}

/**
 * Metrics history for every host under one directory (the config dir's
 * `metrics/`), in our own compact binary files: nothing native to rebuild for
 * Electron, one append per tick per host. Each host has a series registry
 * (series.json) mapping small numeric ids, which frames carry, to VM uuids.
 */
export class HistoryStore {
  private readonly hosts = new Map<string, { history: HostHistory; series: Map<string, SeriesInfo>; byId: Map<number, SeriesInfo>; dirty: boolean }>();

  constructor(
    readonly root: string,
    private readonly now: () => number = Date.now,
  ) {}

  private host(hostId: string) {
    let h = this.hosts.get(hostId);
    if (h) return h;
    const dir = path.join(this.root, hostId);
    fs.mkdirSync(dir, { recursive: true });
    const series = new Map<string, SeriesInfo>();
    const regFile = path.join(dir, 'series.json');
    if (fs.existsSync(regFile)) {
      try {
        for (const s of JSON.parse(fs.readFileSync(regFile, 'utf8')) as SeriesInfo[]) series.set(s.key, s);
      } catch {
        // A corrupt registry loses names, not data: ids are re-learned as VMs report.
      }
    }
    const history = new HostHistory(dir, this.now);
    history.open();
    h = { history, series, byId: new Map([...series.values()].map((s) => [s.id, s])), dirty: false };
    this.hosts.set(hostId, h);
    return h;
  }

  /** One tick of a host: all its rows in a single frame write. */
  append(hostId: string, t: number, rows: readonly AppendRow[]): void {
    const h = this.host(hostId);
    const entries = rows.map((r) => {
      let s = h.series.get(r.key);
      if (!s) {
        const id = h.series.size ? Math.max(...[...h.byId.keys()]) + 1 : 0;
        if (id > 0xffff) throw new Error(`${hostId}: too many metric series`);
        s = { id, kind: r.kind, key: r.key, name: r.name, lastSeen: t };
        h.series.set(r.key, s);
        h.byId.set(id, s);
        h.dirty = true;
      } else if (s.name !== r.name || t - s.lastSeen > 3_600_000) {
        // lastSeen only needs hour precision (pruning after 8 days); avoid a rewrite per tick.
        s.name = r.name;
        s.lastSeen = t;
        h.dirty = true;
      }
      return { id: s.id, values: r.values };
    });
    entries.sort((a, b) => a.id - b.id);
    if (h.dirty) this.saveRegistry(hostId);
    h.history.append(t, entries);
  }

  private saveRegistry(hostId: string): void {
    const h = this.hosts.get(hostId)!;
    const keep = [...h.series.values()].filter((s) => s.lastSeen > this.now() - 8 * 86_400_000);
    const file = path.join(this.root, hostId, 'series.json');
    fs.writeFileSync(file + '.tmp', JSON.stringify(keep));
    fs.renameSync(file + '.tmp', file);
    h.dirty = false;
  }

  query(hostId: string, key: string, from: number, to: number, maxPoints: number): History {
    const kind: SeriesKind = key === 'host' ? 'host' : 'vm';
    const metrics = [...metricsOf(kind)];
    const h = this.host(hostId);
    const s = h.series.get(key);
    if (!s) return { kind, metrics, step: 1, t: [], columns: metrics.map(() => []) };
    const r = h.history.query(s.id, metrics.length, from, to, maxPoints);
    return { kind, metrics, step: r.step, t: r.t, columns: r.columns };
  }

  /** Name of a stored series (a VM may be gone while its history remains). */
  nameOf(hostId: string, key: string): string | undefined {
    return this.host(hostId).series.get(key)?.name;
  }

  footprint(): { memoryBytes: number; diskBytes: number } {
    let memoryBytes = 0;
    let diskBytes = 0;
    for (const h of this.hosts.values()) {
      const f = h.history.footprint();
      memoryBytes += f.memoryBytes + h.series.size * 200;
      diskBytes += f.diskBytes;
    }
    return { memoryBytes, diskBytes };
  }

  close(): void {
    for (const [id, h] of this.hosts) {
      if (h.dirty) this.saveRegistry(id);
      h.history.close();
    }
    this.hosts.clear();
  }
}
