import { ConsistencyStep } from './ConsistencyStep';
import { DiscoveryStep } from './DiscoveryStep';
import { ReviewStep } from './ReviewStep';
import { RunStep } from './RunStep';
import { SourceStep } from './SourceStep';
import { STEPS, useP2vWizard } from './store';
import { TargetStep } from './TargetStep';
import './p2v.css';
import { useTranslation } from 'react-i18next';

/** P2V: a Linux machine over SSH becomes a VM. One page, one step at a time. */
export function P2vPage() {
  const { t } = useTranslation('p2v');
  const step = useP2vWizard((s) => s.step);
  const at = STEPS.findIndex((s) => s.id === step);
  return (
    <div className="page p2v-page" data-testid="p2v-page">
      <div className="page-head">
        <div className="page-title">
          <h1>{t('title')}</h1>
        </div>
        <div className="page-sub">{t('sub')}</div>
        <ol className="p2v-steps" aria-label={t('steps')}>
          {STEPS.map((s, i) => (
            <li key={s.id} className={i === at ? 'current' : i < at ? 'done' : ''} aria-current={i === at ? 'step' : undefined}>
              {i + 1}. {t(`step.${s.id}`)}
            </li>
          ))}
        </ol>
      </div>
      {step === 'source' ? <SourceStep /> : null}
      {step === 'discovery' ? <DiscoveryStep /> : null}
      {step === 'consistency' ? <ConsistencyStep /> : null}
      {step === 'target' ? <TargetStep /> : null}
      {step === 'review' ? <ReviewStep /> : null}
      {step === 'run' ? <RunStep /> : null}
    </div>
  );
}
