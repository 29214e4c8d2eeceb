import { useTranslation } from 'react-i18next';
import { WINDOWS } from './windows';

export function WindowPicker({ value, onChange }: { value: string; onChange(id: string): void }) {
  const { t } = useTranslation('metrics');
  return (
    <div className="mx-windows" role="radiogroup" aria-label={t('window.label')}>
      {WINDOWS.map((w) => (
        <button key={w.id} type="button" role="radio" aria-checked={w.id === value} className={w.id === value ? 'on' : ''} onClick={() => onChange(w.id)} data-testid={`window-${w.id}`}>
          {t(`window.${w.id}`)}
        </button>
      ))}
    </div>
  );
}
