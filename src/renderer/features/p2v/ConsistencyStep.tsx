import { consistencyAdvice } from '../../../shared/p2v/plan';
import { LoadingState } from '../../ui/States';
import { useDiscovery } from './queries';
import { useP2vWizard } from './store';

/** Step 3: what the copy will be worth, said plainly, and the choice. */
export function ConsistencyStep() {
  const { sourceId, go, consistency, setConsistency } = useP2vWizard();
  const inv = useDiscovery(sourceId);
  if (!inv.data) return <LoadingState />;
  const a = consistencyAdvice(inv.data);
  return (
    <div className="p2v-step" data-testid="p2v-step-consistency">
      <div className={`banner ${a.level === 'consistent' ? 'ok' : 'warn'}`} data-testid="p2v-consistency">
        <p>
          <b>{a.level === 'consistent' ? 'Consistent copy.' : 'Crash-consistent copy.'}</b> {a.summary}
        </p>
        {a.recommendations.map((r) => (
          <p key={r}>{r}</p>
        ))}
      </div>
      <fieldset className="p2v-choices">
        <legend>How to read the disks</legend>
        <label className="check-row">
          <input type="radio" name="p2v-consistency" checked={consistency === 'as-is'} onChange={() => setConsistency('as-is')} data-testid="p2v-consistency-as-is" />
          As they are{a.level === 'crash-consistent' ? ' (crash-consistent)' : ''}
        </label>
        <label className="check-row">
          <input
            type="radio"
            name="p2v-consistency"
            checked={consistency === 'fsfreeze'}
            disabled={a.freezable.length === 0}
            onChange={() => setConsistency('fsfreeze')}
            data-testid="p2v-consistency-fsfreeze"
          />
          Freeze {a.freezable.length ? a.freezable.join(', ') : 'mounted filesystems'} while their disk is read (fsfreeze; writers wait meanwhile)
          {a.freezable.length === 0 ? <span className="field-hint"> — nothing to freeze ("/" is never frozen)</span> : null}
        </label>
      </fieldset>
      {a.lvmSnapshots.length ? (
        <p className="field-hint" data-testid="p2v-lvm">
          LVM: the volume groups have room for a snapshot of {a.lvmSnapshots.join(', ')}. VirtDeck copies whole disks; for a consistent copy of a running database, snapshot or stop it
          first, or boot a rescue system.
        </p>
      ) : null}
      <div className="p2v-nav">
        <button type="button" onClick={() => go('discovery')}>
          Back
        </button>
        <button type="button" className="primary" onClick={() => go('target')} data-testid="p2v-consistency-next">
          Next
        </button>
      </div>
    </div>
  );
}
