import { useTranslation } from 'react-i18next';
import type { Host } from '../../../shared/model/host';
import { formatNumber } from '../../i18n/format';
import type { HostScore } from '../../../shared/model/placement';

/**
 * Target hosts with the placement advice beside each (score and reasons).
 * Advice, not a rule: any connected host but the source can be chosen (a
 * missing network may be mapped), except one in maintenance is marked so.
 */
export function TargetPicker({ hosts, sourceId, scores, value, onChange }: { hosts: Host[]; sourceId: string; scores: HostScore[] | undefined; value: string | undefined; onChange(id: string): void }) {
  const { t } = useTranslation(['migration', 'hosts']);
  const others = hosts.filter((h) => h.config.id !== sourceId);
  if (!others.length) return <p className="muted">{t('target.none')}</p>;
  const byId = new Map(scores?.map((s) => [s.hostId, s]));
  const best = scores?.find((s) => s.eligible)?.hostId;
  return (
    <div className="target-list" role="radiogroup" aria-label={t('wizard.target')}>
      {others.map((h) => {
        const s = byId.get(h.config.id);
        const connected = h.state.status === 'connected';
        return (
          <label key={h.config.id} className={`target${value === h.config.id ? ' chosen' : ''}${connected ? '' : ' off'}`} data-testid={`target-${h.config.id}`}>
            <input type="radio" name="target" value={h.config.id} checked={value === h.config.id} disabled={!connected} onChange={() => onChange(h.config.id)} />
            <span className="target-name">
              {h.config.name}
              {best === h.config.id && <span className="chip ok">{t('target.advised')}</span>}
              {h.config.maintenance && <span className="chip warn">{t('target.maintenance')}</span>}
            </span>
            <span className="score" aria-label={s ? t('target.score', { score: s.score }) : t('target.noScore')}>
              <span className="score-bar" style={{ width: `${s?.eligible ? Math.min(100, s.score) : 0}%` }} />
              <span className="score-num">{!connected ? t('target.offline') : s ? (s.eligible ? formatNumber(s.score) : '—') : '…'}</span>
            </span>
            <span className="target-why small muted">{!connected ? t('target.notConnected', { status: t(`hosts:status.${h.state.status}`) }) : s ? s.reasons.slice(s.eligible ? 1 : 0, 4).join(' · ') : t('target.scoring')}</span>
          </label>
        );
      })}
    </div>
  );
}
