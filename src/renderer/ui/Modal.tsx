import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

// Native <dialog> opened with showModal(): the browser makes the rest of the
// page inert, traps focus and stacks nested dialogs (a host-key prompt over
// the add-host form) in the top layer for us.

interface Props {
  title: ReactNode;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  size?: 'small' | 'medium' | 'large';
  /** Escape and the close button do nothing while true (a call is running). */
  busy?: boolean;
  describedBy?: string;
  role?: 'dialog' | 'alertdialog';
}

export function Modal({ title, onClose, children, footer, testId, size = 'medium', busy = false, describedBy, role = 'dialog' }: Props) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const busyRef = useRef(busy);
  busyRef.current = busy;

  useLayoutEffect(() => {
    const d = ref.current;
    if (!d) return;
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    d.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      if (d.open) d.close();
      // Give focus back to whatever opened us (the toolbar button, the tree row).
      if (returnTo?.isConnected) returnTo.focus();
    };
  }, []);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const onCancel = (e: Event) => {
      // Escape: let React own the open state instead of the browser closing it.
      e.preventDefault();
      if (!busyRef.current) closeRef.current();
    };
    d.addEventListener('cancel', onCancel);
    return () => d.removeEventListener('cancel', onCancel);
  }, []);
  return (
    <dialog ref={ref} className={`modal modal-${size}`} aria-labelledby={titleId} aria-describedby={describedBy} data-testid={testId} role={role}>
      <header className="modal-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-btn" aria-label={t('close')} onClick={onClose} disabled={busy}>
          ×
        </button>
      </header>
      <div className="modal-body">{children}</div>
      {footer && <footer className="modal-foot">{footer}</footer>}
    </dialog>
  );
}
