import { useTranslation } from 'react-i18next';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, type CSSProperties, type MouseEvent } from 'react';
import type { Host } from '../../../shared/model/host';
import { useUi } from '../../app/ui-store';
import { VirtualList, type VirtualListHandle } from '../../ui/VirtualList';
import { isBusy, usePending } from '../domains/pending';
import { usePicked } from '../domains/store';
import { parseFilter } from './filter';
import { flattenTree, isFocusable, visibleDomainKeys, type DomainsView, type GroupRow, type HostRow, type TreeRow } from './model';
import { useTree } from './store';
import { DomainRowView, GroupRowView, HostRowView, NoteRowView, type RowEvents } from './TreeRows';
import { useTreeKeys } from './useTreeKeys';
import './tree.css';

export const ROW_HEIGHT = 28;

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

/** The flattened rows for the current hosts, VM lists, folds and filter. */
export function useTreeRows(hosts: Host[], views: Map<string, DomainsView>) {
  const { i18n } = useTranslation('tree');
  // Deferred so typing in the filter stays responsive with thousands of VMs.
  const filter = useDeferredValue(useTree((s) => s.filter));
  const terms = useMemo(() => parseFilter(filter), [filter]);
  const filtering = terms.length > 0;
  const collapsedHosts = useTree((s) => (filtering ? s.filterCollapsedHosts : s.collapsedHosts));
  const collapsedGroups = useTree((s) => (filtering ? s.filterCollapsedGroups : s.collapsedGroups));
  const rows = useMemo(
    () => flattenTree({ hosts, domainsOf: (id) => views.get(id) ?? { status: 'unavailable' }, collapsedHosts, collapsedGroups, filter: terms }),
    // The language is an input too: notes in the rows are worded in it.
    [hosts, views, collapsedHosts, collapsedGroups, terms, i18n.language],
  );
  const order = useMemo(() => visibleDomainKeys(rows), [rows]);
  return { rows, order, filtering };
}

export function HostTree({ rows, order }: { rows: TreeRow[]; order: readonly string[] }) {
  const { t } = useTranslation('tree');
  const focusedKey = useTree((s) => s.focusedKey);
  const selection = useUi((s) => s.selection);
  const picked = usePicked((s) => s.picked);
  const ops = usePending((s) => s.ops);

  const currentKey = selection.kind === 'host' ? `h:${selection.hostId}` : selection.kind === 'domain' ? `d:${selection.hostId}/${selection.uuid}` : null;
  // The roving tabindex sits on the focused row, else the open item, else the first row.
  let focusIndex = focusedKey ? rows.findIndex((r) => r.key === focusedKey) : -1;
  if (focusIndex < 0 && currentKey) focusIndex = rows.findIndex((r) => r.key === currentKey);
  if (focusIndex < 0) focusIndex = rows.findIndex(isFocusable);

  const list = useRef<VirtualListHandle>(null);
  const latest = useRef({ rows, order });
  latest.current = { rows, order };

  const toggle = useCallback((row: GroupRow | HostRow) => {
    const t = useTree.getState();
    if (row.kind === 'group') t.setGroupCollapsed(row.name, row.expanded);
    else t.setHostCollapsed(row.host.config.id, row.expanded);
  }, []);

  const open = useCallback(
    (row: TreeRow) => {
      const select = useUi.getState().select;
      if (row.kind === 'domain') select({ kind: 'domain', hostId: row.hostId, uuid: row.domain.uuid });
      else if (row.kind === 'host') select({ kind: 'host', hostId: row.host.config.id });
      else if (row.kind === 'group') toggle(row);
    },
    [toggle],
  );

  const events: RowEvents = useMemo(
    () => ({
      onToggle: toggle,
      onRowClick(row: TreeRow, e: MouseEvent) {
        useTree.getState().setFocusedKey(row.key);
        const mods = { shift: e.shiftKey, toggle: isMac ? e.metaKey : e.ctrlKey };
        if (row.kind === 'domain') {
          usePicked.getState().click(latest.current.order, row.selKey, mods);
          // Extending a selection shouldn't yank the main panel away.
          if (!mods.shift && !mods.toggle) open(row);
          return;
        }
        if (row.kind === 'host') usePicked.getState().clear();
        open(row);
      },
    }),
    [toggle, open],
  );

  const { onKeyDown, wantFocus } = useTreeKeys({ rows, focusIndex, order, open, toggle, isMac });

  // After a keyboard move, scroll to the new row and give it DOM focus (it is
  // always rendered: pinnedIndex). Pushed updates that shift indices don't
  // scroll, so the list never jumps under the mouse.
  useEffect(() => {
    if (!wantFocus.current || focusIndex < 0) return;
    wantFocus.current = false;
    list.current?.scrollToIndex(focusIndex);
    list.current?.element()?.querySelector<HTMLElement>(`[data-index="${focusIndex}"]`)?.focus();
  }, [focusIndex, focusedKey, wantFocus]);

  // Opening something elsewhere (the host's VM table) reveals it in the tree.
  useEffect(() => {
    if (!currentKey) return;
    const i = latest.current.rows.findIndex((r) => r.key === currentKey);
    if (i >= 0) list.current?.scrollToIndex(i);
  }, [currentKey]);

  const noteFor = useMemo(() => new Set(rows.filter((r) => r.kind === 'note' && r.key.startsWith('n:')).map((r) => r.key.slice(2))), [rows]);

  const renderRow = (i: number, style: CSSProperties) => {
    const row = rows[i];
    if (!row) return null;
    const focused = i === focusIndex;
    switch (row.kind) {
      case 'group':
        return <GroupRowView key={row.key} row={row} index={i} style={style} focused={focused} events={events} />;
      case 'host':
        return (
          <HostRowView key={row.key} row={row} index={i} style={style} focused={focused} events={events} current={currentKey === row.key} hasNote={noteFor.has(row.host.config.id)} />
        );
      case 'domain':
        return (
          <DomainRowView
            key={row.key}
            row={row}
            index={i}
            style={style}
            focused={focused}
            events={events}
            picked={!!picked[row.selKey]}
            current={currentKey === row.key}
            busy={isBusy(ops[row.selKey], row.domain.state)}
          />
        );
      case 'note':
        return <NoteRowView key={row.key} row={row} style={style} />;
    }
  };

  return (
    <VirtualList
      ref={list}
      className="tree"
      role="tree"
      aria-label={t('label')}
      aria-multiselectable
      count={rows.length}
      rowHeight={ROW_HEIGHT}
      pinnedIndex={focusIndex}
      renderRow={renderRow}
      onKeyDown={onKeyDown}
      data-testid="host-tree"
    />
  );
}
