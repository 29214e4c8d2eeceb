import { P2vRequestSchema } from '../../../shared/p2v/schema';
import { requestProblems, requestWarnings } from '../../../shared/p2v/plan';
import { useHosts } from '../hosts/queries';
import { LoadingState } from '../../ui/States';
import { bytes } from './DiscoveryStep';
import { useDiscovery, useP2vTarget, useSources, useStartP2v } from './queries';
import { useP2vWizard } from './store';

/** Step 5: everything at a glance; problems block, warnings are read; then start. */
export function ReviewStep() {
  const { sourceId, hostId, draft, go, started } = useP2vWizard();
  const inv = useDiscovery(sourceId).data;
  const target = useP2vTarget(hostId).data;
  const source = useSources().data?.find((s) => s.config.id === sourceId);
  const host = useHosts().data?.find((h) => h.config.id === hostId);
  const start = useStartP2v();
  if (!draft || !inv || !target) return <LoadingState />;
  const parsed = P2vRequestSchema.safeParse(draft);
  const problems = parsed.success ? requestProblems(parsed.data, inv, target) : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const warnings = parsed.success ? requestWarnings(parsed.data, inv) : [];
  const total = draft.disks.reduce((n, d) => n + (inv.disks.find((x) => x.path === d.device)?.size ?? 0), 0);
  return (
    <div className="p2v-step" data-testid="p2v-step-review">
      <dl className="kv">
        <dt>Copy</dt>
        <dd>
          {source?.config.name} ({inv.hostname}) → VM <b data-testid="p2v-review-name">{draft.name}</b> on {host?.config.name}
        </dd>
        <dt>VM</dt>
        <dd>
          {draft.vcpus} vCPU, {draft.memoryMiB} MiB, {draft.firmware === 'uefi' ? 'UEFI' : 'BIOS'}, {draft.diskBus} disks, {draft.nicModel} on {draft.network} ({draft.mac === 'keep' ? 'source MACs' : 'new MACs'}),{' '}
          {draft.virtType === 'kvm' ? 'KVM' : 'emulated'}
        </dd>
        <dt>Disks</dt>
        <dd>
          {draft.disks.map((d) => (
            <div key={d.device}>
              {d.device} → {d.pool}/{d.volume} ({d.format ?? 'raw'})
            </div>
          ))}
          <div className="field-hint">
            {bytes(total)} to read; only the data crosses the network (zero runs are skipped), then SHA-256 is computed on the source and on the host and compared.
          </div>
        </dd>
        <dt>Consistency</dt>
        <dd>{draft.consistency === 'fsfreeze' ? 'mounted filesystems frozen while read' : inv.mode === 'live' ? 'as they are (crash-consistent)' : 'as they are (source not running from them)'}</dd>
        <dt>Afterwards</dt>
        <dd>
          {[draft.v2vInPlace ? 'run virt-v2v-in-place' : '', draft.start ? 'start the VM' : 'leave the VM shut off'].filter(Boolean).join(', then ')}
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
          Back
        </button>
        <button
          type="button"
          className="primary"
          disabled={problems.length > 0 || start.isPending}
          data-testid="p2v-start"
          onClick={() => start.mutate(draft, { onSuccess: (r) => started(r.taskId) })}
        >
          {start.isPending ? 'Checking the source and the host…' : 'Start copy'}
        </button>
      </div>
    </div>
  );
}
