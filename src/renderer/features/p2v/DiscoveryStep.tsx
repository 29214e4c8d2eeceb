import type { SourceDisk, SourceInventory, SourcePartition } from '../../../shared/p2v/discovery';
import { Trans, useTranslation } from 'react-i18next';
import { i18n } from '../../i18n';
import { formatKiB, formatNumber } from '../../i18n/format';
import { ErrorState, LoadingState } from '../../ui/States';
import { useDiscovery } from './queries';
import { useP2vWizard } from './store';

export const bytes = (n: number) => formatKiB(n / 1024);
/** The command the source needs when not root; shown as code in both languages. */
export const SUDO = 'sudo -n';

/** Step 2: what the source is made of, for the admin to confirm. */
export function DiscoveryStep() {
  const { t } = useTranslation(['p2v', 'common']);
  const { sourceId, confirmed, confirm, go } = useP2vWizard();
  const inv = useDiscovery(sourceId);
  if (inv.isLoading) return <LoadingState label={t('disc.reading')} />;
  if (inv.error || !inv.data) return <ErrorState title={t('disc.failed')} error={inv.error} onRetry={() => void inv.refetch()} />;
  const d = inv.data;
  return (
    <div className="p2v-step" data-testid="p2v-step-discovery">
      {d.privilege === 'none' ? (
        <div className="banner bad" role="alert" data-testid="p2v-no-privilege">
          <Trans t={t} i18nKey="disc.noPrivilege" values={{ host: d.hostname, cmd: SUDO }} components={{ c: <code /> }} />
        </div>
      ) : null}
      <Summary d={d} />
      <h3>{t('disc.disks')}</h3>
      <table className="table p2v-disks" data-testid="p2v-disks">
        <thead>
          <tr>
            <th>{t('disc.col.device')}</th>
            <th>{t('disc.col.size')}</th>
            <th>{t('disc.col.table')}</th>
            <th>{t('disc.col.partitions')}</th>
            <th>{t('disc.col.notes')}</th>
          </tr>
        </thead>
        <tbody>
          {d.disks.map((disk) => (
            <DiskRow key={disk.path} disk={disk} />
          ))}
        </tbody>
      </table>
      <h3>{t('disc.nics')}</h3>
      {d.nics.length ? (
        <ul className="p2v-list" data-testid="p2v-nics">
          {d.nics.map((n) => (
            <li key={n.name}>
              <b>{n.name}</b> {n.mac} {n.up ? '' : t('disc.down')} {n.addresses.join(t('common:format.listSep'))}
            </li>
          ))}
        </ul>
      ) : (
        <p className="field-hint">{t('disc.noNics')}</p>
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
        {t('disc.confirm')}
      </label>
      <div className="p2v-nav">
        <button type="button" onClick={() => go('source')}>
          {t('back')}
        </button>
        <button type="button" onClick={() => void inv.refetch()} disabled={inv.isFetching}>
          {inv.isFetching ? t('disc.reading2') : t('disc.readAgain')}
        </button>
        <button type="button" className="primary" disabled={!confirmed || d.privilege === 'none'} onClick={() => go('consistency')} data-testid="p2v-discovery-next">
          {t('next')}
        </button>
      </div>
    </div>
  );
}

function Summary({ d }: { d: SourceInventory }) {
  const { t } = useTranslation('p2v');
  const live = d.mode === 'live';
  return (
    <dl className="kv p2v-summary" data-testid="p2v-summary">
      <dt>{t('disc.machine')}</dt>
      <dd>{t('disc.machineLine', { host: d.hostname, os: d.os.prettyName, kernel: d.kernel || '?' })}</dd>
      <dt>{t('disc.firmware')}</dt>
      <dd>{d.firmware === 'uefi' ? 'UEFI' : 'BIOS'}</dd>
      <dt>{t('disc.cpu')}</dt>
      <dd>
        {formatNumber(d.cpu.count)} × {d.cpu.model ?? t('disc.unknownModel')}
      </dd>
      <dt>{t('disc.memory')}</dt>
      <dd>{bytes(d.memoryBytes)}</dd>
      <dt>{t('disc.runningFrom')}</dt>
      <dd data-testid="p2v-mode">
        {d.rootSource
          ? t(live ? 'disc.modeLiveRoot' : 'disc.modeRescueRoot', { root: d.rootSource })
          : t(live ? 'disc.modeLive' : 'disc.modeRescue')}
      </dd>
      <dt>{t('disc.privilege')}</dt>
      <dd data-testid="p2v-privilege">{d.privilege === 'root' ? 'root' : d.privilege === 'sudo' ? SUDO : t('disc.privNone')}</dd>
    </dl>
  );
}

function partLine(p: SourcePartition): string {
  const what = [p.fstype ?? p.type, p.label ? `"${p.label}"` : '', p.mountpoints.length ? i18n.t('p2v:disc.at', { list: p.mountpoints.join(i18n.t('common:format.listSep')) }) : '']
    .filter(Boolean)
    .join(' ');
  const inner = p.children.map(partLine);
  return `${p.name} ${bytes(p.size)} ${what}${inner.length ? ` [${inner.join('; ')}]` : ''}`;
}

function DiskRow({ disk }: { disk: SourceDisk }) {
  const { t } = useTranslation(['p2v', 'common']);
  const notes = [disk.holdsRoot ? t('disc.holdsRoot') : disk.inUse ? t('disc.inUse') : '', disk.removable ? t('disc.removable') : '', disk.readOnly ? t('disc.readOnly') : ''].filter(Boolean);
  return (
    <tr data-testid={`p2v-disk-${disk.name}`}>
      <td>
        <b>{disk.path}</b>
        {disk.model ? <div className="field-hint">{disk.model}</div> : null}
      </td>
      <td>{bytes(disk.size)}</td>
      <td>{disk.partitionTable ?? t('disc.tableNone')}</td>
      <td>
        {disk.partitions.length ? disk.partitions.map((p) => <div key={p.path}>{partLine(p)}</div>) : <span className="field-hint">{t('disc.noPartitions')}</span>}
      </td>
      <td>
        {disk.flags.lvm ? <span className="chip">LVM</span> : null}
        {disk.flags.raid ? <span className="chip">md RAID</span> : null}
        {disk.flags.luks ? <span className="chip">LUKS</span> : null}
        {notes.join(t('common:format.listSep'))}
      </td>
    </tr>
  );
}
