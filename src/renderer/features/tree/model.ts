import type { DomainSummary } from '../../../shared/model/domain';
import type { Host } from '../../../shared/model/host';
import { domainMatchable, matchDomain, matchHost, type FilterTerm } from './filter';
import { i18n } from '../../i18n/instance';

// The sidebar tree flattened into rows so it can be windowed: a list of 2,000
// VMs renders ~40 DOM rows. ARIA position (level/setsize/posinset) is carried
// per row because the DOM no longer nests.

/** What the tree knows of one host's VM list (only connected hosts are listed). */
export type DomainsView =
  | { status: 'unavailable' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; list: DomainSummary[] };

interface RowBase {
  key: string;
  level: number;
  parentKey?: string;
}
export interface GroupRow extends RowBase {
  kind: 'group';
  name: string;
  expanded: boolean;
  hostCount: number;
  setSize: number;
  posInSet: number;
}
export interface HostRow extends RowBase {
  kind: 'host';
  host: Host;
  expanded: boolean;
  expandable: boolean;
  /** VMs shown under it (after filtering), when listed. */
  vmCount?: number;
  setSize: number;
  posInSet: number;
}
export interface DomainRow extends RowBase {
  kind: 'domain';
  domain: DomainSummary;
  hostId: string;
  /** Selection key, `hostId/uuid`. */
  selKey: string;
  setSize: number;
  posInSet: number;
}
/** Inline text under a host (why it is down, loading, empty): not focusable. */
export interface NoteRow extends RowBase {
  kind: 'note';
  hostId: string;
  tone: 'error' | 'warn' | 'muted';
  text: string;
  retryAt?: number;
}
export type TreeRow = GroupRow | HostRow | DomainRow | NoteRow;

export interface FlattenInput {
  hosts: Host[];
  domainsOf(hostId: string): DomainsView;
  /** Folds to apply: the saved ones, or while filtering the filter's own (see tree/store.ts). */
  collapsedHosts: Readonly<Record<string, boolean>>;
  collapsedGroups: Readonly<Record<string, boolean>>;
  filter: FilterTerm[];
}

export const UNGROUPED = '';
export const domainSelKey = (hostId: string, uuid: string) => `${hostId}/${uuid}`;
export const hostRowKey = (hostId: string) => `h:${hostId}`;
export const domainRowKey = (hostId: string, uuid: string) => `d:${hostId}/${uuid}`;
export const groupRowKey = (group: string) => `g:${group}`;

const byName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });

export const hostKeyChangedText = (): string => i18n.t('tree:keyChanged');

function hostNote(h: Host, level: number, parentKey: string): NoteRow | null {
  const s = h.state;
  if (s.status === 'connected' || s.status === 'connecting') return null;
  const key = `n:${h.config.id}`;
  const base = { kind: 'note' as const, key, level, parentKey, hostId: h.config.id };
  if (s.errorCode === 'HOST_KEY_MISMATCH') {
    // Built from the core's fields when it gave them (the host page lays out the rest).
    const k = s.hostKey;
    const text = k
      ? i18n.t('tree:keyRefused', { kind: k.kind, where: `${k.hostname}${k.port === 22 ? '' : `:${k.port}`}${k.role ? ` (${k.role})` : ''}`, offered: k.offered })
      : !s.reason
        ? hostKeyChangedText()
        : /^host key/i.test(s.reason)
          ? s.reason
          : i18n.t('tree:keyChangedReason', { reason: s.reason });
    return { ...base, tone: 'error', text };
  }
  if (!s.reason && s.retryAt === undefined) return null;
  return {
    ...base,
    tone: s.status === 'needs-auth' ? 'warn' : s.status === 'unreachable' ? 'error' : 'muted',
    text: s.reason ?? '',
    ...(s.retryAt !== undefined ? { retryAt: s.retryAt } : {}),
  };
}

/** Groups in display order: named groups alphabetically, ungrouped last. */
export function groupHosts(hosts: Host[]): Array<{ group: string; hosts: Host[] }> {
  const map = new Map<string, Host[]>();
  for (const h of hosts) {
    const g = h.config.group?.trim() || UNGROUPED;
    let list = map.get(g);
    if (!list) map.set(g, (list = []));
    list.push(h);
  }
  return [...map.entries()]
    .sort(([a], [b]) => (a === UNGROUPED ? 1 : b === UNGROUPED ? -1 : byName(a, b)))
    .map(([group, list]) => ({ group, hosts: [...list].sort((a, b) => byName(a.config.name, b.config.name)) }));
}

export function flattenTree(input: FlattenInput): TreeRow[] {
  const { filter } = input;
  const filtering = filter.length > 0;
  // A host "matches on its own" (and shows its VMs) only through a positive
  // term (`host:kvm1`, `state:unreachable`); negated terms then narrow its VMs.
  // Otherwise `-tag:web` would match every host and hide nothing.
  const hasPositive = filter.some((t) => !t.negate);
  const negated = filter.filter((t) => t.negate);
  const groups = groupHosts(input.hosts);
  // Group headers only earn their space when someone actually uses groups.
  const showGroups = groups.some((g) => g.group !== UNGROUPED);
  const rows: TreeRow[] = [];

  type HostBlock = { host: Host; domains: DomainSummary[] | null; view: DomainsView };
  const blocksByGroup = groups
    .map(({ group, hosts }) => {
      const blocks: HostBlock[] = [];
      for (const host of hosts) {
        const view = host.state.status === 'connected' ? input.domainsOf(host.config.id) : ({ status: 'unavailable' } as const);
        const all = view.status === 'ready' ? view.list : null;
        if (!filtering) {
          blocks.push({ host, domains: all, view });
          continue;
        }
        if (hasPositive && matchHost(filter, host)) {
          const kept = all && negated.length ? all.filter((d) => matchDomain(negated, domainMatchable(d, host.config.name))) : all;
          blocks.push({ host, domains: kept, view });
          continue;
        }
        const hits = (all ?? []).filter((d) => matchDomain(filter, domainMatchable(d, host.config.name)));
        if (hits.length) blocks.push({ host, domains: hits, view });
      }
      return { group, blocks };
    })
    .filter((g) => g.blocks.length > 0);

  blocksByGroup.forEach(({ group, blocks }, gi) => {
    let hostLevel = 1;
    let parentKey: string | undefined;
    if (showGroups) {
      const key = groupRowKey(group);
      const expanded = !input.collapsedGroups[group];
      rows.push({ kind: 'group', key, level: 1, name: group, expanded, hostCount: blocks.length, setSize: blocksByGroup.length, posInSet: gi + 1 });
      if (!expanded) return;
      hostLevel = 2;
      parentKey = key;
    }
    blocks.forEach(({ host, domains, view }, hi) => {
      const id = host.config.id;
      const key = hostRowKey(id);
      const expandable = view.status !== 'unavailable';
      const expanded = expandable && !input.collapsedHosts[id];
      rows.push({
        kind: 'host',
        key,
        level: hostLevel,
        ...(parentKey ? { parentKey } : {}),
        host,
        expanded,
        expandable,
        ...(domains ? { vmCount: domains.length } : {}),
        setSize: blocks.length,
        posInSet: hi + 1,
      });
      const note = hostNote(host, hostLevel + 1, key);
      if (note) rows.push(note);
      if (!expanded) return;
      const childLevel = hostLevel + 1;
      if (view.status === 'loading') rows.push({ kind: 'note', key: `c:${id}`, level: childLevel, parentKey: key, hostId: id, tone: 'muted', text: i18n.t('tree:loadingVms') });
      else if (view.status === 'error')
        rows.push({ kind: 'note', key: `c:${id}`, level: childLevel, parentKey: key, hostId: id, tone: 'error', text: i18n.t('tree:listError', { message: view.message }) });
      else if (domains && domains.length === 0)
        rows.push({ kind: 'note', key: `c:${id}`, level: childLevel, parentKey: key, hostId: id, tone: 'muted', text: i18n.t('tree:noVms') });
      const sorted = domains ? [...domains].sort((a, b) => byName(a.name, b.name)) : [];
      sorted.forEach((d, di) => {
        rows.push({
          kind: 'domain',
          key: domainRowKey(id, d.uuid),
          level: childLevel,
          parentKey: key,
          domain: d,
          hostId: id,
          selKey: domainSelKey(id, d.uuid),
          setSize: sorted.length,
          posInSet: di + 1,
        });
      });
    });
  });
  return rows;
}

/** Rows keyboard focus may land on (notes are descriptions, not items). */
export const isFocusable = (r: TreeRow) => r.kind !== 'note';

export const visibleDomainKeys = (rows: TreeRow[]): string[] => rows.flatMap((r) => (r.kind === 'domain' ? [r.selKey] : []));
