import { taskPhase } from '../../i18n';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../../app/api';
import { domainKeys } from '../domains/queries';
import { useTaskSummary } from '../tasks/queries';
import { settingsKeys } from './queries';

/**
 * A VM made with “Customise before start” still carries its first-boot plan
 * (install media, kernel, cloud-init seed). Its first start must go through
 * create.begin so the plan runs; this is the button for it, with the task's
 * progress and error in place.
 */
export function InstallBanner({ hostId, uuid }: { hostId: string; uuid: string }) {
  const { t } = useTranslation('settings');
  const qc = useQueryClient();
  const [taskId, setTaskId] = useState<string>();
  const [error, setError] = useState<string>();
  const task = useTaskSummary(taskId);
  useEffect(() => {
    if (task?.state !== 'succeeded' && task?.state !== 'failed') return;
    void qc.invalidateQueries({ queryKey: settingsKeys.settings(hostId, uuid) });
    void qc.invalidateQueries({ queryKey: domainKeys.detail(hostId, uuid) });
  }, [task?.state, qc, hostId, uuid]);
  const begin = async () => {
    setError(undefined);
    try {
      setTaskId((await request('create.begin', { hostId, uuid })).taskId);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const running = !!taskId && (!task || task.state === 'running');
  return (
    <div className="install-banner" role="status" data-testid="install-banner">
      <p>{t('install.pending')}</p>
      <button type="button" className="primary" disabled={running} onClick={() => void begin()} data-testid="install-begin">
        {t('install.begin')}
      </button>
      {running ? (
        <span className="small muted" data-testid="install-phase">
          {' '}
          {task ? taskPhase(task) : t('install.starting')}
        </span>
      ) : null}
      {error || task?.error ? (
        <p className="field-error" role="alert" data-testid="install-error">
          {error ?? task?.error?.message}
        </p>
      ) : null}
    </div>
  );
}
