import { taskPhase } from '../../i18n';
import { useTranslation } from 'react-i18next';
import { useDomainSummary } from '../domains/queries';
import { useHosts } from '../hosts/queries';
import { useTasks } from '../tasks/queries';
import { useMigrateDialog } from './queries';

/** "Move…" on the VM page; while a move of this VM runs, its phase and a way back to the figures. */
export function MigrateButton({ hostId, uuid }: { hostId: string; uuid: string }) {
  const { t } = useTranslation('domains');
  const { summary } = useDomainSummary(hostId, uuid, true);
  const hosts = useHosts();
  const tasks = useTasks();
  const show = useMigrateDialog((s) => s.show);
  const runningMove = tasks.data?.find((t) => t.kind === 'domain.migrate' && t.state === 'running' && t.target?.id === uuid);
  const others = (hosts.data ?? []).filter((h) => h.config.id !== hostId && h.state.status === 'connected').length;
  if (!summary) return null;
  const pct = runningMove?.progress?.total ? Math.round((runningMove.progress.done / runningMove.progress.total) * 100) : undefined;
  return runningMove ? (
    <button type="button" className="small ghost mig-running" onClick={() => show({ hostId, uuid, name: summary.name, taskId: runningMove.id })} data-testid="vm-migration-running">
      {taskPhase(runningMove)}
      {pct !== undefined ? ` ${pct}%` : '…'}
    </button>
  ) : (
    <button
      type="button"
      className="small ghost"
      onClick={() => show({ hostId, uuid, name: summary.name })}
      disabled={others === 0}
      title={others === 0 ? t('move.noHost') : t('move.tip')}
      data-testid="vm-action-migrate"
    >
      {t('move.button')}
    </button>
  );
}
