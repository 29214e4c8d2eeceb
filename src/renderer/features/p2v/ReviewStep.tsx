import { Trans, useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { SourceInventory } from '../../../shared/p2v/discovery';
import { P2vRequestSchema, type P2vRequest } from '../../../shared/p2v/schema';
import { requestProblems } from '../../../shared/p2v/plan';
import { useHosts } from '../hosts/queries';
import { LoadingState } from '../../ui/States';
import { bytes } from './DiscoveryStep';
import { useDiscovery, useP2vTarget, useSources, useStartP2v } from './queries';
import { useP2vWizard } from './store';

/** Step 5: everything at a glance; problems block, warnings are read; then start. */
export function ReviewStep() {
  const { t } = useTranslation('p2v');
  const { sourceId, hostId, draft, go, started } = useP2vWizard();
  const inv = useDiscovery(sourceId).data;
  const target = useP2vTarget(hostId).data;
  const source = useSources().data?.find((s) => s.config.id === sourceId);
  const host = useHosts().data?.find((h) => h.config.id === hostId);
  const start = useStartP2v();
  if (!draft || !inv || !target) return <LoadingState />;
  const parsed = P2vRequestSchema.safeParse(draft);
  const problems = parsed.success ? requestProblems(parsed.data, inv, target) : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const warnings = parsed.success ? warningsOf(parsed.data, inv, t) : [];
  const total = draft.disks.reduce((n, d) => n + (inv.disks.find((x) => x.path === d.device)?.size ?? 0), 0);
  return (
    <div className="p2v-step" data-testid="p2v-step-review">
      <dl className="kv">
        <dt>{t('review.copy')}</dt>
        <dd>
          <Trans
            t={t}
            i18nKey="review.copyLine"
            values={{ source: source?.config.name ?? '', hostname: inv.hostname, name: draft.name, host: host?.config.name ?? '' }}
            components={{ b: <b data-testid="p2v-review-name" /> }}
          />
        </dd>
        <dt>{t('review.vm')}</dt>
        <dd>
          {t('review.vmLine', {
            vcpus: draft.vcpus,
            memory: draft.memoryMiB,
            firmware: draft.firmware === 'uefi' ? 'UEFI' : 'BIOS',
            bus: draft.diskBus,
            nic: draft.nicModel,
            network: draft.network,
            macs: draft.mac === 'keep' ? t('review.macsSource') : t('review.macsNew'),
            accel: draft.virtType === 'kvm' ? 'KVM' : t('review.emulated'),
          })}
        </dd>
        <dt>{t('review.disks')}</dt>
        <dd>
          {draft.disks.map((d) => (
            <div key={d.device}>
              {d.device} → {d.pool}/{d.volume} ({d.format ?? 'raw'})
            </div>
          ))}
          <div className="field-hint">{t('review.toRead', { size: bytes(total) })}</div>
        </dd>
        <dt>{t('review.consistency')}</dt>
        <dd>{draft.consistency === 'fsfreeze' ? t('review.frozen') : inv.mode === 'live' ? t('review.asIsCrash') : t('review.asIsRescue')}</dd>
        <dt>{t('review.afterwards')}</dt>
        <dd>
          {draft.v2vInPlace
            ? draft.start
              ? t('review.afterV2vStart')
              : t('review.afterV2vLeave')
            : draft.start
              ? t('review.afterStart')
              : t('review.afterLeave')}
        </dd>
      </dl>
      {problems.length ? (
        <div className="banner bad" role="alert" data-testid="p2v-problems">
          {problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      ) : null}
      {warnings.length ? (
        <div className="banner warn" data-testid="p2v-warnings">
          {warnings.map((w) => (
            <p key={w}>{w}</p>
          ))}
        </div>
      ) : null}
      {start.error ? (
        <div className="banner bad" role="alert" data-testid="p2v-start-error">
          {start.error.message}
        </div>
      ) : null}
      <div className="p2v-nav">
        <button type="button" onClick={() => go('target')}>
          {t('back')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={problems.length > 0 || start.isPending}
          data-testid="p2v-start"
          onClick={() => start.mutate(draft, { onSuccess: (r) => started(r.taskId) })}
        >
          {start.isPending ? t('review.checking') : t('review.start')}
        </button>
      </div>
    </div>
  );
}

/** requestWarnings (shared/p2v/plan.ts) in the UI language: same conditions, same order. */
function warningsOf(req: P2vRequest, inv: SourceInventory, t: TFunction<'p2v'>): string[] {
  const out: string[] = [];
  if (req.mac === 'keep') out.push(t('review.warn.macKeep'));
  if (req.diskBus === 'virtio' || req.nicModel === 'virtio') out.push(t('review.warn.virtio'));
  if (req.diskBus !== 'virtio') out.push(t('review.warn.nicNames'));
  for (const d of inv.disks.filter((x) => req.disks.some((r) => r.device === x.path))) {
    if (d.flags.luks) out.push(t('review.warn.luks', { path: d.path }));
    if (d.flags.raid) out.push(t('review.warn.raid', { path: d.path }));
  }
  if (req.firmware === 'uefi') out.push(t('review.warn.uefi', { path: '\\EFI\\BOOT\\BOOTX64.EFI' }));
  return out;
}
