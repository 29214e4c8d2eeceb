import { useMemo, useState, type CSSProperties, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n/format';
import { stateLabel } from '../../i18n';
import type { DomainSummary } from '../../../shared/model/domain';
import type { Host } from '../../../shared/model/host';
import { useUi } from '../../app/ui-store';
import { formatKiB } from '../../i18n/format';
import { Spinner } from '../../ui/Spinner';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { VirtualList } from '../../ui/VirtualList';
import { isBusy, usePending } from '../domains/pending';
import { useDomains } from '../domains/queries';
import { usePicked } from '../domains/store';
import { sortDomains, type Sort, type SortKey } from './vm-sort';

const ROW = 32;
const COLUMNS: Array<{ key: SortKey; numeric?: boolean }> = [{ key: 'name' }, { key: 'state' }, { key: 'vcpus', numeric: true }, { key: 'memory', numeric: true }, { key: 'ips' }, { key: 'tags' }];

export function HostVmTable({ host }: { host: Host }) {
  const { t } = useTranslation('hosts');
  const hostId = host.config.id;
  const connected = host.state.status === 'connected';
  const domains = useDomains(hostId, connected);
  const [sort, setSort] = useState<Sort>({ key: 'name', dir: 1 });
  const picked = usePicked((s) => s.picked);
  const ops = usePending((s) => s.ops);
  const sorted = useMemo(() => sortDomains(domains.data ?? [], sort), [domains.data, sort]);
  const order = useMemo(() => sorted.map((d) => `${hostId}/${d.uuid}`), [sorted, hostId]);

  if (!connected) return <p className="muted">{t('vms.connectToList')}</p>;
  if (domains.isPending) return <LoadingState label={t('vms.listing')} />;
  if (domains.error) return <ErrorState title={t('vms.listError')} error={domains.error} onRetry={() => void domains.refetch()} compact />;
  if (sorted.length === 0) return <EmptyState title={t('vms.none')} compact />;

  const pickedHere = order.filter((k) => picked[k]).length;
  const all = pickedHere === order.length;
  const toggleAll = () => {
    const { picked: cur, setPicked } = usePicked.getState();
    const mine = new Set(order);
    const others = Object.keys(cur).filter((k) => !mine.has(k));
    setPicked(all ? others : [...others, ...order]);
  };
  const onCheck = (key: string, e: MouseEvent) => {
    // Checkboxes always add/remove (toggle); Shift adds the range from the last one clicked.
    usePicked.getState().click(order, key, { shift: e.shiftKey, toggle: true });
  };
  const open = (d: DomainSummary) => useUi.getState().select({ kind: 'domain', hostId, uuid: d.uuid });

  const header = (
    <div className="vt-row vt-head" role="row" style={{ height: ROW }}>
      <span role="columnheader" className="vt-check">
        <input
          type="checkbox"
          aria-label={t('vms.selectAll')}
          checked={all}
          ref={(el) => {
            if (el) el.indeterminate = pickedHere > 0 && !all;
          }}
          onChange={toggleAll}
        />
      </span>
      {COLUMNS.map((c) => (
        <span key={c.key} role="columnheader" className={c.numeric ? 'num' : ''} aria-sort={sort.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
          <button type="button" className="sort-btn" onClick={() => setSort((s) => ({ key: c.key, dir: s.key === c.key ? (s.dir === 1 ? -1 : 1) : 1 }))}>
            {t(`vms.col.${c.key}`)}
            <span className="sort-ind" aria-hidden>
              {sort.key === c.key ? (sort.dir === 1 ? '▲' : '▼') : ''}
            </span>
          </button>
        </span>
      ))}
    </div>
  );

  const renderRow = (i: number, style: CSSProperties) => {
    const d = sorted[i];
    if (!d) return null;
    const key = order[i]!;
    const busy = isBusy(ops[key], d.state);
    return (
      <div key={d.uuid} role="row" className={`vt-row ${picked[key] ? 'picked' : ''}`} style={style} data-testid={`host-vm-row-${d.name}`}>
        <span role="cell" className="vt-check">
          <input type="checkbox" aria-label={t('vms.select', { name: d.name })} checked={!!picked[key]} onChange={() => {}} onClick={(e) => onCheck(key, e)} />
        </span>
        <span role="cell" className="vt-name">
          <button type="button" className="link" onClick={() => open(d)} title={d.name}>
            {d.name}
          </button>
        </span>
        <span role="cell" className="vt-state">
          {busy ? <Spinner /> : <span className={`dot ${d.state}`} aria-hidden />}
          {stateLabel(d.state)}
        </span>
        <span role="cell" className="num">
          {d.vcpus ?? '—'}
        </span>
        <span role="cell" className="num">
          {formatKiB(d.memoryKiB)}
        </span>
        <span role="cell" className="mono ellipsis" title={d.ips.join(', ')}>
          {d.ips.length ? d.ips.join(', ') : <span className="muted">—</span>}
        </span>
        <span role="cell" className="ellipsis" title={d.tags.join(', ')}>
          {d.tags.map((t) => (
            <span key={t} className="chip">
              {t}
            </span>
          ))}
        </span>
      </div>
    );
  };

  return (
    <div className="vm-table-wrap">
      <div className="table-meta muted">
        {t('vms.summary', { n: formatNumber(sorted.length), running: formatNumber(sorted.filter((d) => d.state === 'running').length) })}
        {pickedHere > 0 && ` · ${t('vms.selected', { n: formatNumber(pickedHere) })}`}
      </div>
      <VirtualList
        className="vm-table"
        role="table"
        aria-label={t('vms.tableLabel', { name: host.config.name })}
        aria-rowcount={sorted.length + 1}
        count={sorted.length}
        rowHeight={ROW}
        headerHeight={ROW}
        header={header}
        maxHeight={560}
        renderRow={renderRow}
      />
    </div>
  );
}
