import type { DomainSummary } from '../../../shared/model/domain';

/** Patches a host's domain list with a coalesced `domain.changed` batch. */
export function applyDomainChanges(list: DomainSummary[] | undefined, upserted: DomainSummary[], removed: string[]): DomainSummary[] | undefined {
  if (!list) return list;
  const gone = new Set(removed);
  const byUuid = new Map(upserted.map((d) => [d.uuid, d]));
  const next: DomainSummary[] = [];
  for (const d of list) {
    if (gone.has(d.uuid)) continue;
    const u = byUuid.get(d.uuid);
    if (u) byUuid.delete(d.uuid);
    next.push(u ?? d);
  }
  for (const d of byUuid.values()) next.push(d);
  return next.sort((a, b) => a.name.localeCompare(b.name));
}
