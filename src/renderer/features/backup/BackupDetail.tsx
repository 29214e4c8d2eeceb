import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupSummary, DiffEntry } from '../../../shared/model/backup';
import { formatDateTime, formatNumber } from '../../i18n/format';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { useHosts } from '../hosts/queries';
import { RestorePanel } from './RestorePanel';
import { useBackup, useDiff } from './queries';

/** One backup: pick a host in it, compare it with a live host, restore from it. */
export function BackupDetail({ summary }: { summary: BackupSummary }) {
  const { t } = useTranslation('backup');
  const detail = useBackup(summary.id);
  const hosts = useHosts();
  const [from, setFrom] = useState(summary.hosts.find((h) => !h.errors.length)?.hostId ?? summary.hosts[0]?.hostId ?? '');
  const [to, setTo] = useState(from);
  const diff = useDiff();
  const connected = (hosts.data ?? []).filter((h) => h.state.status === 'connected');
  const all = detail.data?.items;
  const items = useMemo(() => (all ?? []).filter((i) => i.hostId === from), [all, from]);
  // The live host defaults to the backed-up one when it is connected.
  const target = connected.some((h) => h.config.id === to) ? to : (connected[0]?.config.id ?? '');
  if (detail.isPending) return <LoadingState label={t('detail.opening')} />;
  if (detail.error) return <ErrorState title={t('detail.unusable')} error={detail.error} />;
  return (
    <section className="section backup-detail" data-testid="backup-detail">
      <h2>{t('detail.title', { time: formatDateTime(summary.created) })}</h2>
      <div className="toolbar">
        <label className="inline">
          {t('detail.from')}
          <select value={from} onChange={(e) => setFrom(e.target.value)} data-testid="backup-from">
            {detail.data.hosts.map((h) => (
              <option key={h.hostId} value={h.hostId}>
                {t('detail.fromOption', { name: h.name, n: formatNumber(detail.data.items.filter((i) => i.hostId === h.hostId).length) })}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          {t('detail.to')}
          <select value={target} onChange={(e) => setTo(e.target.value)} data-testid="backup-to">
            {connected.map((h) => (
              <option key={h.config.id} value={h.config.id}>
                {h.config.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!target || diff.isPending} onClick={() => diff.mutate({ id: summary.id, fromHostId: from, toHostId: target })} data-testid="backup-diff">
          {diff.isPending ? t('detail.comparing') : t('detail.compare')}
        </button>
      </div>
      {!connected.length && <p className="small muted">{t('detail.connectHint')}</p>}
      {diff.error && <ErrorState compact title={t('detail.diffError')} error={diff.error} />}
      {diff.data && <DiffList entries={diff.data.entries} />}
      {target && <RestorePanel key={`${from}>${target}`} id={summary.id} fromHostId={from} toHostId={target} items={items} />}
    </section>
  );
}

function DiffList({ entries }: { entries: DiffEntry[] }) {
  const { t } = useTranslation('backup');
  const [showSame, setShowSame] = useState(false);
  const shown = entries.filter((e) => showSame || e.status !== 'same');
  const same = entries.length - entries.filter((e) => e.status !== 'same').length;
  return (
    <div className="backup-diff" data-testid="diff-list">
      <p className="small">
        {t('detail.differ', { n: formatNumber(entries.length - same), total: formatNumber(entries.length) })}{' '}
        {same > 0 && (
          <button type="button" className="link" onClick={() => setShowSame(!showSame)}>
            {showSame ? t('detail.hideSame') : t('detail.showSame', { n: formatNumber(same) })}
          </button>
        )}
      </p>
      {shown.length === 0 ? (
        <EmptyState compact title={t('detail.matches')}>{t('detail.matchesHint')}</EmptyState>
      ) : (
        <ul className="diff-entries">
          {shown.map((e) => (
            <li key={`${e.kind}/${e.name}`} data-testid="diff-entry" data-status={e.status} data-kind={e.kind}>
              <span className={`badge diff-${e.status}`}>{t(`detail.status.${e.status}`)}</span> <span className="muted">{t(`kind.${e.kind}`)}</span> <strong translate="no">{e.name}</strong>
              {e.patch && (
                <details>
                  <summary>{t('detail.xmlDiff')}</summary>
                  <pre className="diff-patch" translate="no">
                    {e.patch
                      .split('\n')
                      .slice(2)
                      .map((l, i) => (
                        <span key={i} className={l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : l.startsWith('@@') ? 'hunk' : undefined}>
                          {l + '\n'}
                        </span>
                      ))}
                  </pre>
                </details>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
