import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HOST_METRICS, VM_METRICS, type AlertRule } from '../../../shared/model/metrics';
import { useUi } from '../../app/ui-store';
import { formatMetric, formatTime } from '../../i18n/format';
import { useAlerts, useRules, useSetRules } from './queries';

/** Alerts firing now, and the editable threshold rules behind them. */
export function AlertsPanel() {
  const { t } = useTranslation('metrics');
  const alerts = useAlerts();
  const select = useUi((s) => s.select);
  const [editing, setEditing] = useState(false);
  const active = alerts.data ?? [];
  return (
    <div className="mx-alerts" data-testid="alerts-panel">
      <div className="mx-bar">
        <h2 className="mx-sub">{t('alerts.title')} {active.length > 0 && <span className="badge s-crashed">{active.length}</span>}</h2>
        <button type="button" className="btn" onClick={() => setEditing((e) => !e)} data-testid="alert-rules-toggle">
          {editing ? t('alerts.closeRules') : t('alerts.editRules')}
        </button>
      </div>
      {active.length === 0 ? (
        <p className="muted small">{t('alerts.none')}</p>
      ) : (
        <ul className="mx-alert-list">
          {active.map((a) => (
            <li key={`${a.ruleId}/${a.hostId}/${a.uuid ?? ''}`} data-testid="alert-item">
              <button type="button" className="link" onClick={() => select(a.uuid ? { kind: 'domain', hostId: a.hostId, uuid: a.uuid } : { kind: 'host', hostId: a.hostId })}>
                {a.subject}
              </button>{' '}
              {t('alerts.item', { metric: a.metric, value: formatMetric(a.metric, a.value), limit: formatMetric(a.metric, a.threshold), since: formatTime(a.since) })}
            </li>
          ))}
        </ul>
      )}
      {editing && <RulesEditor />}
    </div>
  );
}

function RulesEditor() {
  const { t } = useTranslation('metrics');
  const rules = useRules();
  const save = useSetRules();
  const [draft, setDraft] = useState<AlertRule[]>([]);
  useEffect(() => {
    if (rules.data) setDraft(rules.data);
  }, [rules.data]);
  const patch = (i: number, p: Partial<AlertRule>) => setDraft((d) => d.map((r, k) => (k === i ? { ...r, ...p } : r)));
  const add = () => setDraft((d) => [...d, { id: `rule-${Date.now().toString(36)}`, name: t('rules.newRule'), scope: 'vm', metric: 'cpu', op: '>', threshold: 90, forSec: 120, enabled: true }]);
  return (
    <div className="mx-rules" data-testid="alert-rules">
      <table className="mx-table">
        <thead>
          <tr>
            <th>{t('rules.on')}</th>
            <th>{t('rules.name')}</th>
            <th>{t('rules.scope')}</th>
            <th>{t('rules.metric')}</th>
            <th>{t('rules.condition')}</th>
            <th>{t('rules.forSec')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {draft.map((r, i) => (
            <tr key={r.id} data-testid="alert-rule">
              <td>
                <input type="checkbox" checked={r.enabled} onChange={(e) => patch(i, { enabled: e.target.checked })} aria-label={t('rules.enabled')} />
              </td>
              <td>
                <input value={r.name} onChange={(e) => patch(i, { name: e.target.value })} aria-label={t('rules.ruleName')} />
              </td>
              <td>
                <select value={r.scope} onChange={(e) => patch(i, { scope: e.target.value as AlertRule['scope'], metric: 'cpu' })} aria-label={t('rules.scope')}>
                  <option value="vm">{t('rules.scopeVm')}</option>
                  <option value="host">{t('rules.scopeHost')}</option>
                </select>
              </td>
              <td>
                <select value={r.metric} onChange={(e) => patch(i, { metric: e.target.value })} aria-label={t('rules.metric')}>
                  {(r.scope === 'vm' ? VM_METRICS : HOST_METRICS).map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              </td>
              <td>
                <select value={r.op} onChange={(e) => patch(i, { op: e.target.value as AlertRule['op'] })} aria-label={t('rules.operator')}>
                  <option value=">">&gt;</option>
                  <option value="<">&lt;</option>
                </select>
                <input type="number" value={r.threshold} onChange={(e) => patch(i, { threshold: Number(e.target.value) })} aria-label={t('rules.threshold')} className="mx-num" />
              </td>
              <td>
                <input type="number" min={0} value={r.forSec} onChange={(e) => patch(i, { forSec: Math.max(0, Math.round(Number(e.target.value))) })} aria-label={t('rules.seconds')} className="mx-num" />
              </td>
              <td>
                <button type="button" className="btn" onClick={() => setDraft((d) => d.filter((_, k) => k !== i))} aria-label={t('rules.delete', { name: r.name })}>
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mx-bar">
        <button type="button" className="btn" onClick={add}>
          {t('rules.add')}
        </button>
        <button type="button" className="btn primary" onClick={() => save.mutate(draft)} disabled={save.isPending} data-testid="alert-rules-save">
          {t('rules.save')}
        </button>
        {save.error && <span className="mx-error">{save.error.message}</span>}
        {save.isSuccess && <span className="muted small">{t('rules.saved')}</span>}
      </div>
    </div>
  );
}
