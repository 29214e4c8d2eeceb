import { consistencyAdvice } from '../../../shared/p2v/plan';
import { LoadingState } from '../../ui/States';
import { useDiscovery } from './queries';
import { useP2vWizard } from './store';
import { useTranslation } from 'react-i18next';

/** Step 3: what the copy will be worth, said plainly, and the choice. */
export function ConsistencyStep() {
  const { t } = useTranslation(['p2v', 'common']);
  const { sourceId, go, consistency, setConsistency } = useP2vWizard();
  const inv = useDiscovery(sourceId);
  if (!inv.data) return <LoadingState />;
  const a = consistencyAdvice(inv.data);
  const sep = t('common:format.listSep');
  // The advice's words, in the UI language (consistencyAdvice decides; its English text is for logs and tests).
  const summary = a.level === 'consistent' ? t('cons.summaryConsistent') : t('cons.summaryCrash');
  const recommendations =
    a.level === 'consistent'
      ? []
      : [
          t('cons.recDb'),
          ...(a.freezable.length ? [t('cons.recFreeze', { list: a.freezable.join(sep) })] : []),
          ...(a.lvmSnapshots.length ? [t('cons.recLvm', { list: a.lvmSnapshots.join(sep) })] : []),
        ];
  return (
    <div className="p2v-step" data-testid="p2v-step-consistency">
      <div className={`banner ${a.level === 'consistent' ? 'ok' : 'warn'}`} data-testid="p2v-consistency">
        <p>
          <b>{a.level === 'consistent' ? t('cons.consistent') : t('cons.crash')}</b> {summary}
        </p>
        {recommendations.map((r) => (
          <p key={r}>{r}</p>
        ))}
      </div>
      <fieldset className="p2v-choices">
        <legend>{t('cons.how')}</legend>
        <label className="check-row">
          <input type="radio" name="p2v-consistency" checked={consistency === 'as-is'} onChange={() => setConsistency('as-is')} data-testid="p2v-consistency-as-is" />
          {a.level === 'crash-consistent' ? t('cons.asIsCrash') : t('cons.asIs')}
        </label>
        <label className="check-row">
          <input
            type="radio"
            name="p2v-consistency"
            checked={consistency === 'fsfreeze'}
            disabled={a.freezable.length === 0}
            onChange={() => setConsistency('fsfreeze')}
            data-testid="p2v-consistency-fsfreeze"
          />
          {a.freezable.length ? t('cons.freeze', { list: a.freezable.join(sep) }) : t('cons.freezeMounted')}
          {a.freezable.length === 0 ? <span className="field-hint"> {t('cons.nothingToFreeze')}</span> : null}
        </label>
      </fieldset>
      {a.lvmSnapshots.length ? (
        <p className="field-hint" data-testid="p2v-lvm">
          {t('cons.lvm', { list: a.lvmSnapshots.join(sep) })}
        </p>
      ) : null}
      <div className="p2v-nav">
        <button type="button" onClick={() => go('discovery')}>
          {t('back')}
        </button>
        <button type="button" className="primary" onClick={() => go('target')} data-testid="p2v-consistency-next">
          {t('next')}
        </button>
      </div>
    </div>
  );
}
