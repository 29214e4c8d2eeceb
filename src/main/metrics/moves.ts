import fs from 'node:fs';
import path from 'node:path';
import type { History } from '../../shared/model/metrics';

// A VM's metrics history follows it across migrations. The history store
// keeps each host's series in that host's own append-only files, so instead
// of rewriting a week of frames into another host's files, we remember where
// the VM lived (uuid -> hosts, with the time it left each) and a query for
// the VM on any host merges the series of every host it ran on.

export interface VmMove {
  uuid: string;
  from: string;
  to: string;
  /** Unix ms of the switchover. */
  at: number;
}

/** Kept as long as the history tiers (7 days), plus a day of slack. */
const KEEP_MS = 8 * 86_400_000;

export class VmMoves {
  private moves: VmMove[] = [];

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {
    try {
      const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      if (Array.isArray(raw)) this.moves = raw.filter(isMove);
    } catch {
      // No file yet, or unreadable: history merges start from now.
    }
  }

  record(m: VmMove): void {
    this.moves = [...this.moves.filter((x) => x.at > this.now() - KEEP_MS), m];
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file + '.tmp', JSON.stringify(this.moves));
    fs.renameSync(this.file + '.tmp', this.file);
  }

  /** Every host the VM's history may be on, `hostId` first. */
  hostsOf(uuid: string, hostId: string): string[] {
    const out = [hostId];
    for (const m of this.moves) {
      if (m.uuid !== uuid) continue;
      for (const h of [m.from, m.to]) if (!out.includes(h)) out.push(h);
    }
    return out;
  }

  get count(): number {
    return this.moves.length;
  }
}

function isMove(x: unknown): x is VmMove {
  const m = x as VmMove;
  return !!m && typeof m.uuid === 'string' && typeof m.from === 'string' && typeof m.to === 'string' && typeof m.at === 'number';
}

/**
 * Merges the histories of one VM from several hosts (same kind, same query):
 * points are united by time; where two hosts have the same bucket (the
 * switchover second), each column takes the first value that is not null.
 */
export function mergeHistories(parts: readonly History[]): History {
  const withData = parts.filter((p) => p.t.length > 0);
  if (withData.length <= 1) return withData[0] ?? parts[0]!;
  const step = Math.max(...withData.map((p) => p.step));
  const width = withData[0]!.columns.length;
  const byT = new Map<number, (number | null)[]>();
  for (const p of withData) {
    p.t.forEach((t, i) => {
      const row = byT.get(t) ?? Array.from({ length: width }, () => null);
      for (let c = 0; c < width; c++) row[c] ??= p.columns[c]?.[i] ?? null;
      byT.set(t, row);
    });
  }
  const ts = [...byT.keys()].sort((a, b) => a - b);
  return {
    kind: withData[0]!.kind,
    metrics: withData[0]!.metrics,
    step,
    t: ts,
    columns: Array.from({ length: width }, (_, c) => ts.map((t) => byT.get(t)![c]!)),
  };
}
