import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupSchedule } from '../../../shared/model/backup';
import { formatDateTime } from '../../i18n/format';
import { ErrorState } from '../../ui/States';
import { HostSelect } from './HostSelect';
import { useSchedule, useSetSchedule } from './queries';

const fmt = (at?: number) => (at ? formatDateTime(at) : '—');

/** The daily backup: time of day, which hosts, how many scheduled backups to keep. */
export function ScheduleForm() {
  const { t } = useTranslation('backup');
  const schedule = useSchedule();
  const save = useSetSchedule();
  const [draft, setDraft] = useState<BackupSchedule | undefined>();
  useEffect(() => {
    if (schedule.data && !draft) setDraft({ enabled: schedule.data.enabled, time: schedule.data.time, hostIds: schedule.data.hostIds, keep: schedule.data.keep });
  }, [schedule.data, draft]);
  if (schedule.error) return <ErrorState compact title={t('schedule.readError')} error={schedule.error} />;
  if (!draft || !schedule.data) return null;
  const s = schedule.data;
  const dirty = draft.enabled !== s.enabled || draft.time !== s.time || draft.keep !== s.keep || draft.hostIds.join() !== s.hostIds.join();
  return (
    <section className="section" aria-label={t('schedule.aria')}>
      <h2>{t('schedule.title')}</h2>
      <div className="backup-schedule" data-testid="backup-schedule">
        <label className="check">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} data-testid="schedule-enabled" /> {t('schedule.every')}
        </label>
        <input type="time" value={draft.time} onChange={(e) => setDraft({ ...draft, time: e.target.value || draft.time })} data-testid="schedule-time" aria-label={t('schedule.time')} />
        <HostSelect label={t('schedule.hosts')} value={draft.hostIds[0] ?? ''} onChange={(v) => setDraft({ ...draft, hostIds: v ? [v] : [] })} testId="schedule-hosts" />
        <label className="inline">
          {t('schedule.keep')}
          <input type="number" min={1} max={365} value={draft.keep} onChange={(e) => setDraft({ ...draft, keep: Math.min(365, Math.max(1, Number(e.target.value) || 1)) })} data-testid="schedule-keep" />
        </label>
        <button type="button" disabled={!dirty || save.isPending} onClick={() => save.mutate(draft)} data-testid="schedule-save">
          {t('schedule.save')}
        </button>
      </div>
      <p className="small muted" data-testid="schedule-status">
        {s.enabled
          ? t(s.lastResult ? 'schedule.onResult' : 'schedule.on', { next: fmt(s.nextRunAt), last: fmt(s.lastRunAt), result: s.lastResult })
          : t(s.lastResult ? 'schedule.offResult' : 'schedule.off', { last: fmt(s.lastRunAt), result: s.lastResult })}
      </p>
      {save.error && <ErrorState compact title={t('schedule.saveError')} error={save.error} />}
    </section>
  );
}
