import { useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { DomainDetails, DomainSummary } from '../../../shared/model/domain';
import { MigrationOptionsSchema, type MigrationMode, type MigrationOptions, type MigrationRoute } from '../../../shared/model/migration';
import { appOf } from '../../../shared/placement/score';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { ErrorState } from '../../ui/States';
import { formatNumber } from '../../i18n/format';
import { useHosts } from '../hosts/queries';
import { Checklist } from './Checklist';
import { OptionsFields } from './OptionsFields';
import { TargetPicker } from './TargetPicker';
import { useMigrateDialog, usePreflight, useRank, useStartMigration } from './queries';
import { MigrationProgressView } from './MigrationProgressView';
import { useDomain, useDomainSummary } from '../domains/queries';
import './migration.css';

/**
 * The migration wizard: target (with placement advice), mode and route as
 * preflight allows them, network mapping, options, and the checklist with a
 * verdict per line. Start stays disabled while anything fails; once started
 * the dialog follows the task (figures, cancel, how it ended).
 */
export function MigrateDialog({ vm, details, onClose, onStarted }: { vm: DomainSummary; details: DomainDetails | undefined; onClose(): void; onStarted(taskId: string): void }) {
  const { t } = useTranslation(['migration', 'common']);
  const hosts = useHosts();
  const [target, setTarget] = useState<string | undefined>();
  const [mode, setMode] = useState<MigrationMode | undefined>();
  const [route, setRoute] = useState<MigrationRoute | undefined>();
  const [networkMap, setNetworkMap] = useState<Record<string, string>>({});
  const [options, setOptions] = useState<MigrationOptions>(() => MigrationOptionsSchema.parse({}));
  const start = useStartMigration();

  const running = vm.state === 'running' || vm.state === 'paused';
  const networks = useMemo(() => [...new Set((details?.nics ?? []).filter((n) => n.type === 'network' && n.source).map((n) => n.source!))], [details]);
  const rank = useRank(
    details
      ? { vcpus: details.vcpu.current, memoryKiB: details.memory.currentKiB, networks, exclude: [vm.hostId], running, ...(appOf(vm.tags) ? { app: appOf(vm.tags) } : {}) }
      : null,
  );
  // The advised host is preselected once scores arrive; the admin can pick any other.
  const advised = rank.data?.find((s) => s.eligible)?.hostId;
  const chosen = target ?? advised;
  const cleanMap = Object.fromEntries(Object.entries(networkMap).filter(([, v]) => v));
  const pre = usePreflight(chosen ? { hostId: vm.hostId, uuid: vm.uuid, targetHostId: chosen, ...(mode ? { mode } : {}), ...(route ? { route } : {}), networkMap: cleanMap } : null);
  const report = pre.data?.targetHostId === chosen ? pre.data : undefined;
  const busy = start.isPending;

  const go = () => {
    if (!report) return;
    start.mutate(
      { hostId: vm.hostId, uuid: vm.uuid, targetHostId: report.targetHostId, mode: report.mode, route: report.route, networkMap: cleanMap, options },
      { onSuccess: (r) => onStarted(r.taskId) },
    );
  };

  return (
    <Modal
      title={t('wizard.title', { name: vm.name })}
      onClose={onClose}
      busy={busy}
      size="large"
      testId="migrate-dialog"
      footer={
        <>
          <span className="small muted grow">{report ? (report.ok ? t('wizard.allPassed') : t('wizard.failing', { n: formatNumber(report.checks.filter((c) => c.verdict === 'fail').length) })) : ''}</span>
          <button type="button" className="ghost" onClick={onClose} disabled={busy}>
            {t('common:cancel')}
          </button>
          <button type="button" onClick={go} disabled={!report?.ok || busy || pre.isFetching} data-testid="migrate-start">
            {busy && <Spinner />}
            {t('wizard.start')}
          </button>
        </>
      }
    >
      <div className="mig-grid">
        <section aria-labelledby="mig-target-h">
          <h3 id="mig-target-h">{t('wizard.target')}</h3>
          {hosts.data && <TargetPicker hosts={hosts.data} sourceId={vm.hostId} scores={rank.data} value={chosen} onChange={(id) => (setTarget(id), setNetworkMap({}))} />}
          {rank.error && <p className="error-text small">{t('wizard.adviceError', { message: rank.error.message })}</p>}

          {report && (
            <>
              <h3>{t('wizard.mode')}</h3>
              <div className="mode-list" role="radiogroup" aria-label={t('wizard.modeGroup')}>
                {report.modes.map((m) => (
                  <label key={m.mode} className={`mode${m.available ? '' : ' off'}`} data-testid={`mode-${m.mode}`}>
                    <input type="radio" name="mode" checked={report.mode === m.mode} disabled={!m.available} onChange={() => setMode(m.mode)} />
                    <span>
                      <strong>{t(`modeLabel.${m.mode}`)}</strong>
                      {report.recommendedMode === m.mode && <span className="chip ok">{t('wizard.recommended')}</span>}
                      <span className="small muted block">{m.available ? t(`modeHelp.${m.mode}`) : m.reason}</span>
                    </span>
                  </label>
                ))}
              </div>
              {report.mode !== 'offline' && (
                <>
                  <h3>{t('wizard.route')}</h3>
                  <div className="mode-list" role="radiogroup" aria-label={t('wizard.route')}>
                    <label className="mode" data-testid="route-direct">
                      <input type="radio" name="route" checked={report.route === 'direct'} onChange={() => setRoute('direct')} />
                      <span>
                        <strong>{t('wizard.direct')}</strong> <span className="small muted block">{report.reachDetail}</span>
                      </span>
                    </label>
                    <label className="mode" data-testid="route-relay">
                      <input type="radio" name="route" checked={report.route === 'relay'} disabled={!report.relayPossible} onChange={() => setRoute('relay')} />
                      <span>
                        <strong>{t('wizard.relay')}</strong>
                        <span className="small muted block">{t('wizard.relayHint')}</span>
                      </span>
                    </label>
                  </div>
                </>
              )}
              {report.networkMapping.missing.length > 0 && (
                <>
                  <h3>{t('wizard.networks')}</h3>
                  {report.networkMapping.missing.map((n) => (
                    <label key={n} className="field inline" data-testid={`map-${n}`}>
                      <span>
                        <Trans t={t} i18nKey="wizard.onTarget" values={{ name: n }} components={{ m: <span className="mono" /> }} />
                      </span>
                      <select value={networkMap[n] ?? ''} onChange={(e) => setNetworkMap((m) => ({ ...m, [n]: e.target.value }))}>
                        <option value="">{t('wizard.missingChoose')}</option>
                        {report.networkMapping.choices.map((c) => (
                          <option key={c} value={c}>
                            {c}
                          </option>
                        ))}
                      </select>
                    </label>
                  ))}
                </>
              )}
              <h3>{t('wizard.options')}</h3>
              <OptionsFields mode={report.mode} value={options} onChange={setOptions} />
            </>
          )}
        </section>
        <section aria-labelledby="mig-check-h" className="mig-checks">
          <h3 id="mig-check-h">
            {t('wizard.preflight')} {pre.isFetching && <Spinner />}
          </h3>
          {!chosen && <p className="muted">{t('wizard.chooseTarget')}</p>}
          {pre.error && <ErrorState title={t('wizard.preflightError')} error={pre.error} onRetry={() => void pre.refetch()} />}
          {report && <Checklist checks={report.checks} stale={pre.isFetching} />}
        </section>
      </div>
      {start.error && (
        <p className="error-text" role="alert" data-testid="migrate-error">
          {start.error.message}
        </p>
      )}
    </Modal>
  );
}

/**
 * Where the migrate dialog is rendered (once, above the pages): the wizard
 * for the chosen VM, then the move's progress, which outlives the VM page.
 */
export function MigrateDialogHost() {
  const { t } = useTranslation(['migration', 'common']);
  const open = useMigrateDialog((s) => s.open);
  const show = useMigrateDialog((s) => s.show);
  const close = useMigrateDialog((s) => s.close);
  const { summary } = useDomainSummary(open?.hostId ?? '', open?.uuid ?? '', !!open && !open.taskId);
  const details = useDomain(open?.hostId ?? '', open?.uuid ?? '', !!open && !open.taskId && !!summary);
  if (!open) return null;
  if (open.taskId) {
    return (
      <Modal
        title={t('wizard.moving', { name: open.name })}
        onClose={close}
        testId="migrate-dialog"
        size="medium"
        footer={
          <button type="button" className="ghost" onClick={close} data-testid="migrate-close">
            {t('common:close')}
          </button>
        }
      >
        <MigrationProgressView taskId={open.taskId} />
        <p className="small muted">{t('wizard.closingHint')}</p>
      </Modal>
    );
  }
  if (!summary) return null;
  return <MigrateDialog vm={summary} details={details.data} onClose={close} onStarted={(taskId) => show({ ...open, taskId })} />;
}
