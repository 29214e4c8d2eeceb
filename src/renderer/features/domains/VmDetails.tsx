import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DomainDetails, DomainSummary } from '../../../shared/model/domain';
import { formatKiB, formatNumber } from '../../i18n/format';
import { enumLabel } from '../../i18n';
import { AutostartToggle } from './AutostartToggle';
import { TagsEditor } from './TagsEditor';
import { useCan } from '../session/queries';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children ?? '—'}</dd>
    </>
  );
}

function Table({ label, head, rows, empty }: { label: string; head: string[]; rows: ReactNode[][]; empty: string }) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="table" aria-label={label}>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((c, j) => (
              <td key={j}>{c ?? <span className="muted">—</span>}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const mono = (s: string | undefined) => (s ? <span className="mono">{s}</span> : undefined);

export function VmDetails({ vm, details: d }: { vm: DomainSummary; details: DomainDetails }) {
  const { t } = useTranslation('domains');
  const topo = d.topology ? t('details.topology', { sockets: d.topology.sockets, cores: d.topology.cores, threads: d.topology.threads }) : undefined;
  const os = [d.osType, d.arch, d.machine].filter(Boolean).join(' · ');
  const can = useCan();
  return (
    <div className="vm-details">
      <div className="cards">
        <section className="card" aria-label={t('details.processor')}>
          <div className="card-label">vCPUs</div>
          <div className="card-value">
            {d.vcpu.current}
            {d.vcpu.max !== d.vcpu.current && <span className="muted small"> {t('details.ofMax', { max: d.vcpu.max })}</span>}
          </div>
          <div className="card-sub">{[topo, enumLabel('cpuMode', d.cpuMode)].filter(Boolean).join(' · ') || t('details.defaultTopology')}</div>
        </section>
        <section className="card" aria-label={t('details.memory')}>
          <div className="card-label">{t('details.memory')}</div>
          <div className="card-value">{formatKiB(d.memory.currentKiB)}</div>
          <div className="card-sub">{d.memory.maxKiB !== d.memory.currentKiB ? t('details.memMax', { size: formatKiB(d.memory.maxKiB) }) : t('details.noBalloon')}</div>
        </section>
        <section className="card" aria-label={t('details.addresses')}>
          <div className="card-label">{t('details.ipAddresses')}</div>
          <div className="card-value mono small-value">{vm.ips.length ? vm.ips.join(', ') : <span className="muted">{t('details.noneReported')}</span>}</div>
          <div className="card-sub">{t('details.nicCount', { count: d.nics.length, n: formatNumber(d.nics.length) })}</div>
        </section>
      </div>

      <div className="detail-cols">
        <section className="section" aria-labelledby="vm-general-h">
          <h2 id="vm-general-h">{t('details.general')}</h2>
          <dl className="kv">
            <Field label={t('details.hypervisor')}>{d.virtType}</Field>
            <Field label={t('details.osMachine')}>{os || undefined}</Field>
            <Field label={t('details.bootOrder')}>{d.boot.length ? d.boot.map((b) => enumLabel('boot', b)).join(', ') : undefined}</Field>
            {d.kernel && <Field label={t('details.kernel')}>{mono(d.kernel)}</Field>}
            <Field label={t('details.persistent')}>{vm.persistent === false ? t('details.transient') : t('details.yes')}</Field>
            <Field label={t('details.autostart')}>
              <AutostartToggle hostId={vm.hostId} uuid={vm.uuid} value={d.autostart ?? vm.autostart ?? false} disabled={vm.persistent === false || !can.configure} />
            </Field>
          </dl>
        </section>
        <section className="section" aria-labelledby="vm-notes-h">
          <h2 id="vm-notes-h">{t('details.tagsDescription')}</h2>
          {can.configure ? (
            <TagsEditor hostId={vm.hostId} uuid={vm.uuid} tags={d.tags} />
          ) : (
            <ul className="chips" aria-label={t('tags.label')}>
              {d.tags.map((tag) => (
                <li key={tag} className="chip">
                  {tag}
                </li>
              ))}
            </ul>
          )}
          <div className="description">{d.description ? <p>{d.description}</p> : <p className="muted">{t('details.noDescription')}</p>}</div>
        </section>
      </div>

      <section className="section" aria-labelledby="vm-disks-h">
        <h2 id="vm-disks-h">{t('details.disks')}</h2>
        <Table
          label={t('details.disks')}
          empty={t('details.noDisks')}
          head={[t('details.col.target'), t('details.col.device'), t('details.col.bus'), t('details.col.source'), t('details.col.format'), t('details.col.mode')]}
          rows={d.disks.map((k) => [mono(k.target), enumLabel('device', k.device), k.bus, mono(k.source ?? (k.pool ? `${k.pool}/${k.volume ?? ''}` : undefined)), k.format, k.readonly ? t('details.readOnly') : t('details.readWrite')])}
        />
      </section>
      <section className="section" aria-labelledby="vm-nics-h">
        <h2 id="vm-nics-h">{t('details.nics')}</h2>
        <Table
          label={t('details.nics')}
          empty={t('details.noNics')}
          head={[t('details.col.type'), t('details.col.source'), t('details.col.model'), 'MAC', t('details.col.hostDevice')]}
          rows={d.nics.map((n) => [enumLabel('nicType', n.type), n.source, n.model, mono(n.mac), mono(n.target)])}
        />
      </section>
      <section className="section" aria-labelledby="vm-gfx-h">
        <h2 id="vm-gfx-h">{t('details.graphicsConsoles')}</h2>
        <Table
          label={t('details.graphics')}
          empty={t('details.noGraphics')}
          head={[t('details.col.type'), t('details.col.listen'), t('details.col.port'), t('details.col.password')]}
          rows={d.graphics.map((g) => [g.type.toUpperCase(), mono(g.socket ?? g.listen), g.autoport ? (g.port && g.port > 0 ? t('details.autoPort', { port: g.port }) : t('details.auto')) : g.port?.toString(), g.hasPassword ? t('details.passwordSet') : t('details.passwordNone')])}
        />
        {d.consoles.length > 0 && <p className="muted small">{t('details.textConsoles', { list: d.consoles.map((c) => `${c.type}${c.target ? ` (${enumLabel('charType', c.target)})` : ''}`).join(', ') })}</p>}
      </section>
    </div>
  );
}
