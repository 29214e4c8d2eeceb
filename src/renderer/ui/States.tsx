import type { ReactNode } from 'react';
import { ApiError } from '../app/api';

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: { label: string; onClick(): void } }) {
  return (
    <div className="empty-state">
      <h3>{title}</h3>
      {children && <p>{children}</p>}
      {action && (
        <button type="button" onClick={action.onClick}>
          {action.label}
        </button>
      )}
    </div>
  );
}

export function ErrorState({ title, error, onRetry }: { title: string; error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="error-state" role="alert">
      <h3>{title}</h3>
      <p>
        {message}
        {code && <span className="code"> ({code})</span>}
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
