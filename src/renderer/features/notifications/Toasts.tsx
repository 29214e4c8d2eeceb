import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotifications } from './store';

export function Toasts() {
  const { t } = useTranslation();
  const items = useNotifications((s) => s.items);
  const dismiss = useNotifications((s) => s.dismiss);
  useEffect(() => {
    // Errors stay until dismissed; the rest fade after a few seconds.
    const timers = items.filter((n) => n.level !== 'error').map((n) => setTimeout(() => dismiss(n.id), 6000));
    return () => timers.forEach(clearTimeout);
  }, [items, dismiss]);
  return (
    <div className="toasts" aria-live="polite">
      {items.map((n) => (
        <div key={n.id} className={`toast ${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
          <div className="toast-body">
            <strong>{n.title}</strong>
            {n.message && <div>{n.message}</div>}
          </div>
          <button type="button" className="ghost" aria-label={t('dismiss')} onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
