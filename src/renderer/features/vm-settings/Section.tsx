import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApplyResult } from '../../../shared/model/vm-settings';
import { Spinner } from '../../ui/Spinner';
import { ApplyOutcome, Pending } from './ApplyOutcome';

/** One settings section: view, Edit, then Apply or Revert; shows what the last change did. */
export function Section(p: {
  id: string;
  title: string;
  pending: string[];
  editing: boolean;
  busy: boolean;
  onEdit?: () => void;
  onApply?: () => void;
  onRevert?: () => void;
  result?: ApplyResult;
  error?: unknown;
  children: ReactNode;
}) {
  const { t } = useTranslation('settings');
  return (
    <section className="section settings-section" aria-labelledby={`${p.id}-h`} data-testid={`section-${p.id}`}>
      <div className="settings-head">
        <h2 id={`${p.id}-h`}>{p.title}</h2>
        {p.onEdit && !p.editing && (
          <button type="button" className="ghost" onClick={p.onEdit} data-testid={`edit-${p.id}`}>
            {t('edit')}
          </button>
        )}
        {p.editing && (
          <span className="settings-actions">
            <button type="button" className="ghost" onClick={p.onRevert} disabled={p.busy} data-testid={`revert-${p.id}`}>
              {t('revert')}
            </button>
            <button type="button" onClick={p.onApply} disabled={p.busy} data-testid={`apply-${p.id}`}>
              {p.busy && <Spinner />}
              {t('apply')}
            </button>
          </span>
        )}
      </div>
      <Pending lines={p.pending} />
      {p.children}
      <ApplyOutcome result={p.result} error={p.error} />
    </section>
  );
}

export function Num({ label, value, onChange, min, testId, hint, optional }: { label: string; value: number | undefined; onChange(v: number | undefined): void; min?: number; testId?: string; hint?: string; optional?: boolean }) {
  const { t } = useTranslation('settings');
  return (
    <div className="field">
      <label>
        {label}
        <input
          type="number"
          min={min}
          value={value ?? ''}
          placeholder={optional ? t('default') : undefined}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      </label>
      {hint && <span className="field-hint">{hint}</span>}
    </div>
  );
}

export function Text({ label, value, onChange, testId, placeholder, type = 'text' }: { label: string; value: string | undefined; onChange(v: string): void; testId?: string; placeholder?: string; type?: string }) {
  return (
    <div className="field">
      <label>
        {label}
        <input type={type} value={value ?? ''} placeholder={placeholder} data-testid={testId} onChange={(e) => onChange(e.target.value)} />
      </label>
    </div>
  );
}

export function Pick<T extends string>({ label, value, options, onChange, testId }: { label: string; value: T | undefined; options: readonly T[]; onChange(v: T): void; testId?: string }) {
  return (
    <div className="field">
      <label>
        {label}
        <select value={value ?? ''} data-testid={testId} onChange={(e) => onChange(e.target.value as T)}>
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
