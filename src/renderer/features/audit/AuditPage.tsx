import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorTitle } from '../../i18n';
import { formatDateTime, formatNumber } from '../../i18n/format';
import type { AuditFilter, AuditRecord } from '../../../shared/model/audit';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { useAuditRecords, useExportAudit, useVerifyAudit } from './queries';
import './audit.css';

const RANGES = [
  { id: 'hour', ms: 3600_000 },
  { id: 'day', ms: 86_400_000 },
  { id: 'week', ms: 7 * 86_400_000 },
  { id: 'all', ms: 0 },
] as const;

/** "action: forceOff, autostart: true": the arguments that say what was done, minus the ids the row already shows. */
function argSummary(args: unknown): string {
  if (!args || typeof args !== 'object') return '';
  const parts = Object.entries(args as Record<string, unknown>)
    .filter(([k, v]) => !['hostId', 'uuid', 'uuids'].includes(k) && v !== undefined && (typeof v !== 'object' || v === null))
    .map(([k, v]) => `${k}: ${String(v)}`);
  const s = parts.join(', ');
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

export function AuditPage() {
  const { t } = useTranslation('audit');
  const [range, setRange] = useState<(typeof RANGES)[number]['id']>('day');
  const [user, setUser] = useState('');
  const [call, setCall] = useState('');
  const [result, setResult] = useState<'' | 'ok' | 'error'>('');
  const [q, setQ] = useState('');
  // The time window is fixed when the range is picked, so typing doesn't move it.
  const [anchor, setAnchor] = useState(() => Date.now());
  const filter = useMemo<AuditFilter>(() => {
    const ms = RANGES.find((r) => r.id === range)?.ms ?? 0;
    return {
      ...(ms ? { from: anchor - ms } : {}),
      ...(user.trim() ? { user: user.trim() } : {}),
      ...(call.trim() ? { call: call.trim() } : {}),
      ...(result ? { result } : {}),
      ...(q.trim() ? { q: q.trim() } : {}),
      limit: 1000,
    };
  }, [range, anchor, user, call, result, q]);
  const records = useAuditRecords(filter);
  const verify = useVerifyAudit();
  const exporter = useExportAudit();

  return (
    <div className="page audit-page" data-testid="audit-page">
      <div className="page-head">
        <div className="page-title">
          <h1>{t('title')}</h1>
        </div>
        <div className="page-sub">{t('sub')}</div>
        <div className="toolbar">
          <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending} data-testid="audit-verify">
            {verify.isPending ? t('checking') : t('check')}
          </button>
          <button type="button" className="ghost" onClick={() => exporter.mutate({ format: 'csv', filter })} disabled={exporter.isPending} data-testid="audit-export-csv">
            {t('exportCsv')}
          </button>
          <button type="button" className="ghost" onClick={() => exporter.mutate({ format: 'json', filter })} disabled={exporter.isPending} data-testid="audit-export-json">
            {t('exportJson')}
          </button>
          <button type="button" className="ghost" onClick={() => { setAnchor(Date.now()); void records.refetch(); }} data-testid="audit-refresh">
            {t('refresh')}
          </button>
        </div>
      </div>
      {verify.data && (
        <div className={`banner ${verify.data.ok ? 'ok' : 'bad'}`} role={verify.data.ok ? 'status' : 'alert'} data-testid="audit-verdict">
          {verify.data.ok
            ? t('intact', { n: formatNumber(verify.data.records) })
            : t('broken', { reason: verify.data.broken?.reason ?? '', n: formatNumber(verify.data.records) })}
        </div>
      )}
      {verify.error && <ErrorState compact title={t('checkError')} error={verify.error} />}
      {exporter.error && <ErrorState compact title={t('exportError')} error={exporter.error} />}
      <div className="audit-filters" role="search">
        <label>
          {t('filter.period')}
          <select value={range} onChange={(e) => { setRange(e.target.value as typeof range); setAnchor(Date.now()); }} data-testid="audit-range">
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {t(`range.${r.id}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filter.user')}
          <input value={user} onChange={(e) => setUser(e.target.value)} placeholder={t('filter.any')} data-testid="audit-user" />
        </label>
        <label>
          {t('filter.action')}
          <input value={call} onChange={(e) => setCall(e.target.value)} placeholder={t('filter.actionPlaceholder')} data-testid="audit-call" />
        </label>
        <label>
          {t('filter.result')}
          <select value={result} onChange={(e) => setResult(e.target.value as typeof result)} data-testid="audit-result">
            <option value="">{t('filter.any')}</option>
            <option value="ok">{t('filter.ok')}</option>
            <option value="error">{t('filter.error')}</option>
          </select>
        </label>
        <label className="grow">
          {t('filter.search')}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('filter.searchPlaceholder')} data-testid="audit-search" />
        </label>
      </div>
      {records.isPending ? (
        <LoadingState label={t('reading')} />
      ) : records.error ? (
        <ErrorState title={t('readError')} error={records.error} onRetry={() => void records.refetch()} />
      ) : records.data.length === 0 ? (
        <EmptyState compact title={t('noMatch')}>{t('noMatchHint')}</EmptyState>
      ) : (
        <AuditTable rows={records.data} />
      )}
    </div>
  );
}

function AuditTable({ rows }: { rows: AuditRecord[] }) {
  const { t } = useTranslation('audit');
  return (
    <table className="table audit-table" data-testid="audit-table">
      <thead>
        <tr>
          <th>#</th>
          <th>{t('col.time')}</th>
          <th>{t('col.user')}</th>
          <th>{t('col.action')}</th>
          <th>{t('col.host')}</th>
          <th>{t('col.target')}</th>
          <th>{t('col.result')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-testid="audit-row" data-call={r.call} data-user={r.user} data-result={r.result}>
            <td className="num muted">{r.seq}</td>
            <td style={{ whiteSpace: "nowrap" }}>{formatDateTime(r.t)}</td>
            {/* translate="no": recorded data (names, arguments), shown as written in every language. */}
            <td translate="no">
              {r.user}
              <span className="muted small"> · {r.via}</span>
            </td>
            <td>
              <code title={JSON.stringify(r.args, null, 2)}>{r.call}</code>
              {argSummary(r.args) && (
                <div className="small muted" translate="no">
                  {argSummary(r.args)}
                </div>
              )}
            </td>
            <td translate="no">{r.hostId ?? '—'}</td>
            <td className="ellipsis" title={r.target} translate="no">
              {r.target ?? '—'}
            </td>
            <td>
              {r.result === 'ok' ? (
                <span className="badge s-running">{t('ok')}</span>
              ) : (
                <span className="badge s-crashed" title={r.error?.message} data-code={r.error?.code}>
                  {errorTitle(r.error?.code)}
                </span>
              )}
              {r.error && (
                <div className="small muted audit-error" translate="no">
                  {r.error.message}
                </div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
