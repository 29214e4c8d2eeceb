import type { ReactNode } from 'react';
import type { DomainDetails, DomainSummary } from '../../../shared/model/domain';
import { formatKiB } from '../../ui/format';
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
  const topo = d.topology ? `${d.topology.sockets} socket × ${d.topology.cores} core × ${d.topology.threads} thread` : undefined;
  const os = [d.osType, d.arch, d.machine].filter(Boolean).join(' · ');
  const can = useCan();
  return (
    <div className="vm-details">
      <div className="cards">
        <section className="card" aria-label="Processor">
          <div className="card-label">vCPUs</div>
          <div className="card-value">
            {d.vcpu.current}
            {d.vcpu.max !== d.vcpu.current && <span className="muted small"> of {d.vcpu.max} max</span>}
          </div>
          <div className="card-sub">{[topo, d.cpuMode].filter(Boolean).join(' · ') || 'default topology'}</div>
        </section>
        <section className="card" aria-label="Memory">
          <div className="card-label">Memory</div>
          <div className="card-value">{formatKiB(d.memory.currentKiB)}</div>
          <div className="card-sub">{d.memory.maxKiB !== d.memory.currentKiB ? `${formatKiB(d.memory.maxKiB)} max` : 'no balloon headroom'}</div>
        </section>
        <section className="card" aria-label="Addresses">
          <div className="card-label">IP addresses</div>
          <div className="card-value mono small-value">{vm.ips.length ? vm.ips.join(', ') : <span className="muted">none reported</span>}</div>
          <div className="card-sub">{d.nics.length} network interface{d.nics.length === 1 ? '' : 's'}</div>
        </section>
      </div>

      <div className="detail-cols">
        <section className="section" aria-labelledby="vm-general-h">
          <h2 id="vm-general-h">General</h2>
          <dl className="kv">
            <Field label="Hypervisor">{d.virtType}</Field>
            <Field label="OS / machine">{os || undefined}</Field>
            <Field label="Boot order">{d.boot.length ? d.boot.join(', ') : undefined}</Field>
            {d.kernel && <Field label="Kernel">{mono(d.kernel)}</Field>}
            <Field label="Persistent">{vm.persistent === false ? 'No (transient)' : 'Yes'}</Field>
            <Field label="Autostart">
              <AutostartToggle hostId={vm.hostId} uuid={vm.uuid} value={d.autostart ?? vm.autostart ?? false} disabled={vm.persistent === false || !can.configure} />
            </Field>
          </dl>
        </section>
        <section className="section" aria-labelledby="vm-notes-h">
          <h2 id="vm-notes-h">Tags and description</h2>
          {can.configure ? <TagsEditor hostId={vm.hostId} uuid={vm.uuid} tags={d.tags} /> : <ul className="chips" aria-label="Tags">{d.tags.map((t) => <li key={t} className="chip">{t}</li>)}</ul>}
          <div className="description">{d.description ? <p>{d.description}</p> : <p className="muted">No description.</p>}</div>
        </section>
      </div>

      <section className="section" aria-labelledby="vm-disks-h">
        <h2 id="vm-disks-h">Disks</h2>
        <Table
          label="Disks"
          empty="No disks."
          head={['Target', 'Device', 'Bus', 'Source', 'Format', 'Mode']}
          rows={d.disks.map((k) => [mono(k.target), k.device, k.bus, mono(k.source ?? (k.pool ? `${k.pool}/${k.volume ?? ''}` : undefined)), k.format, k.readonly ? 'read-only' : 'read-write'])}
        />
      </section>
      <section className="section" aria-labelledby="vm-nics-h">
        <h2 id="vm-nics-h">Network interfaces</h2>
        <Table
          label="Network interfaces"
          empty="No network interfaces."
          head={['Type', 'Source', 'Model', 'MAC', 'Host device']}
          rows={d.nics.map((n) => [n.type, n.source, n.model, mono(n.mac), mono(n.target)])}
        />
      </section>
      <section className="section" aria-labelledby="vm-gfx-h">
        <h2 id="vm-gfx-h">Graphics and consoles</h2>
        <Table
          label="Graphics"
          empty="No graphical console."
          head={['Type', 'Listen', 'Port', 'Password']}
          rows={d.graphics.map((g) => [g.type.toUpperCase(), mono(g.socket ?? g.listen), g.autoport ? `auto${g.port && g.port > 0 ? ` (${g.port})` : ''}` : g.port?.toString(), g.hasPassword ? 'set' : 'none'])}
        />
        {d.consoles.length > 0 && <p className="muted small">Text consoles: {d.consoles.map((c) => `${c.type}${c.target ? ` (${c.target})` : ''}`).join(', ')}</p>}
      </section>
    </div>
  );
}
