import type { ReactNode } from 'react';

/** A dialog's form: Enter in any field submits; the visible button lives in the modal's footer. */
export function DialogForm({ onSubmit, children, describedBy }: { onSubmit(): void; children: ReactNode; describedBy?: string }) {
  return (
    <form
      className="net-form"
      aria-describedby={describedBy}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
      <button type="submit" style={{ display: 'none' }} aria-hidden tabIndex={-1} />
    </form>
  );
}
