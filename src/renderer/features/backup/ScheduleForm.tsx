import { useEffect, useState } from 'react';
import type { BackupSchedule } from '../../../shared/model/backup';
import { ErrorState } from '../../ui/States';
import { HostSelect } from './HostSelect';
import { useSchedule, useSetSchedule } from './queries';

const fmt = (t?: number) => (t ? new Date(t).toLocaleString() : '—');

/** The daily backup: time of day, which hosts, how many scheduled backups to keep. */
export function ScheduleForm() {
  const schedule = useSchedule();
  const save = useSetSchedule();
  const [draft, setDraft] = useState<BackupSchedule | undefined>();
  useEffect(() => {
    if (schedule.data && !draft) setDraft({ enabled: schedule.data.enabled, time: schedule.data.time, hostIds: schedule.data.hostIds, keep: schedule.data.keep });
  }, [schedule.data, draft]);
  if (schedule.error) return <ErrorState compact title="Could not read the schedule" error={schedule.error} />;
  if (!draft || !schedule.data) return null;
  const s = schedule.data;
  const dirty = draft.enabled !== s.enabled || draft.time !== s.time || draft.keep !== s.keep || draft.hostIds.join() !== s.hostIds.join();
  return (
    <section className="section" aria-label="Schedule">
      <h2>Daily backup</h2>
      <div className="backup-schedule" data-testid="backup-schedule">
        <label className="check">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} data-testid="schedule-enabled" /> Back up every day at
        </label>
        <input type="time" value={draft.time} onChange={(e) => setDraft({ ...draft, time: e.target.value || draft.time })} data-testid="schedule-time" aria-label="Time of day" />
        <HostSelect label="hosts" value={draft.hostIds[0] ?? ''} onChange={(v) => setDraft({ ...draft, hostIds: v ? [v] : [] })} testId="schedule-hosts" />
        <label className="inline">
          keep the newest
          <input type="number" min={1} max={365} value={draft.keep} onChange={(e) => setDraft({ ...draft, keep: Math.min(365, Math.max(1, Number(e.target.value) || 1)) })} data-testid="schedule-keep" />
        </label>
        <button type="button" disabled={!dirty || save.isPending} onClick={() => save.mutate(draft)} data-testid="schedule-save">
          Save schedule
        </button>
      </div>
      <p className="small muted" data-testid="schedule-status">
        {s.enabled ? `Next run ${fmt(s.nextRunAt)}. ` : 'Off. '}
        Last run {fmt(s.lastRunAt)}
        {s.lastResult ? ` (${s.lastResult})` : ''}. Runs while VirtDeck is open (or serve runs); a run missed meanwhile runs at the next start. Manual backups are never deleted by retention.
      </p>
      {save.error && <ErrorState compact title="Could not save the schedule" error={save.error} />}
    </section>
  );
}
