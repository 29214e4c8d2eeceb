import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsChoices } from '../../../shared/ipc/calls/vm-settings';
import type { BootDevice, CpuConfig, MemoryConfig, VmSettings } from '../../../shared/model/vm-settings';
import { formatKiB } from '../../i18n/format';
import { enumLabel } from '../../i18n';
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
  const { t } = useTranslation('settings');
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
      title={t('cpu.title')}
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
          <dt>{t('cpu.vcpus')}</dt>
          <dd data-testid="cpu-vcpus">
            {t('cpu.ofMax', { n: c.vcpus, max: c.maxVcpus })}
            {live && live.vcpus !== c.vcpus ? ` ${t('cpu.runningWith', { n: live.vcpus })}` : ''}
          </dd>
          <dt>{t('cpu.model')}</dt>
          <dd>{c.mode === 'custom' ? c.model : enumLabel('cpuMode', c.mode)}</dd>
          <dt>{t('cpu.topology')}</dt>
          <dd>{c.topology ? t('cpu.topologyText', { sockets: c.topology.sockets, cores: c.topology.cores, threads: c.topology.threads }) : t('default')}</dd>
          <dt>{t('cpu.pinning')}</dt>
          <dd className="mono">
            {pinsText(c) || t('none')}
            {c.emulatorPin ? ` · ${t('cpu.emulator', { set: c.emulatorPin })}` : ''}
          </dd>
          <dt>{t('cpu.tuning')}</dt>
          <dd>{[c.shares && t('cpu.shares', { n: c.shares }), c.period && t('cpu.period', { n: c.period }), c.quota !== undefined && t('cpu.quota', { n: c.quota })].filter(Boolean).join(' · ') || t('default')}</dd>
        </dl>
      ) : (
        <div className="settings-form">
          <Num label={t('cpu.vcpus')} value={d.vcpus} min={1} onChange={(v) => set({ vcpus: v ?? 1 })} testId="cpu-vcpus-input" hint={t('cpu.vcpusHint')} />
          <Num label={t('cpu.maxVcpus')} value={d.maxVcpus} min={1} onChange={(v) => set({ maxVcpus: v ?? 1 })} testId="cpu-max-input" hint={choices ? t('cpu.hostAllows', { n: choices.maxVcpus }) : undefined} />
          <Pick label={t('cpu.mode')} value={d.mode} options={choices?.cpuModes ?? ['default', 'host-passthrough', 'host-model', 'custom']} onChange={(mode) => set({ mode, model: mode === 'custom' ? d.model ?? choices?.cpuModels[0] : undefined })} testId="cpu-mode" />
          {d.mode === 'custom' && <Pick label={t('cpu.model')} value={d.model} options={choices?.cpuModels ?? [d.model ?? 'qemu64']} onChange={(model) => set({ model })} testId="cpu-model" />}
          <label className="check">
            <input type="checkbox" checked={!!d.topology} onChange={(e) => set({ topology: e.target.checked ? { sockets: 1, cores: d.maxVcpus, threads: 1 } : undefined })} /> {t('cpu.manualTopology')}
          </label>
          {d.topology && (
            <div className="settings-row">
              <Num label={t('cpu.sockets')} value={d.topology.sockets} min={1} onChange={(v) => set({ topology: { ...d.topology!, sockets: v ?? 1 } })} />
              <Num label={t('cpu.cores')} value={d.topology.cores} min={1} onChange={(v) => set({ topology: { ...d.topology!, cores: v ?? 1 } })} />
              <Num label={t('cpu.threads')} value={d.topology.threads} min={1} onChange={(v) => set({ topology: { ...d.topology!, threads: v ?? 1 } })} />
            </div>
          )}
          <Text label={t('cpu.pinsLabel')} value={pins} onChange={setPins} testId="cpu-pins" />
          <Text label={t('cpu.emulatorLabel')} value={d.emulatorPin} onChange={(v) => set({ emulatorPin: v || undefined })} placeholder={t('cpu.all')} />
          {choices && (
            <p className="field-hint" data-testid="numa-cells">
              {t('cpu.hostNuma', { cells: choices.numaCells.map((n) => t('cpu.numaCell', { id: n.id, cpus: n.cpus.join(','), mem: formatKiB(n.memoryKiB) })).join(' · ') || t('cpu.noNuma') })}
            </p>
          )}
          <div className="settings-row">
            <Num label={t('cpu.sharesLabel')} value={d.shares} optional onChange={(shares) => set({ shares })} testId="cpu-shares" />
            <Num label={t('cpu.periodLabel')} value={d.period} optional onChange={(period) => set({ period })} />
            <Num label={t('cpu.quotaLabel')} value={d.quota} optional onChange={(quota) => set({ quota })} />
          </div>
        </div>
      )}
    </Section>
  );
}

const mib = (kib: number | undefined) => (kib === undefined ? undefined : Math.round(kib / 1024));
const kib = (m: number | undefined) => (m === undefined ? undefined : m * 1024);

export function MemorySection({ s }: Props) {
  const { t } = useTranslation('settings');
  const apply = useApply(s.hostId, s.uuid);
  const m = s.config.memory;
  const form = useDraft<MemoryConfig>(m, apply);
  const d = form.value;
  const set = form.set;
  const draft = form.editing;
  return (
    <Section
      id="memory"
      title={t('mem.title')}
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
          <dt>{t('mem.title')}</dt>
          <dd data-testid="mem-current">{t('mem.ofMax', { cur: formatKiB(m.currentKiB), max: formatKiB(m.maxKiB) })}</dd>
          <dt>{t('mem.limits')}</dt>
          <dd>{[m.hardLimitKiB && t('mem.hard', { size: formatKiB(m.hardLimitKiB) }), m.softLimitKiB && t('mem.soft', { size: formatKiB(m.softLimitKiB) }), m.swapHardLimitKiB && t('mem.swap', { size: formatKiB(m.swapHardLimitKiB) })].filter(Boolean).join(' · ') || t('none')}</dd>
          <dt>{t('mem.numa')}</dt>
          <dd>{m.numa ? t('mem.numaOn', { mode: m.numa.mode, nodes: m.numa.nodeset }) : t('default')}</dd>
        </dl>
      ) : (
        <div className="settings-form">
          <Num label={t('mem.memMib')} value={mib(d.currentKiB)} min={4} onChange={(v) => set({ currentKiB: kib(v) ?? d.currentKiB })} testId="mem-current-input" hint={m.balloon ? t('mem.balloon') : t('mem.noBalloon')} />
          <Num label={t('mem.maxMib')} value={mib(d.maxKiB)} min={4} onChange={(v) => set({ maxKiB: kib(v) ?? d.maxKiB })} testId="mem-max-input" hint={t('mem.maxHint')} />
          <div className="settings-row">
            <Num label={t('mem.hardMib')} value={mib(d.hardLimitKiB)} optional onChange={(v) => set({ hardLimitKiB: kib(v) })} />
            <Num label={t('mem.softMib')} value={mib(d.softLimitKiB)} optional onChange={(v) => set({ softLimitKiB: kib(v) })} />
            <Num label={t('mem.swapMib')} value={mib(d.swapHardLimitKiB)} optional onChange={(v) => set({ swapHardLimitKiB: kib(v) })} />
          </div>
          <div className="settings-row">
            <Pick label={t('mem.numaMode')} value={d.numa?.mode ?? ('default' as never)} options={['default', 'strict', 'preferred', 'interleave', 'restrictive'] as never[]} onChange={(mode: string) => set({ numa: mode === 'default' ? undefined : { mode: mode as 'strict', nodeset: d.numa?.nodeset ?? '0' } })} />
            {d.numa && <Text label={t('mem.hostNodes')} value={d.numa.nodeset} onChange={(nodeset) => set({ numa: { ...d.numa!, nodeset } })} />}
          </div>
        </div>
      )}
    </Section>
  );
}

export function BootSection({ s, choices }: Props) {
  const { t } = useTranslation('settings');
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
      title={t('boot.title')}
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
          <dt>{t('boot.order')}</dt>
          <dd data-testid="boot-order">{b.order.map((o) => o.label ?? o.key).join(' → ') || b.legacy.map((x) => enumLabel('boot', x)).join(' → ') || t('default')}</dd>
          <dt>{t('boot.menu')}</dt>
          <dd>{b.menu ? (b.menuTimeoutMs ? t('boot.onMs', { ms: b.menuTimeoutMs }) : t('on')) : t('off')}</dd>
          <dt>{t('boot.firmware')}</dt>
          <dd>{b.firmware === 'uefi' ? ['UEFI', b.pflash && '(pflash)', b.secureBoot && t('boot.secureBoot')].filter(Boolean).join(' ') : 'BIOS'}</dd>
          {b.kernel && (
            <>
              <dt>{t('boot.direct')}</dt>
              <dd className="mono small">
                {b.kernel} {b.initrd} {b.cmdline}
              </dd>
            </>
          )}
        </dl>
      ) : (
        <div className="settings-form">
          <fieldset className="boot-order">
            <legend>{t('boot.devices')}</legend>
            {[...d.order, ...all.filter((x) => inOrder(x.key) < 0)].map((x) => {
              const i = inOrder(x.key);
              return (
                <div key={x.key} className="boot-row">
                  <label className="check">
                    <input type="checkbox" checked={i >= 0} data-testid={`boot-${x.key}`} onChange={(e) => set({ order: e.target.checked ? [...d.order, x] : d.order.filter((o) => o.key !== x.key) })} /> {x.label ?? all.find((a) => a.key === x.key)?.label ?? x.key}
                  </label>
                  {i >= 0 && (
                    <span>
                      <button type="button" className="icon-btn" aria-label={t('boot.earlier')} disabled={i === 0} onClick={() => move(i, -1)}>
                        ↑
                      </button>
                      <button type="button" className="icon-btn" aria-label={t('boot.later')} disabled={i === d.order.length - 1} onClick={() => move(i, 1)}>
                        ↓
                      </button>
                    </span>
                  )}
                </div>
              );
            })}
          </fieldset>
          <label className="check">
            <input type="checkbox" checked={d.menu} onChange={(e) => set({ menu: e.target.checked })} data-testid="boot-menu" /> {t('boot.showMenu')}
          </label>
          <Pick label={t('boot.firmware')} value={d.firmware} options={(choices?.firmware.includes('efi') ? ['bios', 'uefi'] : ['bios']) as Array<'bios' | 'uefi'>} onChange={(firmware) => set({ firmware })} />
          {d.firmware !== b.firmware && <p className="field-hint">{t('boot.firmwareHint')}</p>}
          <Text label={t('boot.kernel')} value={d.kernel} onChange={(kernel) => set({ kernel })} />
          <Text label={t('boot.initrd')} value={d.initrd} onChange={(initrd) => set({ initrd })} />
          <Text label={t('boot.cmdline')} value={d.cmdline} onChange={(cmdline) => set({ cmdline })} testId="boot-cmdline" />
        </div>
      )}
    </Section>
  );
}
