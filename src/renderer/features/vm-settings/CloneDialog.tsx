import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { expandCloneNames } from '../../../shared/libvirt/clone-names';
import type { DomainSummary } from '../../../shared/model/domain';
import { request } from '../../app/api';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { formatBytes, formatNumber } from '../../i18n/format';
import { useCancelTask, useTaskSummary } from '../tasks/queries';
import { useDomains } from '../domains/queries';

/** Full or linked clone of a shut-off VM; N clones from a name pattern; progress and cancel from its Task. */
export function CloneDialog({ vm, onClose }: { vm: DomainSummary; onClose(): void }) {
  const { t } = useTranslation(['settings', 'common']);
  const [pattern, setPattern] = useState(`${vm.name}-clone`);
  const [count, setCount] = useState(1);
  const [linked, setLinked] = useState(false);
  // The host's live list (kept fresh by events): names taken right now.
  const list = useDomains(vm.hostId, true);
  let names: string[] = [];
  let nameError: string | undefined;
  try {
    names = expandCloneNames(count > 1 && !/\{n+\}/.test(pattern) ? `${pattern}-{n}` : pattern, count, vm.name, (list.data ?? []).map((d) => d.name));
  } catch (e) {
    nameError = (e as Error).message;
  }
  const start = useMutation({ mutationFn: () => request('domains.clone', { hostId: vm.hostId, uuid: vm.uuid, names, linked }) });
  const task = useTaskSummary(start.data?.taskId);
  const cancel = useCancelTask();
  const running = task?.state === 'running';
  const p = task?.progress;
  return (
    <Modal title={t('clone.title', { name: vm.name })} onClose={onClose} busy={running} testId="clone-dialog">
      {vm.state !== 'shutoff' && <p className="apply-error">{t('clone.shutOff')}</p>}
      {!start.data ? (
        <div className="settings-form">
          <div className="field">
            <label>
              {t('clone.name')}
              <input value={pattern} onChange={(e) => setPattern(e.target.value)} data-testid="clone-name" />
            </label>
          </div>
          <div className="field">
            <label>
              {t('clone.count')}
              <input type="number" min={1} max={100} value={count} onChange={(e) => setCount(Math.max(1, Number(e.target.value) || 1))} data-testid="clone-count" />
            </label>
          </div>
          <label className="check">
            <input type="checkbox" checked={linked} onChange={(e) => setLinked(e.target.checked)} /> {t('clone.linked')}
          </label>
          {nameError ? <p className="field-error">{nameError}</p> : <p className="field-hint">{t('clone.willCreate', { names: names.join(', ') })}</p>}
          {start.error && <p className="apply-error">{(start.error as Error).message}</p>}
          <div className="settings-actions">
            <button type="button" className="ghost" onClick={onClose}>
              {t('common:cancel')}
            </button>
            <button type="button" disabled={!!nameError || vm.state !== 'shutoff' || start.isPending} onClick={() => start.mutate()} data-testid="clone-start">
              {t('clone.start')}
            </button>
          </div>
        </div>
      ) : (
        <div className="clone-progress" data-testid="clone-progress">
          <p>
            {running && <Spinner />} {task?.phase ?? t('clone.starting')} — <span data-testid="clone-state" data-state={task?.state ?? 'running'}>{t(`clone.state.${task?.state ?? 'running'}`)}</span>
          </p>
          {p?.total ? (
            <>
              <progress max={p.total} value={p.done} />
              <p className="small">{[t('clone.of', { done: p.unit === 'bytes' ? formatBytes(p.done) : formatNumber(p.done), total: p.unit === 'bytes' ? formatBytes(p.total) : formatNumber(p.total) }), p.unit === 'bytes' && p.rate ? `${formatBytes(p.rate)}/s` : '', p.unit === 'bytes' && p.etaSeconds ? t('clone.left', { n: Math.ceil(p.etaSeconds) }) : ''].filter(Boolean).join(' · ')}</p>
            </>
          ) : running ? (
            <progress />
          ) : null}
          {task?.error && <p className="apply-error">{task.error.message}</p>}
          {task?.cleanup.map((c) => (
            <p key={c} className="small">
              {c}
            </p>
          ))}
          <div className="settings-actions">
            {running && (
              <button type="button" className="danger" disabled={task.cancelRequested} onClick={() => cancel.mutate(task.id)} data-testid="clone-cancel">
                {task.cancelRequested ? t('clone.cancelling') : t('clone.cancel')}
              </button>
            )}
            {!running && (
              <button type="button" onClick={onClose}>
                {t('common:close')}
              </button>
            )}
          </div>
        </div>
      )}
    </Modal>
  );
}
