import type { DomainSummary } from '../../../shared/model/domain';

export type SortKey = 'name' | 'state' | 'vcpus' | 'memory' | 'ips' | 'tags';
export interface Sort {
  key: SortKey;
  dir: 1 | -1;
}

// Running first when sorting by state: what an admin scans for.
const STATE_RANK: Record<string, number> = { running: 0, blocked: 1, paused: 2, pmsuspended: 3, shutdown: 4, crashed: 5, shutoff: 6, nostate: 7 };
const text = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });

// Dotted quads compare numerically (10.0.0.9 before 10.0.0.10).
const ipKey = (ip: string | undefined) => (ip ? ip.split('.').map((p) => p.padStart(3, '0')).join('.') : '\uffff');

export function sortDomains(list: readonly DomainSummary[], sort: Sort): DomainSummary[] {
  const cmp = (a: DomainSummary, b: DomainSummary): number => {
    switch (sort.key) {
      case 'name':
        return text(a.name, b.name);
      case 'state':
        return (STATE_RANK[a.state] ?? 9) - (STATE_RANK[b.state] ?? 9);
      case 'vcpus':
        return (a.vcpus ?? 0) - (b.vcpus ?? 0);
      case 'memory':
        return (a.memoryKiB ?? 0) - (b.memoryKiB ?? 0);
      case 'ips':
        return ipKey(a.ips[0]).localeCompare(ipKey(b.ips[0]));
      case 'tags':
        return text(a.tags.join(','), b.tags.join(','));
    }
  };
  // Ties fall back to name so the order is stable as state changes stream in.
  return [...list].sort((a, b) => cmp(a, b) * sort.dir || text(a.name, b.name));
}
