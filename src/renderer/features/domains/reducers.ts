import type { DomainListing, DomainSeq } from '../../../shared/ipc/calls/domains';
import type { DomainSummary } from '../../../shared/model/domain';

// A host's domain list as the renderer caches it, with the sequence guard that
// keeps an older read from overwriting a newer one (Headlamp's list reducer,
// with the core's per-host `seq` standing in for resourceVersion).
//
// Every answer about a domain carries the stamp of the read that produced it
// (shared/ipc/calls/domains.ts). Answers arrive out of order: a `domains.list`
// started before a burst of events lands after their `domain.changed`, two
// refreshes overlap, an undefine races a re-list. Each row remembers the stamp
// it came from, each removal leaves a tombstone with its stamp, and an answer
// only changes a row it is newer than. All of it is pure and unit-tested.

export interface DomainList {
  /** The core process the stamps below belong to. */
  epoch: string;
  /** Rows by name, what every view shows. */
  rows: DomainSummary[];
  /** uuid -> seq of the read that produced its row. */
  seqs: Record<string, number>;
  /** uuid -> seq of the read that found it undefined; dropped once a newer listing supersedes it. */
  gone: Record<string, number>;
  /** Whether a full listing is in (false: only events so far, held until the list lands). */
  listed: boolean;
}

export interface DomainChange extends DomainSeq {
  upserted: DomainSummary[];
  removed: string[];
}

const byName = (a: DomainSummary, b: DomainSummary) => a.name.localeCompare(b.name);

const empty = (epoch: string): DomainList => ({ epoch, rows: [], seqs: {}, gone: {}, listed: false });

/**
 * Stamps of another core process (serve restarted) mean nothing here: keep
 * the rows on screen, but let any answer from the new core replace them.
 */
function rebase(list: DomainList | undefined, epoch: string): DomainList {
  if (!list) return empty(epoch);
  return list.epoch === epoch ? list : { ...list, epoch, seqs: {}, gone: {} };
}

/** Applies a pushed `domain.changed` batch, row by row, where it is newer than what we hold. */
export function applyDomainChange(list: DomainList | undefined, change: DomainChange): DomainList {
  const base = rebase(list, change.epoch);
  const { seq } = change;
  const seqs = { ...base.seqs };
  const gone = { ...base.gone };
  const rows = new Map(base.rows.map((d) => [d.uuid, d]));
  let changed = base !== list;
  for (const d of change.upserted) {
    if ((seqs[d.uuid] ?? -1) >= seq || (gone[d.uuid] ?? -1) >= seq) continue;
    rows.set(d.uuid, d);
    seqs[d.uuid] = seq;
    delete gone[d.uuid];
    changed = true;
  }
  for (const uuid of change.removed) {
    // A newer read saw it defined (undefined, then defined again with the same uuid).
    if ((seqs[uuid] ?? -1) >= seq || (gone[uuid] ?? -1) >= seq) continue;
    rows.delete(uuid);
    delete seqs[uuid];
    gone[uuid] = seq;
    changed = true;
  }
  if (!changed) return base;
  return { epoch: base.epoch, rows: [...rows.values()].sort(byName), seqs, gone: capTombstones(gone), listed: base.listed };
}

/**
 * Tombstones only guard against reads still in flight, and a listing settles
 * them; a long session of creates and deletes without a re-list must not grow
 * them forever, so only the newest are kept.
 */
export const MAX_TOMBSTONES = 1000;
function capTombstones(gone: Record<string, number>): Record<string, number> {
  const entries = Object.entries(gone);
  if (entries.length <= MAX_TOMBSTONES) return gone;
  return Object.fromEntries(entries.sort((a, b) => b[1] - a[1]).slice(0, MAX_TOMBSTONES));
}

/**
 * Merges a full listing into what we hold: the listing wins for every row
 * except those a newer read already changed (kept) or removed (left out);
 * rows it does not mention go, unless a newer read created them.
 */
export function mergeListing(list: DomainList | undefined, listing: DomainListing): DomainList {
  const held = rebase(list, listing.epoch);
  const { seq } = listing;
  const rows = new Map<string, DomainSummary>();
  const seqs: Record<string, number> = {};
  const gone: Record<string, number> = {};
  for (const d of listing.domains) {
    if ((held.gone[d.uuid] ?? -1) > seq) continue;
    const newer = (held.seqs[d.uuid] ?? -1) > seq ? held.rows.find((r) => r.uuid === d.uuid) : undefined;
    rows.set(d.uuid, newer ?? d);
    seqs[d.uuid] = newer ? held.seqs[d.uuid]! : seq;
  }
  for (const d of held.rows) {
    const s = held.seqs[d.uuid] ?? -1;
    if (!rows.has(d.uuid) && s > seq) {
      rows.set(d.uuid, d);
      seqs[d.uuid] = s;
    }
  }
  // Tombstones older than this listing are settled by it.
  for (const [uuid, s] of Object.entries(held.gone)) if (s > seq) gone[uuid] = s;
  return { epoch: listing.epoch, rows: [...rows.values()].sort(byName), seqs, gone, listed: true };
}

/** A local edit the core confirmed (autostart, tags): changes the row, not its stamp. */
export function patchRow(list: DomainList | undefined, uuid: string, patch: Partial<DomainSummary>): DomainList | undefined {
  if (!list || !list.rows.some((d) => d.uuid === uuid)) return list;
  return { ...list, rows: list.rows.map((d) => (d.uuid === uuid ? { ...d, ...patch } : d)) };
}

/** A domain we deleted ourselves; its undefine event confirms it with a stamp. */
export function dropRow(list: DomainList | undefined, uuid: string): DomainList | undefined {
  if (!list || !list.rows.some((d) => d.uuid === uuid)) return list;
  const { [uuid]: _dropped, ...seqs } = list.seqs;
  return { ...list, rows: list.rows.filter((d) => d.uuid !== uuid), seqs };
}
