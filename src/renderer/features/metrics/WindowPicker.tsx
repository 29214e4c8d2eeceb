import { WINDOWS } from './windows';

export function WindowPicker({ value, onChange }: { value: string; onChange(id: string): void }) {
  return (
    <div className="mx-windows" role="radiogroup" aria-label="Time window">
      {WINDOWS.map((w) => (
        <button key={w.id} type="button" role="radio" aria-checked={w.id === value} className={w.id === value ? 'on' : ''} onClick={() => onChange(w.id)} data-testid={`window-${w.id}`}>
          {w.label}
        </button>
      ))}
    </div>
  );
}
