import type { ReactNode } from 'react';

/**
 * The frame of a labelled form field: label, the control, then its error
 * (announced) or its hint. The control carries `id` and points at
 * `${id}-err` / `${id}-hint` with aria-describedby.
 */
export function FieldFrame({ id, label, error, hint, children, wide = false }: { id: string; label: ReactNode; error?: string | undefined; hint?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <div className={`field ${wide ? 'wide' : ''} ${error ? 'invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <div className="field-error" id={`${id}-err`} role="alert">
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}
