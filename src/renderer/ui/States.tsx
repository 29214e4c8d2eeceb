import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorTitle, i18n } from '../i18n';
import { ApiError } from '../app/api';
import { Spinner } from './Spinner';

export function EmptyState({
  title,
  children,
  action,
  compact = false,
}: {
  title: string;
  children?: ReactNode;
  action?: { label: string; onClick(): void; testId?: string };
  compact?: boolean;
}) {
  return (
    <div className={`empty-state ${compact ? 'compact' : ''}`}>
      <h3>{title}</h3>
      {children && <p>{children}</p>}
      {action && (
        <button type="button" onClick={action.onClick} data-testid={action.testId}>
          {action.label}
        </button>
      )}
    </div>
  );
}

// Codes that mean "this build/host can't do it" rather than "something broke":
// shown calmly, without a retry button that would only fail again.
const NOT_AVAILABLE = new Set(['UNSUPPORTED', 'NOT_CONNECTED']);

export function ErrorState({ title, error, onRetry, compact = false }: { title: string; error: unknown; onRetry?: () => void; compact?: boolean }) {
  const { t } = useTranslation();
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : undefined;
  const calm = code !== undefined && NOT_AVAILABLE.has(code);
  return (
    <div className={`error-state ${calm ? 'calm' : ''} ${compact ? 'compact' : ''}`} role={calm ? 'status' : 'alert'}>
      <h3>{calm && code === 'UNSUPPORTED' ? t('notAvailableYet', { title }) : title}</h3>
      <p>
        {message}
        {code && <span className="code" title={code} data-code={code}> ({errorTitle(code)})</span>}
      </p>
      {onRetry && !calm && (
        <button type="button" className="ghost" onClick={onRetry}>
          {t('tryAgain')}
        </button>
      )}
    </div>
  );
}

export function LoadingState({ label = i18n.t('loading') }: { label?: string }) {
  return (
    <div className="loading-state" role="status">
      <Spinner />
      <span>{label}</span>
    </div>
  );
}
