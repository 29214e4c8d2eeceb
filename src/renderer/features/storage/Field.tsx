import { useId, type ReactNode } from 'react';
import { FieldFrame } from '../../ui/FieldFrame';

/** A labelled form field with its hint or error, wired for screen readers. */
export function Field({ label, hint, error, wide, children }: { label: string; hint?: ReactNode; error?: string; wide?: boolean; children: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode }) {
  const id = useId();
  const describedBy = error ? `${id}-err` : hint ? `${id}-hint` : undefined;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} wide={!!wide}>
      {children({ id, ...(error ? { 'aria-invalid': true as const } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
    </FieldFrame>
  );
}

/** A size as number + unit. */
export function SizeField({ label, text, unit, onText, onUnit, error, hint, testId }: { label: string; text: string; unit: string; onText(v: string): void; onUnit(v: string): void; error?: string; hint?: ReactNode; testId?: string }) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(p) => (
        <div className="inline-form size-input">
          <input {...p} inputMode="decimal" value={text} onChange={(e) => onText(e.target.value)} data-testid={testId} />
          <select aria-label={label} value={unit} onChange={(e) => onUnit(e.target.value)}>
            <option>MiB</option>
            <option>GiB</option>
            <option>TiB</option>
          </select>
        </div>
      )}
    </Field>
  );
}

/** Pulls the first error per field out of a zod issue list: `{ name: 'a pool needs a name' }`. */
export function fieldErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = String(i.path.at(-1) ?? '');
    out[key] ??= i.message;
  }
  return out;
}
