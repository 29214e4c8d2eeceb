import { useMemo, useState } from 'react';
import type { AuditFilter, AuditRecord } from '../../../shared/model/audit';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { useAuditRecords, useExportAudit, useVerifyAudit } from './queries';
import './audit.css';

const RANGES = [
  { id: 'hour', label: 'Last hour', ms: 3600_000 },
  { id: 'day', label: 'Last 24 hours', ms: 86_400_000 },
  { id: 'week', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: 'all', label: 'All time', ms: 0 },
] as const;

const fmtTime = (t: number) => new Date(t).toLocaleString();

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
          <h1>Audit log</h1>
        </div>
        <div className="page-sub">Every change made through VirtDeck: who, when, on which host and object, and how it ended. Records are hash-chained, so an edit shows.</div>
        <div className="toolbar">
          <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending} data-testid="audit-verify">
            {verify.isPending ? 'Checking…' : 'Check integrity'}
          </button>
          <button type="button" className="ghost" onClick={() => exporter.mutate({ format: 'csv', filter })} disabled={exporter.isPending} data-testid="audit-export-csv">
            Export CSV
          </button>
          <button type="button" className="ghost" onClick={() => exporter.mutate({ format: 'json', filter })} disabled={exporter.isPending} data-testid="audit-export-json">
            Export JSON
          </button>
          <button type="button" className="ghost" onClick={() => { setAnchor(Date.now()); void records.refetch(); }} data-testid="audit-refresh">
            Refresh
          </button>
        </div>
      </div>
      {verify.data && (
        <div className={`banner ${verify.data.ok ? 'ok' : 'bad'}`} role={verify.data.ok ? 'status' : 'alert'} data-testid="audit-verdict">
          {verify.data.ok
            ? `Chain intact: all ${verify.data.records} records are as they were written.`
            : `Chain broken: ${verify.data.broken?.reason}. ${verify.data.records} records before it check out.`}
        </div>
      )}
      {verify.error && <ErrorState compact title="Could not check the log" error={verify.error} />}
      {exporter.error && <ErrorState compact title="Could not export" error={exporter.error} />}
      <div className="audit-filters" role="search">
        <label>
          Period
          <select value={range} onChange={(e) => { setRange(e.target.value as typeof range); setAnchor(Date.now()); }} data-testid="audit-range">
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          User
          <input value={user} onChange={(e) => setUser(e.target.value)} placeholder="any" data-testid="audit-user" />
        </label>
        <label>
          Action
          <input value={call} onChange={(e) => setCall(e.target.value)} placeholder="e.g. domains." data-testid="audit-call" />
        </label>
        <label>
          Result
          <select value={result} onChange={(e) => setResult(e.target.value as typeof result)} data-testid="audit-result">
            <option value="">any</option>
            <option value="ok">succeeded</option>
            <option value="error">failed or refused</option>
          </select>
        </label>
        <label className="grow">
          Search
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="VM, host, error text…" data-testid="audit-search" />
        </label>
      </div>
      {records.isPending ? (
        <LoadingState label="Reading the audit log…" />
      ) : records.error ? (
        <ErrorState title="Could not read the audit log" error={records.error} onRetry={() => void records.refetch()} />
      ) : records.data.length === 0 ? (
        <EmptyState compact title="No records match">Changes you make (start a VM, add a host, open a console…) appear here.</EmptyState>
      ) : (
        <AuditTable rows={records.data} />
      )}
    </div>
  );
}

function AuditTable({ rows }: { rows: AuditRecord[] }) {
  return (
    <table className="table audit-table" data-testid="audit-table">
      <thead>
        <tr>
          <th>#</th>
          <th>Time</th>
          <th>User</th>
          <th>Action</th>
          <th>Host</th>
          <th>Target</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-testid="audit-row" data-call={r.call} data-user={r.user} data-result={r.result}>
            <td className="num muted">{r.seq}</td>
            <td style={{ whiteSpace: "nowrap" }}>{fmtTime(r.t)}</td>
            <td>
              {r.user}
              <span className="muted small"> · {r.via}</span>
            </td>
            <td>
              <code title={JSON.stringify(r.args, null, 2)}>{r.call}</code>
              {argSummary(r.args) && <div className="small muted">{argSummary(r.args)}</div>}
            </td>
            <td>{r.hostId ?? '—'}</td>
            <td className="ellipsis" title={r.target}>
              {r.target ?? '—'}
            </td>
            <td>
              {r.result === 'ok' ? (
                <span className="badge s-running">ok</span>
              ) : (
                <span className="badge s-crashed" title={r.error?.message}>
                  {r.error?.code ?? 'error'}
                </span>
              )}
              {r.error && <div className="small muted audit-error">{r.error.message}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
