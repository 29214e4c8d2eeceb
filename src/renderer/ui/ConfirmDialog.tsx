import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Modal } from './Modal';
import { Spinner } from './Spinner';

/** Destructive actions focus Cancel first, so a stray Enter never deletes anything. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger = false,
  busy = false,
  onConfirm,
  onCancel,
}: {
  title: ReactNode;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const bodyId = useId();
  const { t } = useTranslation();
  return (
    <Modal
      title={title}
      onClose={onCancel}
      size="small"
      busy={busy}
      role="alertdialog"
      describedBy={bodyId}
      testId="confirm-dialog"
      footer={
        <>
          <button type="button" className="ghost" onClick={onCancel} disabled={busy} data-testid="confirm-cancel" data-autofocus={danger ? true : undefined}>
            {t('cancel')}
          </button>
          <button type="button" className={danger ? 'danger' : ''} onClick={onConfirm} disabled={busy} data-testid="confirm-ok" data-autofocus={danger ? undefined : true}>
            {busy && <Spinner />}
            {confirmLabel}
          </button>
        </>
      }
    >
      <div id={bodyId}>{children}</div>
    </Modal>
  );
}
