import { useState } from 'react';
import type { SettingsChoices } from '../../../shared/ipc/calls/vm-settings';
import type { BootDevice, CpuConfig, MemoryConfig, VmSettings } from '../../../shared/model/vm-settings';
import { formatKiB } from '../../../shared/libvirt/units';
import { useApply, useDraft } from './queries';
import { Num, Pick, Section, Text } from './Section';

type Props = { s: VmSettings; choices?: SettingsChoices };

const pinsText = (c: CpuConfig) => c.pins.map((p) => `${p.vcpu}:${p.cpuset}`).join(' ');
const parsePins = (t: string) =>
  t
    .split(/[\s;]+/)
    .filter(Boolean)
    .map((x) => {
      const [v, set] = x.split(':');
      return { vcpu: Number(v), cpuset: set ?? '' };
    });

export function CpuSection({ s, choices }: Props) {
  const apply = useApply(s.hostId, s.uuid);
  const c = s.config.cpu;
  const live = s.live?.cpu;
  const form = useDraft<CpuConfig>(c, apply);
  const [pins, setPins] = useState('');
  const d = form.value;
  const set = form.set;
  const draft = form.editing;
  return (
    <Section
      id="cpu"
      title="Processor"
      pending={s.pending.cpu}
      editing={draft}
      busy={apply.isPending}
      onEdit={() => {
        form.edit();
        setPins(pinsText(c));
      }}
      onRevert={form.revert}
      onApply={() => apply.mutate({ call: 'vmSettings.setCpu', input: { cpu: { ...d, pins: parsePins(pins) } } }, { onSuccess: form.revert })}
      result={apply.data}
      error={apply.error}
    >
      {!draft ? (
        <dl className="kv">
          <dt>vCPUs</dt>
          <dd data-testid="cpu-vcpus">
            {c.vcpus} of {c.maxVcpus} max{live && live.vcpus !== c.vcpus ? ` (running with ${live.vcpus})` : ''}
          </dd>
          <dt>Model</dt>
          <dd>{c.mode === 'custom' ? c.model : c.mode}</dd>
          <dt>Topology</dt>
          <dd>{c.topology ? `${c.topology.sockets} socket × ${c.topology.cores} core × ${c.topology.threads} thread` : 'default'}</dd>
          <dt>Pinning</dt>
          <dd className="mono">{pinsText(c) || 'none'}{c.emulatorPin ? ` · emulator ${c.emulatorPin}` : ''}</dd>
          <dt>CPU tuning</dt>
          <dd>{[c.shares && `shares ${c.shares}`, c.period && `period ${c.period} µs`, c.quota !== undefined && `quota ${c.quota} µs`].filter(Boolean).join(' · ') || 'default'}</dd>
        </dl>
      ) : (
        <div className="settings-form">
          <Num label="vCPUs" value={d.vcpus} min={1} onChange={(v) => set({ vcpus: v ?? 1 })} testId="cpu-vcpus-input" hint="Hot-plugged into a running VM up to its maximum" />
          <Num label="Maximum vCPUs" value={d.maxVcpus} min={1} onChange={(v) => set({ maxVcpus: v ?? 1 })} testId="cpu-max-input" hint={choices ? `Host allows ${choices.maxVcpus}` : undefined} />
          <Pick label="CPU mode" value={d.mode} options={choices?.cpuModes ?? ['default', 'host-passthrough', 'host-model', 'custom']} onChange={(mode) => set({ mode, model: mode === 'custom' ? d.model ?? choices?.cpuModels[0] : undefined })} testId="cpu-mode" />
          {d.mode === 'custom' && <Pick label="Model" value={d.model} options={choices?.cpuModels ?? [d.model ?? 'qemu64']} onChange={(model) => set({ model })} testId="cpu-model" />}
          <label className="check">
            <input type="checkbox" checked={!!d.topology} onChange={(e) => set({ topology: e.target.checked ? { sockets: 1, cores: d.maxVcpus, threads: 1 } : undefined })} /> Manual topology
          </label>
          {d.topology && (
            <div className="settings-row">
              <Num label="Sockets" value={d.topology.sockets} min={1} onChange={(v) => set({ topology: { ...d.topology!, sockets: v ?? 1 } })} />
              <Num label="Cores" value={d.topology.cores} min={1} onChange={(v) => set({ topology: { ...d.topology!, cores: v ?? 1 } })} />
              <Num label="Threads" value={d.topology.threads} min={1} onChange={(v) => set({ topology: { ...d.topology!, threads: v ?? 1 } })} />
            </div>
          )}
          <Text label="vCPU pinning (vcpu:host CPUs, e.g. 0:0-1 1:2)" value={pins} onChange={setPins} testId="cpu-pins" />
          <Text label="Emulator threads on host CPUs" value={d.emulatorPin} onChange={(v) => set({ emulatorPin: v || undefined })} placeholder="all" />
          {choices && (
            <p className="field-hint" data-testid="numa-cells">
              Host NUMA: {choices.numaCells.map((n) => `cell ${n.id}: CPUs ${n.cpus.join(',')} (${formatKiB(n.memoryKiB)})`).join(' · ') || 'no NUMA information'}
            </p>
          )}
          <div className="settings-row">
            <Num label="Shares" value={d.shares} optional onChange={(shares) => set({ shares })} testId="cpu-shares" />
            <Num label="Period (µs)" value={d.period} optional onChange={(period) => set({ period })} />
            <Num label="Quota (µs, -1 = none)" value={d.quota} optional onChange={(quota) => set({ quota })} />
          </div>
        </div>
      )}
    </Section>
  );
}

const mib = (kib: number | undefined) => (kib === undefined ? undefined : Math.round(kib / 1024));
const kib = (m: number | undefined) => (m === undefined ? undefined : m * 1024);

export function MemorySection({ s }: Props) {
  const apply = useApply(s.hostId, s.uuid);
  const m = s.config.memory;
  const form = useDraft<MemoryConfig>(m, apply);
  const d = form.value;
  const set = form.set;
  const draft = form.editing;
  return (
    <Section
      id="memory"
      title="Memory"
      pending={s.pending.memory}
      editing={draft}
      busy={apply.isPending}
      onEdit={form.edit}
      onRevert={form.revert}
      onApply={() => {
        const { balloon: _b, ...memory } = d;
        apply.mutate({ call: 'vmSettings.setMemory', input: { memory } }, { onSuccess: form.revert });
      }}
      result={apply.data}
      error={apply.error}
    >
      {!draft ? (
        <dl className="kv">
          <dt>Memory</dt>
          <dd data-testid="mem-current">{formatKiB(m.currentKiB)} of {formatKiB(m.maxKiB)} max</dd>
          <dt>Limits</dt>
          <dd>{[m.hardLimitKiB && `hard ${formatKiB(m.hardLimitKiB)}`, m.softLimitKiB && `soft ${formatKiB(m.softLimitKiB)}`, m.swapHardLimitKiB && `swap ${formatKiB(m.swapHardLimitKiB)}`].filter(Boolean).join(' · ') || 'none'}</dd>
          <dt>NUMA placement</dt>
          <dd>{m.numa ? `${m.numa.mode} on nodes ${m.numa.nodeset}` : 'default'}</dd>
        </dl>
      ) : (
        <div className="settings-form">
          <Num label="Memory (MiB)" value={mib(d.currentKiB)} min={4} onChange={(v) => set({ currentKiB: kib(v) ?? d.currentKiB })} testId="mem-current-input" hint={m.balloon ? 'Changed live through the balloon' : 'No balloon device: applies at next boot'} />
          <Num label="Maximum (MiB)" value={mib(d.maxKiB)} min={4} onChange={(v) => set({ maxKiB: kib(v) ?? d.maxKiB })} testId="mem-max-input" hint="A running VM keeps its maximum until restart" />
          <div className="settings-row">
            <Num label="Hard limit (MiB)" value={mib(d.hardLimitKiB)} optional onChange={(v) => set({ hardLimitKiB: kib(v) })} />
            <Num label="Soft limit (MiB)" value={mib(d.softLimitKiB)} optional onChange={(v) => set({ softLimitKiB: kib(v) })} />
            <Num label="Swap hard limit (MiB)" value={mib(d.swapHardLimitKiB)} optional onChange={(v) => set({ swapHardLimitKiB: kib(v) })} />
          </div>
          <div className="settings-row">
            <Pick label="NUMA mode" value={d.numa?.mode ?? ('default' as never)} options={['default', 'strict', 'preferred', 'interleave', 'restrictive'] as never[]} onChange={(mode: string) => set({ numa: mode === 'default' ? undefined : { mode: mode as 'strict', nodeset: d.numa?.nodeset ?? '0' } })} />
            {d.numa && <Text label="Host nodes" value={d.numa.nodeset} onChange={(nodeset) => set({ numa: { ...d.numa!, nodeset } })} />}
          </div>
        </div>
      )}
    </Section>
  );
}

export function BootSection({ s, choices }: Props) {
  const apply = useApply(s.hostId, s.uuid);
  const b = s.config.boot;
  const all: BootDevice[] = [
    ...s.config.disks.map((x) => ({ kind: 'disk' as const, key: x.target, label: `${x.device} ${x.target}${x.source ? ` (${x.source})` : ''}` })),
    ...s.config.nics.map((x) => ({ kind: 'nic' as const, key: x.mac, label: `NIC ${x.mac} (${x.source ?? x.type})` })),
  ];
  const [draft, setDraft] = useState<(typeof b & { order: BootDevice[] }) | null>(null);
  const d = draft ?? b;
  const set = (p: Partial<typeof b>) => setDraft({ ...d, ...p });
  const inOrder = (k: string) => d.order.findIndex((o) => o.key === k);
  const move = (i: number, by: number) => {
    const o = [...d.order];
    const [x] = o.splice(i, 1);
    o.splice(Math.max(0, Math.min(o.length, i + by)), 0, x!);
    set({ order: o });
  };
  return (
    <Section
      id="boot"
      title="Boot"
      pending={s.pending.boot}
      editing={!!draft}
      busy={apply.isPending}
      onEdit={() => {
        // An os/boot list becomes the per-device order libvirt requires (disk first, as "hd" did).
        const order = b.order.length ? b.order : all.filter((x, i) => (b.legacy.includes('hd') && x.kind === 'disk' && i === 0) || (b.legacy.includes('network') && x.kind === 'nic'));
        setDraft({ ...b, order });
        apply.reset();
      }}
      onRevert={() => setDraft(null)}
      onApply={() =>
        apply.mutate(
          { call: 'vmSettings.setBoot', input: { boot: { order: d.order.map(({ kind, key }) => ({ kind, key })), menu: d.menu, menuTimeoutMs: d.menuTimeoutMs, firmware: d.firmware, kernel: d.kernel || undefined, initrd: d.initrd || undefined, cmdline: d.cmdline || undefined } } },
          { onSuccess: () => setDraft(null) },
        )
      }
      result={apply.data}
      error={apply.error}
    >
      {!draft ? (
        <dl className="kv">
          <dt>Boot order</dt>
          <dd data-testid="boot-order">{b.order.map((o) => o.label ?? o.key).join(' → ') || b.legacy.join(' → ') || 'default'}</dd>
          <dt>Boot menu</dt>
          <dd>{b.menu ? `on${b.menuTimeoutMs ? ` (${b.menuTimeoutMs} ms)` : ''}` : 'off'}</dd>
          <dt>Firmware</dt>
          <dd>{b.firmware === 'uefi' ? `UEFI${b.pflash ? ' (pflash)' : ''}${b.secureBoot ? ', Secure Boot' : ''}` : 'BIOS'}</dd>
          {b.kernel && (
            <>
              <dt>Direct kernel boot</dt>
              <dd className="mono small">
                {b.kernel} {b.initrd} {b.cmdline}
              </dd>
            </>
          )}
        </dl>
      ) : (
        <div className="settings-form">
          <fieldset className="boot-order">
            <legend>Boot devices (first boots first)</legend>
            {[...d.order, ...all.filter((x) => inOrder(x.key) < 0)].map((x) => {
              const i = inOrder(x.key);
              return (
                <div key={x.key} className="boot-row">
                  <label className="check">
                    <input type="checkbox" checked={i >= 0} data-testid={`boot-${x.key}`} onChange={(e) => set({ order: e.target.checked ? [...d.order, x] : d.order.filter((o) => o.key !== x.key) })} /> {x.label ?? all.find((a) => a.key === x.key)?.label ?? x.key}
                  </label>
                  {i >= 0 && (
                    <span>
                      <button type="button" className="icon-btn" aria-label="Earlier" disabled={i === 0} onClick={() => move(i, -1)}>
                        ↑
                      </button>
                      <button type="button" className="icon-btn" aria-label="Later" disabled={i === d.order.length - 1} onClick={() => move(i, 1)}>
                        ↓
                      </button>
                    </span>
                  )}
                </div>
              );
            })}
          </fieldset>
          <label className="check">
            <input type="checkbox" checked={d.menu} onChange={(e) => set({ menu: e.target.checked })} data-testid="boot-menu" /> Show boot menu
          </label>
          <Pick label="Firmware" value={d.firmware} options={(choices?.firmware.includes('efi') ? ['bios', 'uefi'] : ['bios']) as Array<'bios' | 'uefi'>} onChange={(firmware) => set({ firmware })} />
          {d.firmware !== b.firmware && <p className="field-hint">Changing firmware makes most installed systems unbootable; do it before installing.</p>}
          <Text label="Kernel (direct boot)" value={d.kernel} onChange={(kernel) => set({ kernel })} />
          <Text label="Initrd" value={d.initrd} onChange={(initrd) => set({ initrd })} />
          <Text label="Kernel arguments" value={d.cmdline} onChange={(cmdline) => set({ cmdline })} testId="boot-cmdline" />
        </div>
      )}
    </Section>
  );
}
