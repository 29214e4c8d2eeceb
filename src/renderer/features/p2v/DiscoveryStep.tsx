import type { SourceDisk, SourceInventory, SourcePartition } from '../../../shared/p2v/discovery';
import { formatKiB } from '../../i18n/format';
import { ErrorState, LoadingState } from '../../ui/States';
import { useDiscovery } from './queries';
import { useP2vWizard } from './store';

export const bytes = (n: number) => formatKiB(n / 1024);

/** Step 2: what the source is made of, for the admin to confirm. */
export function DiscoveryStep() {
  const { sourceId, confirmed, confirm, go } = useP2vWizard();
  const inv = useDiscovery(sourceId);
  if (inv.isLoading) return <LoadingState label="Reading the source (lsblk, firmware, CPU, memory, NICs)…" />;
  if (inv.error || !inv.data) return <ErrorState title="Discovery failed" error={inv.error} onRetry={() => void inv.refetch()} />;
  const d = inv.data;
  return (
    <div className="p2v-step" data-testid="p2v-step-discovery">
      {d.privilege === 'none' ? (
        <div className="banner bad" role="alert" data-testid="p2v-no-privilege">
          This user is neither root nor allowed <code>sudo -n</code> on {d.hostname}: VirtDeck cannot read its disks. Connect as root, or allow passwordless sudo for this user.
          Nothing will be copied.
        </div>
      ) : null}
      <Summary d={d} />
      <h3>Disks</h3>
      <table className="table p2v-disks" data-testid="p2v-disks">
        <thead>
          <tr>
            <th>Device</th>
            <th>Size</th>
            <th>Table</th>
            <th>Partitions (filesystem, mounted at)</th>
            <th>Notes</th>
          </tr>
        </thead>
        <tbody>
          {d.disks.map((disk) => (
            <DiskRow key={disk.path} disk={disk} />
          ))}
        </tbody>
      </table>
      <h3>Network interfaces</h3>
      {d.nics.length ? (
        <ul className="p2v-list" data-testid="p2v-nics">
          {d.nics.map((n) => (
            <li key={n.name}>
              <b>{n.name}</b> {n.mac} {n.up ? '' : '(down)'} {n.addresses.join(', ')}
            </li>
          ))}
        </ul>
      ) : (
        <p className="field-hint">No Ethernet interfaces found; the VM gets one NIC.</p>
      )}
      {d.problems.length ? (
        <div className="banner warn" role="status">
          {d.problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      ) : null}
      <label className="check-row">
        <input type="checkbox" checked={confirmed} onChange={(e) => confirm(e.target.checked)} disabled={d.privilege === 'none'} data-testid="p2v-confirm" />
        This is the machine I want to copy.
      </label>
      <div className="p2v-nav">
        <button type="button" onClick={() => go('source')}>
          Back
        </button>
        <button type="button" onClick={() => void inv.refetch()} disabled={inv.isFetching}>
          {inv.isFetching ? 'Reading…' : 'Read again'}
        </button>
        <button type="button" className="primary" disabled={!confirmed || d.privilege === 'none'} onClick={() => go('consistency')} data-testid="p2v-discovery-next">
          Next
        </button>
      </div>
    </div>
  );
}

function Summary({ d }: { d: SourceInventory }) {
  return (
    <dl className="kv p2v-summary" data-testid="p2v-summary">
      <dt>Machine</dt>
      <dd>
        {d.hostname} — {d.os.prettyName} (kernel {d.kernel || '?'})
      </dd>
      <dt>Firmware</dt>
      <dd>{d.firmware === 'uefi' ? 'UEFI' : 'BIOS'}</dd>
      <dt>CPU</dt>
      <dd>
        {d.cpu.count} × {d.cpu.model ?? 'unknown model'}
      </dd>
      <dt>Memory</dt>
      <dd>{bytes(d.memoryBytes)}</dd>
      <dt>Running from</dt>
      <dd data-testid="p2v-mode">
        {d.mode === 'live' ? 'its own disks (live copy: crash-consistent)' : 'elsewhere (rescue or live system): the disks are quiescent'}
        {d.rootSource ? ` — / is ${d.rootSource}` : ''}
      </dd>
      <dt>Privilege</dt>
      <dd data-testid="p2v-privilege">{d.privilege === 'root' ? 'root' : d.privilege === 'sudo' ? 'sudo -n' : 'none'}</dd>
    </dl>
  );
}

function partLine(p: SourcePartition): string {
  const what = [p.fstype ?? p.type, p.label ? `"${p.label}"` : '', p.mountpoints.length ? `at ${p.mountpoints.join(', ')}` : ''].filter(Boolean).join(' ');
  const inner = p.children.map(partLine);
  return `${p.name} ${bytes(p.size)} ${what}${inner.length ? ` [${inner.join('; ')}]` : ''}`;
}

function DiskRow({ disk }: { disk: SourceDisk }) {
  const notes = [disk.holdsRoot ? 'holds /' : disk.inUse ? 'in use' : '', disk.removable ? 'removable' : '', disk.readOnly ? 'read-only' : ''].filter(Boolean);
  return (
    <tr data-testid={`p2v-disk-${disk.name}`}>
      <td>
        <b>{disk.path}</b>
        {disk.model ? <div className="field-hint">{disk.model}</div> : null}
      </td>
      <td>{bytes(disk.size)}</td>
      <td>{disk.partitionTable ?? 'none'}</td>
      <td>
        {disk.partitions.length ? disk.partitions.map((p) => <div key={p.path}>{partLine(p)}</div>) : <span className="field-hint">no partitions</span>}
      </td>
      <td>
        {disk.flags.lvm ? <span className="chip">LVM</span> : null}
        {disk.flags.raid ? <span className="chip">md RAID</span> : null}
        {disk.flags.luks ? <span className="chip">LUKS</span> : null}
        {notes.join(', ')}
      </td>
    </tr>
  );
}
