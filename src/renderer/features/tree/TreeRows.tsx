import { memo, type CSSProperties, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { stateLabel } from '../../i18n';
import { Spinner } from '../../ui/Spinner';
import { HostStatusText, RetryCountdown } from '../hosts/HostStatus';
import type { DomainRow, GroupRow, HostRow, NoteRow, TreeRow } from './model';

// One memoised component per row kind. Rows are absolutely positioned by the
// virtual list (`style`); `data-index` lets the tree move DOM focus to a row.

export interface RowEvents {
  onRowClick(row: TreeRow, e: MouseEvent): void;
  onToggle(row: GroupRow | HostRow): void;
}

interface Common {
  index: number;
  style: CSSProperties;
  focused: boolean;
  events: RowEvents;
}

const indent = (level: number): CSSProperties => ({ paddingLeft: 6 + (level - 1) * 16 });

function Chevron({ row, events }: { row: GroupRow | HostRow; events: RowEvents }) {
  const can = row.kind === 'group' || row.expandable;
  if (!can) return <span className="chev" aria-hidden />;
  return (
    <span
      className={`chev can ${row.expanded ? 'open' : ''}`}
      aria-hidden
      onClick={(e) => {
        e.stopPropagation();
        events.onToggle(row);
      }}
    />
  );
}

export const GroupRowView = memo(function GroupRowView({ row, index, style, focused, events }: Common & { row: GroupRow }) {
  const { t } = useTranslation('tree');
  return (
    <div
      role="treeitem"
      className="trow trow-group"
      style={{ ...style, ...indent(row.level) }}
      data-index={index}
      data-testid={`group-row-${row.name || 'ungrouped'}`}
      tabIndex={focused ? 0 : -1}
      aria-level={row.level}
      aria-setsize={row.setSize}
      aria-posinset={row.posInSet}
      aria-expanded={row.expanded}
      aria-selected={false}
      onClick={(e) => events.onRowClick(row, e)}
    >
      <Chevron row={row} events={events} />
      <span className="tname">{row.name || t('ungrouped')}</span>
      <span className="tcount">{row.hostCount}</span>
    </div>
  );
});

export const HostRowView = memo(function HostRowView({
  row,
  index,
  style,
  focused,
  current,
  hasNote,
  events,
}: Common & { row: HostRow; current: boolean; hasNote: boolean }) {
  const { t } = useTranslation('tree');
  const { config, state } = row.host;
  return (
    <div
      role="treeitem"
      className={`trow trow-host ${current ? 'current' : ''}`}
      style={{ ...style, ...indent(row.level) }}
      data-index={index}
      data-testid={`host-row-${config.id}`}
      tabIndex={focused ? 0 : -1}
      aria-level={row.level}
      aria-setsize={row.setSize}
      aria-posinset={row.posInSet}
      aria-expanded={row.expandable ? row.expanded : undefined}
      aria-selected={current}
      aria-describedby={hasNote ? `tree-note-${config.id}` : undefined}
      onClick={(e) => events.onRowClick(row, e)}
      onDoubleClick={() => row.expandable && events.onToggle(row)}
    >
      <Chevron row={row} events={events} />
      {state.status === 'connecting' ? <Spinner /> : <span className={`dot ${state.status}`} aria-hidden />}
      <span className="tname" title={config.name}>
        {config.name}
      </span>
      {row.vmCount !== undefined && <span className="tcount" title={t('vmCount', { count: row.vmCount, n: row.vmCount })}>{row.vmCount}</span>}
      <HostStatusText state={state} testId={`host-status-${config.id}`} />
    </div>
  );
});

export const DomainRowView = memo(function DomainRowView({
  row,
  index,
  style,
  focused,
  picked,
  current,
  busy,
  events,
}: Common & { row: DomainRow; picked: boolean; current: boolean; busy: boolean }) {
  // Subscribes the memoised row to language changes (the state word is translated).
  useTranslation();
  const d = row.domain;
  const tags = d.tags.slice(0, 2);
  const more = d.tags.length - tags.length;
  return (
    <div
      role="treeitem"
      className={`trow trow-vm ${picked ? 'picked' : ''} ${current ? 'current' : ''}`}
      style={{ ...style, ...indent(row.level) }}
      data-index={index}
      data-testid={`vm-row-${d.name}`}
      data-host-id={row.hostId}
      data-uuid={d.uuid}
      tabIndex={focused ? 0 : -1}
      aria-level={row.level}
      aria-setsize={row.setSize}
      aria-posinset={row.posInSet}
      aria-selected={picked || current}
      aria-busy={busy || undefined}
      onClick={(e) => events.onRowClick(row, e)}
    >
      <span className="chev" aria-hidden />
      <span className={`dot ${d.state}`} aria-hidden />
      <span className="tmain">
        <span className="tname" title={d.name}>
          {d.name}
        </span>
        {d.tags.length > 0 && (
          <span className="ttags" title={d.tags.join(', ')}>
            {tags.map((t) => (
              <span key={t} className="chip">
                {t}
              </span>
            ))}
            {more > 0 && <span className="chip more">+{more}</span>}
          </span>
        )}
      </span>
      <span className="tstate">
        {busy && <Spinner />}
        <span className={`vm-state s-${d.state}`} data-testid={`vm-state-${d.name}`}>
          {stateLabel(d.state)}
        </span>
      </span>
    </div>
  );
});

export const NoteRowView = memo(function NoteRowView({ row, style }: { row: NoteRow; style: CSSProperties }) {
  return (
    <div className={`trow trow-note tone-${row.tone}`} style={{ ...style, ...indent(row.level) }} id={row.key.startsWith('n:') ? `tree-note-${row.hostId}` : undefined} title={row.text} role="none">
      <span className="chev" aria-hidden />
      <span className="note-text">{row.text}</span>
      {row.retryAt !== undefined && <RetryCountdown retryAt={row.retryAt} />}
    </div>
  );
});
