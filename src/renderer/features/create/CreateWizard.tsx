import { taskPhase, taskTitle } from '../../i18n';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n/format';
import type { CreatePreview } from '../../../shared/ipc/calls/create';
import { request } from '../../app/api';
import { useUi } from '../../app/ui-store';
import { useHosts } from '../hosts/queries';
import { useTask, useTaskSummary } from '../tasks/queries';
import { CloudInitStep, Field, HardwareStep, OsStep, SourceStep } from './steps';
import { copyNames, emptyDraft, toSpec, type Draft } from './draft';
import { useCreateOptions, useMedia, useNameCheck } from './queries';
import './create.css';

// "New VM": source -> OS -> hardware -> cloud-init -> placement -> review ->
// run. The review shows exactly what the core will define (editable for
// experts) and the virt-install line; the run follows the create task and
// opens the new VM's page when it is done.

// Titles: create:step.<key>.
const STEPS = ['source', 'os', 'hardware', 'cloudInit', 'placement', 'review'] as const;

export function CreateWizard() {
  const { t } = useTranslation('create');
  const hosts = useHosts();
  const connected = useMemo(() => (hosts.data ?? []).filter((h) => h.state.status === 'connected').map((h) => ({ id: h.config.id, name: h.config.name })), [hosts.data]);
  const [d, setD] = useState<Draft>(() => emptyDraft(''));
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch, ...(patch.xml === undefined && !('xml' in patch) ? { xml: undefined } : {}) }));
  useEffect(() => {
    if (!d.hostId && connected[0]) set({ hostId: connected[0].id, hosts: [connected[0].id] });
  }, [connected, d.hostId]);
  const opts = useCreateOptions(d.hostId);
  const media = useMedia(d.hostId);
  const check = useNameCheck(d.hostId, d.name, d.disk ? d.diskPool : undefined);
  const [step, setStep] = useState(0);
  const [preview, setPreview] = useState<CreatePreview | { error: string } | undefined>();
  const [taskId, setTaskId] = useState<string>();
  const [startError, setStartError] = useState<string>();

  useEffect(() => {
    if (step !== 5) return;
    setPreview(undefined);
    request('create.preview', { hostId: d.hosts[0] ?? d.hostId, name: copyNames(d)[0]!, spec: toSpec({ ...d, xml: undefined }) }).then(setPreview, (e: Error) => setPreview({ error: e.message }));
    // Only when the review opens: edits in the XML box must not re-render the preview.
  }, [step]);

  if (!connected.length) return <div className="create-page"><h2>{t('title')}</h2><p className="muted">{t('connectFirst')}</p></div>;
  if (taskId) return <CreateRun taskId={taskId} onBack={() => setTaskId(undefined)} />;

  const blocked = (s: number): string | undefined => {
    if (s === 0 && (d.source === 'iso' || d.source === 'import' || d.source === 'cloud') && !d.media && !d.mediaPath.startsWith('/')) return t('blocked.media');
    if (s === 0 && d.source === 'url' && !/^(https?|ftp):\/\/\S+/.test(d.url)) return t('blocked.url');
    if (s === 2 && (!d.name.trim() || (check.data && !check.data.free))) return check.data?.reason ?? t('blocked.name');
    if (s === 2 && (d.source === 'import' || d.source === 'cloud') && !d.disk) return t('blocked.disk');
    return undefined;
  };
  const why = blocked(step);
  const start = async () => {
    setStartError(undefined);
    try {
      const names = copyNames(d);
      const r = await request('create.start', { spec: toSpec(d.copies > 1 ? { ...d, xml: undefined } : d), placements: names.map((name, i) => ({ hostId: d.hosts[i] ?? d.hostId, name })) });
      setTaskId(r.taskId);
    } catch (e) {
      setStartError((e as Error).message);
    }
  };

  return (
    <div className="create-page" data-testid="create-wizard">
      <h2>{t('title')}</h2>
      <ol className="create-steps">
        {STEPS.map((s, i) => (
          <li key={s} className={i === step ? 'current' : i < step ? 'done' : ''}>
            <button type="button" className="ghost" disabled={i > step && !!blocked(step)} onClick={() => setStep(i)} data-testid={`create-step-${i}`}>
              {i + 1}. {t(`step.${s}`)}
            </button>
          </li>
        ))}
      </ol>
      {step === 0 ? <SourceStep d={d} set={set} opts={opts.data} hosts={connected} media={media.data} onUploaded={() => void media.refetch()} /> : null}
      {step === 1 ? <OsStep d={d} set={set} opts={opts.data} /> : null}
      {step === 2 ? <HardwareStep d={d} set={set} opts={opts.data} /> : null}
      {step === 3 ? <CloudInitStep d={d} set={set} opts={opts.data} /> : null}
      {step === 4 ? <PlacementStep d={d} set={set} hosts={connected} /> : null}
      {step === 5 ? <ReviewStep d={d} set={set} preview={preview} /> : null}
      {opts.error ? <p className="field-error">{opts.error.message}</p> : null}
      <div className="create-nav">
        <button type="button" className="ghost" disabled={step === 0} onClick={() => setStep(step - 1)} data-testid="create-back">
          {t('back')}
        </button>
        {why ? <span className="field-error" data-testid="create-blocked">{why}</span> : null}
        {startError ? <span className="field-error" role="alert" data-testid="create-start-error">{startError}</span> : null}
        {step < 5 ? (
          <button type="button" disabled={!!why} onClick={() => setStep(step + 1)} data-testid="create-next">
            {t('next')}
          </button>
        ) : (
          <button type="button" disabled={!preview || 'error' in preview} onClick={() => void start()} data-testid="create-submit">
            {d.customise ? t('submit.customise') : d.copies > 1 ? t('submit.copies', { count: d.copies, n: formatNumber(d.copies) }) : t('submit.start')}
          </button>
        )}
      </div>
    </div>
  );
}

function PlacementStep({ d, set, hosts }: { d: Draft; set(p: Partial<Draft>): void; hosts: Array<{ id: string; name: string }> }) {
  const names = copyNames(d);
  const tags = d.tags.split(',').map((t) => t.trim()).filter(Boolean);
  const advice = useQuery({
    queryKey: ['create', 'advise', d.vcpus, d.memoryMiB, d.nicType, d.nicSource, d.disk, d.diskPool, d.diskGiB, tags.join(','), d.copies, d.cpuOvercommit],
    queryFn: () =>
      request('create.advise', {
        vcpus: d.vcpus,
        memoryMiB: d.memoryMiB,
        ...(d.nicType === 'network' ? { network: d.nicSource } : {}),
        ...(d.disk ? { pool: d.diskPool, diskGiB: d.diskGiB } : {}),
        tags,
        copies: d.copies,
        cpuOvercommit: d.cpuOvercommit,
      }),
    staleTime: 0,
  });
  const picks = advice.data?.picks;
  useEffect(() => {
    if (!picks || d.hostsOverridden) return;
    set({ hosts: names.map((_, i) => picks[i] ?? d.hostId) });
    // Follow the advice until the admin picks a host by hand.
  }, [picks]);
  const nameOf = (id: string) => hosts.find((h) => h.id === id)?.name ?? id;
  const { t } = useTranslation('create');
  return (
    <div className="create-step">
      <div className="create-grid">
        <Field label={t('place.copies')} hint={t('place.copiesHint')}>
          <input type="number" min={1} max={20} value={d.copies} onChange={(e) => set({ copies: Math.min(20, Math.max(1, Number(e.target.value) || 1)) })} data-testid="create-copies" />
        </Field>
        <Field label={t('place.overcommit')} hint={t('place.overcommitHint')}>
          <input type="number" min={0.1} step="any" value={d.cpuOvercommit} onChange={(e) => set({ cpuOvercommit: Math.max(0.1, Number(e.target.value) || 4) })} data-testid="create-overcommit" />
        </Field>
      </div>
      <h3>
        {t('place.advice')}{' '}
        <button type="button" className="ghost" onClick={() => void advice.refetch()} data-testid="create-advice-refresh">
          {t('place.measureAgain')}
        </button>
      </h3>
      {advice.isLoading ? <p className="muted">{t('place.measuring')}</p> : null}
      {advice.error ? <p className="field-error">{advice.error.message}</p> : null}
      <table className="create-placement" data-testid="create-advice">
        <thead>
          <tr>
            <th>{t('place.colHost')}</th>
            <th>{t('place.colScore')}</th>
            <th>{t('place.colWhy')}</th>
          </tr>
        </thead>
        <tbody>
          {(advice.data?.hosts ?? []).map((h, i) => (
            <tr key={h.hostId} data-testid={`create-advice-${i}`} className={h.eligible ? '' : 'muted'}>
              <td>{h.name}</td>
              <td>{h.eligible ? h.score : t('place.notEligible')}</td>
              <td>{h.reasons.join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('place.whereEach')}</h3>
      <table className="create-placement" data-testid="create-placement">
        <tbody>
          {names.map((n, i) => (
            <tr key={n}>
              <td>{n}</td>
              <td>
                <select
                  value={d.hosts[i] ?? d.hostId}
                  onChange={(e) => set({ hostsOverridden: true, hosts: names.map((_, j) => (j === i ? e.target.value : (d.hosts[j] ?? d.hostId))) })}
                  data-testid={`create-placement-${i}`}
                >
                  {hosts.map((h) => (
                    <option key={h.id} value={h.id}>
                      {h.name}
                    </option>
                  ))}
                </select>
              </td>
              <td className="muted">{d.hostsOverridden ? t('place.chosen') : picks?.[i] ? t('place.advised', { host: nameOf(picks[i]!) }) : picks ? t('place.noHost') : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {d.hostsOverridden ? (
        <button type="button" className="ghost" onClick={() => set({ hostsOverridden: false, hosts: names.map((_, i) => picks?.[i] ?? d.hostId) })} data-testid="create-placement-advice">
          {t('place.followAgain')}
        </button>
      ) : null}
      <p className="muted">{t('place.byName')}</p>
    </div>
  );
}

function ReviewStep({ d, set, preview }: { d: Draft; set(p: Partial<Draft>): void; preview: CreatePreview | { error: string } | undefined }) {
  const { t } = useTranslation('create');
  if (!preview) return <p className="muted">{t('review.building')}</p>;
  if ('error' in preview) return <p className="field-error" role="alert" data-testid="create-preview-error">{preview.error}</p>;
  return (
    <div className="create-step create-review" data-testid="create-review">
      {preview.warnings.length ? (
        <ul className="create-warnings">
          {preview.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      <h3>{t('review.plan')}</h3>
      <ol data-testid="create-plan">
        {preview.steps.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ol>
      <h3>{t('review.virtInstall')}</h3>
      <pre className="create-code" data-testid="create-virt-install">{preview.virtInstall}</pre>
      <h3>{d.copies > 1 ? t('review.xmlOneCopy') : t('review.xmlEditable')}</h3>
      <textarea className="create-code" rows={18} spellCheck={false} readOnly={d.copies > 1} value={d.xml ?? preview.xml} onChange={(e) => set({ xml: e.target.value === preview.xml ? undefined : e.target.value })} data-testid="create-xml" />
      {preview.cloudInit ? (
        <>
          <h3>{t('review.userData')}</h3>
          <pre className="create-code" data-testid="create-user-data">{preview.cloudInit.userData}</pre>
        </>
      ) : null}
    </div>
  );
}

function CreateRun({ taskId, onBack }: { taskId: string; onBack(): void }) {
  const { t } = useTranslation('create');
  const task = useTaskSummary(taskId);
  const detail = useTask(taskId);
  const select = useUi((s) => s.select);
  const { refetch } = detail;
  useEffect(() => void refetch(), [task?.phase, task?.state, refetch]);
  const result = (task?.result ?? undefined) as Array<{ hostId: string; uuid: string; name: string; started: boolean }> | undefined;
  useEffect(() => {
    // Defined but not started (“Customise before start”): its settings page, with “Start install”.
    const r = result?.length === 1 ? result[0]! : undefined;
    if (task?.state === 'succeeded' && r) select({ kind: 'domain', hostId: r.hostId, uuid: r.uuid, ...(r.started ? {} : { tab: 'settings' as const }) });
  }, [task?.state, result, select]);
  const p = task?.progress;
  return (
    <div className="create-page" data-testid="create-run">
      <h2>{task ? taskTitle(task) : t('run.creating')}</h2>
      <p data-testid="create-run-state">
        {t(`run.state.${task?.state ?? 'queued'}`)}: {task ? taskPhase(task) : ''}
      </p>
      {p?.total ? <progress max={p.total} value={p.done} /> : task?.state === 'running' ? <progress /> : null}
      {task?.error ? <p className="field-error" role="alert" data-testid="create-run-error">{task.error.message}</p> : null}
      {task?.cleanup.length ? (
        <div data-testid="create-run-cleanup">
          <h3>{t('run.undone')}</h3>
          <ul>
            {task.cleanup.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <ul className="create-log" data-testid="create-run-log">
        {(detail.data?.log ?? []).map((l, i) => (
          <li key={i} className={l.level}>
            {l.message}
          </li>
        ))}
      </ul>
      {result && result.length > 1 ? (
        <ul>
          {result.map((r) => (
            <li key={r.uuid}>
              <button type="button" className="ghost" onClick={() => select({ kind: 'domain', hostId: r.hostId, uuid: r.uuid })}>
                {t('run.open', { name: r.name })}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {task?.state === 'failed' || task?.state === 'cancelled' ? (
        <button type="button" onClick={onBack} data-testid="create-run-back">
          {t('run.back')}
        </button>
      ) : null}
    </div>
  );
}
