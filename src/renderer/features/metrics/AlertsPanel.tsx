import { useEffect, useState } from 'react';
import { HOST_METRICS, VM_METRICS, type AlertRule } from '../../../shared/model/metrics';
import { useUi } from '../../app/ui-store';
import { formatMetric } from '../../i18n/format';
import { useAlerts, useRules, useSetRules } from './queries';

/** Alerts firing now, and the editable threshold rules behind them. */
export function AlertsPanel() {
  const alerts = useAlerts();
  const select = useUi((s) => s.select);
  const [editing, setEditing] = useState(false);
  const active = alerts.data ?? [];
  return (
    <div className="mx-alerts" data-testid="alerts-panel">
      <div className="mx-bar">
        <h2 className="mx-sub">Alerts {active.length > 0 && <span className="badge s-crashed">{active.length}</span>}</h2>
        <button type="button" className="btn" onClick={() => setEditing((e) => !e)} data-testid="alert-rules-toggle">
          {editing ? 'Close rules' : 'Edit rules'}
        </button>
      </div>
      {active.length === 0 ? (
        <p className="muted small">No alert is firing.</p>
      ) : (
        <ul className="mx-alert-list">
          {active.map((a) => (
            <li key={`${a.ruleId}/${a.hostId}/${a.uuid ?? ''}`} data-testid="alert-item">
              <button type="button" className="link" onClick={() => select(a.uuid ? { kind: 'domain', hostId: a.hostId, uuid: a.uuid } : { kind: 'host', hostId: a.hostId })}>
                {a.subject}
              </button>{' '}
              {a.metric} {formatMetric(a.metric, a.value)} (limit {formatMetric(a.metric, a.threshold)}) since {new Date(a.since).toLocaleTimeString()}
            </li>
          ))}
        </ul>
      )}
      {editing && <RulesEditor />}
    </div>
  );
}

function RulesEditor() {
  const rules = useRules();
  const save = useSetRules();
  const [draft, setDraft] = useState<AlertRule[]>([]);
  useEffect(() => {
    if (rules.data) setDraft(rules.data);
  }, [rules.data]);
  const patch = (i: number, p: Partial<AlertRule>) => setDraft((d) => d.map((r, k) => (k === i ? { ...r, ...p } : r)));
  const add = () => setDraft((d) => [...d, { id: `rule-${Date.now().toString(36)}`, name: 'New rule', scope: 'vm', metric: 'cpu', op: '>', threshold: 90, forSec: 120, enabled: true }]);
  return (
    <div className="mx-rules" data-testid="alert-rules">
      <table className="mx-table">
        <thead>
          <tr>
            <th>On</th>
            <th>Name</th>
            <th>Scope</th>
            <th>Metric</th>
            <th>Condition</th>
            <th>For (s)</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {draft.map((r, i) => (
            <tr key={r.id} data-testid="alert-rule">
              <td>
                <input type="checkbox" checked={r.enabled} onChange={(e) => patch(i, { enabled: e.target.checked })} aria-label="Enabled" />
              </td>
              <td>
                <input value={r.name} onChange={(e) => patch(i, { name: e.target.value })} aria-label="Rule name" />
              </td>
              <td>
                <select value={r.scope} onChange={(e) => patch(i, { scope: e.target.value as AlertRule['scope'], metric: 'cpu' })} aria-label="Scope">
                  <option value="vm">VM</option>
                  <option value="host">Host</option>
                </select>
              </td>
              <td>
                <select value={r.metric} onChange={(e) => patch(i, { metric: e.target.value })} aria-label="Metric">
                  {(r.scope === 'vm' ? VM_METRICS : HOST_METRICS).map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              </td>
              <td>
                <select value={r.op} onChange={(e) => patch(i, { op: e.target.value as AlertRule['op'] })} aria-label="Operator">
                  <option value=">">&gt;</option>
                  <option value="<">&lt;</option>
                </select>
                <input type="number" value={r.threshold} onChange={(e) => patch(i, { threshold: Number(e.target.value) })} aria-label="Threshold" className="mx-num" />
              </td>
              <td>
                <input type="number" min={0} value={r.forSec} onChange={(e) => patch(i, { forSec: Math.max(0, Math.round(Number(e.target.value))) })} aria-label="Seconds" className="mx-num" />
              </td>
              <td>
                <button type="button" className="btn" onClick={() => setDraft((d) => d.filter((_, k) => k !== i))} aria-label={`Delete ${r.name}`}>
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mx-bar">
        <button type="button" className="btn" onClick={add}>
          Add rule
        </button>
        <button type="button" className="btn primary" onClick={() => save.mutate(draft)} disabled={save.isPending} data-testid="alert-rules-save">
          Save rules
        </button>
        {save.error && <span className="mx-error">{save.error.message}</span>}
        {save.isSuccess && <span className="muted small">Saved.</span>}
      </div>
    </div>
  );
}
