import fs from 'node:fs/promises';
import path from 'node:path';
import { metricsOf, type History, type SeriesKind } from '../../../shared/model/metrics';
import type { StoreFs } from './append-file';
import { HostHistory } from './host-history';
import { SeriesRegistry } from './series-registry';

export interface AppendRow {
  kind: SeriesKind;
  key: string;
  name: string;
  values: (number | null)[];
}

export interface HistoryStoreOptions {
  now?: () => number;
  /** File operations (tests wrap them to fail part-way). */
  io?: StoreFs;
  /** A write or open that failed; the store goes on with the next tick. */
  onError?: (hostId: string, e: unknown) => void;
}

interface HostStore {
  history: HostHistory;
  registry: SeriesRegistry;
}

/**
 * Metrics history for every host under one directory (the config dir's
 * `metrics/`), in our own compact binary files: nothing native to rebuild for
 * Electron, one append per tick per host. Each host has a series registry
 * (series.json) mapping small numeric ids, which frames carry, to VM uuids.
 * All file work is asynchronous: the event loop that serves calls never
 * waits on the disk. Appends apply in call order (one promise chain per host).
 */
export class HistoryStore {
  private readonly hosts = new Map<string, Promise<HostStore>>();
  private readonly now: () => number;

  constructor(
    readonly root: string,
    private readonly opts: HistoryStoreOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  private host(hostId: string): Promise<HostStore> {
    let h = this.hosts.get(hostId);
    if (!h) {
      const dir = path.join(this.root, hostId);
      const onError = (e: unknown) => this.opts.onError?.(hostId, e);
      h = (async () => {
        await fs.mkdir(dir, { recursive: true });
        const history = await HostHistory.open(dir, { now: this.now, io: this.opts.io, onError });
        const registry = await SeriesRegistry.load(dir, () => history.idsInData(), (msg) => onError(new Error(msg)));
        return { history, registry };
      })();
      this.hosts.set(hostId, h);
      // A host whose directory can't be opened is retried on its next append.
      h.catch((e: unknown) => {
        if (this.hosts.get(hostId) === h) this.hosts.delete(hostId);
        onError(e);
      });
    }
    return h;
  }

  /** One tick of a host: all its rows in a single frame write (queued; never blocks). */
  append(hostId: string, t: number, rows: readonly AppendRow[]): void {
    this.host(hostId)
      .then(({ history, registry }) => {
        const entries = rows.map((r) => ({ id: registry.ensure(r.kind, r.key, r.name, t).id, values: r.values }));
        entries.sort((a, b) => a.id - b.id);
        void registry.save(this.now());
        history.append(t, entries);
      })
      .catch((e: unknown) => this.opts.onError?.(hostId, e));
  }

  async query(hostId: string, key: string, from: number, to: number, maxPoints: number): Promise<History> {
    const kind: SeriesKind = key === 'host' ? 'host' : 'vm';
    const metrics = [...metricsOf(kind)];
    const { history, registry } = await this.host(hostId);
    const s = registry.get(key);
    if (!s) return { kind, metrics, step: 1, t: [], columns: metrics.map(() => []) };
    const r = await history.query(s.id, metrics.length, from, to, maxPoints);
    return { kind, metrics, step: r.step, t: r.t, columns: r.columns };
  }

  /** Name of a stored series (a VM may be gone while its history remains). */
  async nameOf(hostId: string, key: string): Promise<string | undefined> {
    return (await this.host(hostId)).registry.get(key)?.name;
  }

  /** Resolves when every append so far has reached the disk (or failed and been reported). */
  async flush(): Promise<void> {
    for (const h of this.hosts.values()) {
      const { history, registry } = await h.catch(() => ({ history: undefined, registry: undefined }));
      await history?.flush();
      await registry?.save(this.now());
    }
  }

  async footprint(): Promise<{ memoryBytes: number; diskBytes: number }> {
    let memoryBytes = 0;
    let diskBytes = 0;
    for (const h of this.hosts.values()) {
      const { history, registry } = await h;
      const f = await history.footprint();
      memoryBytes += f.memoryBytes + registry.size * 200;
      diskBytes += f.diskBytes;
    }
    return { memoryBytes, diskBytes };
  }

  async close(): Promise<void> {
    const all = [...this.hosts.values()];
    this.hosts.clear();
    for (const h of all) {
      const got = await h.catch(() => undefined);
      if (!got) continue;
      await got.registry.save(this.now());
      await got.history.close();
    }
  }
}
