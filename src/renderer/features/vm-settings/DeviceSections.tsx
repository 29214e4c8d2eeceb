import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsChoices } from '../../../shared/ipc/calls/vm-settings';
import type { DiskConfig, IoTune, NicConfig, VmSettings } from '../../../shared/model/vm-settings';
import { IOTUNE_KEYS } from '../../../shared/model/vm-settings';
import { enumLabel } from '../../i18n';
import { useApply } from './queries';
import { Num, Pick, Section, Text } from './Section';

type Props = { s: VmSettings; choices?: SettingsChoices };

function IoTuneForm({ disk, onApply, busy }: { disk: DiskConfig; onApply(t: IoTune): void; busy: boolean }) {
  const { t } = useTranslation(['settings', 'common']);
  const [tune, setTune] = useState<IoTune>(disk.iotune);
  return (
    <div className="settings-form iotune" data-testid={`iotune-${disk.target}`}>
      <div className="iotune-grid">
        {IOTUNE_KEYS.map((k) => (
          <Num key={k} label={k.replace(/_/g, ' ')} value={tune[k]} optional onChange={(v) => setTune({ ...tune, [k]: v })} testId={`iotune-${k}`} />
        ))}
      </div>
      <button type="button" disabled={busy} onClick={() => onApply(tune)} data-testid="iotune-apply">
        {t('dev.applyLimits')}
      </button>
    </div>
  );
}

export function DisksSection({ s, choices }: Props) {
  const { t } = useTranslation(['settings', 'common']);
  const apply = useApply(s.hostId, s.uuid);
  const [open, setOpen] = useState<{ target: string; what: 'io' | 'edit' | 'media' | 'resize' } | null>(null);
  const [adding, setAdding] = useState(false);
  const [add, setAdd] = useState({ device: 'disk' as 'disk' | 'cdrom', bus: 'virtio', source: 'new' as 'new' | 'path' | 'none', path: '', pool: 'default', name: '', sizeGiB: 1, format: 'qcow2' as 'qcow2' | 'raw' });
  const [edit, setEdit] = useState<{ bus?: string; cache?: string; io?: string; discard?: string; media?: string; sizeGiB?: number }>({});
  const run = (p: Parameters<typeof apply.mutate>[0]) => apply.mutate(p, { onSuccess: () => setOpen(null) });
  const buses = (choices?.diskBuses.length ? choices.diskBuses : ['virtio', 'sata', 'scsi', 'ide', 'usb']).filter((b) => b !== 'fdc' && b !== 'xen');
  return (
    <Section id="disks" title={t('dev.disks')} pending={s.pending.disks} editing={false} busy={apply.isPending} result={apply.data} error={apply.error}>
      <table className="table" aria-label={t('dev.disks')}>
        <thead>
          <tr>
            <th>{t('dev.target')}</th>
            <th>{t('dev.device')}</th>
            <th>{t('dev.source')}</th>
            <th>{t('dev.busCacheIo')}</th>
            <th>{t('dev.ioLimits')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {s.config.disks.map((d) => (
            <tr key={d.target} data-testid={`disk-${d.target}`}>
              <td className="mono">{d.target}</td>
              <td>{enumLabel('device', d.device)}</td>
              <td className="mono small">{d.source ?? <span className="muted">{t('dev.empty')}</span>}</td>
              <td>{[d.bus, d.cache ?? t('default'), d.io ?? t('default'), d.discard ?? t('default')].join(' · ')}</td>
              <td className="small">{Object.entries(d.iotune).map(([k, v]) => `${k}=${v}`).join(', ') || t('none')}</td>
              <td className="row-actions">
                {(d.device === 'cdrom' || d.device === 'floppy') && (
                  <button type="button" className="ghost" onClick={() => (setOpen({ target: d.target, what: 'media' }), setEdit({ media: d.source ?? '' }))} data-testid={`media-${d.target}`}>
                    {t('dev.media')}
                  </button>
                )}
                {d.device === 'disk' && (
                  <>
                    <button type="button" className="ghost" onClick={() => setOpen({ target: d.target, what: 'io' })} data-testid={`io-${d.target}`}>
                      {t('dev.ioLimits')}
                    </button>
                    <button type="button" className="ghost" onClick={() => (setOpen({ target: d.target, what: 'resize' }), setEdit({ sizeGiB: 1 }))}>
                      {t('dev.resize')}
                    </button>
                  </>
                )}
                <button type="button" className="ghost" onClick={() => (setOpen({ target: d.target, what: 'edit' }), setEdit({ bus: d.bus, cache: d.cache ?? 'default', io: d.io ?? 'default', discard: d.discard ?? 'default' }))}>
                  {t('edit')}
                </button>
                <button type="button" className="ghost danger" onClick={() => apply.mutate({ call: 'vmSettings.detachDisk', input: { target: d.target } })} data-testid={`remove-${d.target}`}>
                  {t('dev.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (() => {
        const disk = s.config.disks.find((x) => x.target === open.target);
        if (!disk) return null;
        if (open.what === 'io') return <IoTuneForm disk={disk} busy={apply.isPending} onApply={(iotune) => run({ call: 'vmSettings.setDiskIoTune', input: { target: disk.target, iotune } })} />;
        if (open.what === 'media')
          return (
            <div className="settings-form inline">
              <Text label={t('dev.mediaPath', { target: disk.target })} value={edit.media} onChange={(media) => setEdit({ media })} testId="media-path" />
              <button type="button" onClick={() => run({ call: 'vmSettings.changeMedia', input: { target: disk.target, source: edit.media ? { kind: 'file', path: edit.media } : { kind: 'none' } } })} data-testid="media-apply">
                {edit.media ? t('dev.insert') : t('dev.eject')}
              </button>
            </div>
          );
        if (open.what === 'resize')
          return (
            <div className="settings-form inline">
              <Num label={t('dev.newSize', { target: disk.target })} value={edit.sizeGiB} min={1} onChange={(sizeGiB) => setEdit({ sizeGiB })} />
              <button type="button" onClick={() => run({ call: 'vmSettings.resizeDisk', input: { target: disk.target, sizeBytes: Math.round((edit.sizeGiB ?? 1) * 1024 ** 3) } })}>
                {t('dev.resize')}
              </button>
            </div>
          );
        return (
          <div className="settings-form inline">
            <Pick label={t('dev.bus')} value={edit.bus} options={buses} onChange={(bus) => setEdit({ ...edit, bus })} />
            <Pick label={t('dev.cache')} value={edit.cache} options={['default', 'none', 'writethrough', 'writeback', 'directsync', 'unsafe']} onChange={(cache) => setEdit({ ...edit, cache })} />
            <Pick label={t('dev.ioMode')} value={edit.io} options={['default', 'native', 'threads', 'io_uring']} onChange={(io) => setEdit({ ...edit, io })} />
            <Pick label={t('dev.discard')} value={edit.discard} options={['default', 'unmap', 'ignore']} onChange={(discard) => setEdit({ ...edit, discard })} />
            <button type="button" onClick={() => run({ call: 'vmSettings.updateDisk', input: { target: disk.target, bus: edit.bus as 'virtio', cache: edit.cache as 'none', io: edit.io as 'native', discard: edit.discard as 'unmap' } })}>
              {t('save')}
            </button>
          </div>
        );
      })()}
      {!adding ? (
        <button type="button" className="ghost" onClick={() => setAdding(true)} data-testid="add-disk">
          {t('dev.addDisk')}
        </button>
      ) : (
        <div className="settings-form inline" data-testid="add-disk-form">
          <Pick label={t('dev.device')} value={add.device} options={['disk', 'cdrom'] as const} onChange={(device) => setAdd({ ...add, device, bus: device === 'cdrom' ? 'sata' : 'virtio', source: device === 'cdrom' ? 'none' : 'new' })} />
          <Pick label={t('dev.bus')} value={add.bus} options={buses} onChange={(bus) => setAdd({ ...add, bus })} />
          <Pick label={t('dev.source')} value={add.source} options={['new', 'path', 'none'] as const} onChange={(source) => setAdd({ ...add, source })} testId="add-disk-source" />
          {add.source === 'path' && <Text label={t('dev.volumePath')} value={add.path} onChange={(path) => setAdd({ ...add, path })} testId="add-disk-path" />}
          {add.source === 'new' && (
            <>
              <Text label={t('dev.pool')} value={add.pool} onChange={(pool) => setAdd({ ...add, pool })} />
              <Text label={t('dev.volumeName')} value={add.name} onChange={(name) => setAdd({ ...add, name })} testId="add-disk-name" />
              <Num label={t('dev.sizeGib')} value={add.sizeGiB} min={1} onChange={(sizeGiB) => setAdd({ ...add, sizeGiB: sizeGiB ?? 1 })} />
              <Pick label={t('dev.format')} value={add.format} options={['qcow2', 'raw'] as const} onChange={(format) => setAdd({ ...add, format })} />
            </>
          )}
          <button type="button" className="ghost" onClick={() => setAdding(false)}>
            {t('common:cancel')}
          </button>
          <button
            type="button"
            data-testid="add-disk-apply"
            disabled={apply.isPending}
            onClick={() =>
              apply.mutate(
                {
                  call: 'vmSettings.attachDisk',
                  input: {
                    disk: { device: add.device, bus: add.bus as 'virtio', source: add.source === 'path' ? { kind: 'file', path: add.path } : { kind: 'none' } },
                    ...(add.source === 'new' ? { create: { pool: add.pool, name: add.name || `${s.config.name.replace(/[^\w.-]+/g, '_')}-${Date.now().toString(36)}.${add.format}`, capacityBytes: add.sizeGiB * 1024 ** 3, format: add.format } } : {}),
                  },
                },
                { onSuccess: () => setAdding(false) },
              )
            }
          >
            {t('dev.add')}
          </button>
        </div>
      )}
    </Section>
  );
}

function NicRow({ n, s, apply }: { n: NicConfig; s: VmSettings; apply: ReturnType<typeof useApply> }) {
  const { t } = useTranslation(['settings', 'common']);
  const [editing, setEditing] = useState(false);
  const [e, setE] = useState({ type: n.type as 'network' | 'bridge', source: n.source ?? '', model: n.model ?? 'virtio', inAvg: n.inbound?.average, outAvg: n.outbound?.average });
  const live = s.live?.nics.find((x) => x.mac === n.mac);
  return (
    <>
      <tr data-testid={`nic-${n.mac}`}>
        <td className="mono">{n.mac}</td>
        <td>
          {enumLabel('nicType', n.type)} {n.source}
        </td>
        <td>{n.model}</td>
        <td data-testid={`link-${n.mac}`}>{(live ?? n).linkUp ? t('dev.up') : t('dev.down')}</td>
        <td className="small">{[n.inbound && t('dev.inRate', { n: n.inbound.average }), n.outbound && t('dev.outRate', { n: n.outbound.average })].filter(Boolean).join(', ') || t('none')}</td>
        <td className="row-actions">
          <button type="button" className="ghost" onClick={() => apply.mutate({ call: 'vmSettings.updateNic', input: { mac: n.mac, linkUp: !(live ?? n).linkUp } })} data-testid={`toggle-link-${n.mac}`}>
            {(live ?? n).linkUp ? t('dev.linkDown') : t('dev.linkUp')}
          </button>
          <button type="button" className="ghost" onClick={() => setEditing(!editing)}>
            {t('edit')}
          </button>
          <button type="button" className="ghost danger" onClick={() => apply.mutate({ call: 'vmSettings.detachNic', input: { mac: n.mac } })}>
            {t('dev.remove')}
          </button>
        </td>
      </tr>
      {editing && (
        <tr>
          <td colSpan={6}>
            <div className="settings-form inline">
              <Pick label={t('dev.type')} value={e.type} options={['network', 'bridge'] as const} onChange={(type) => setE({ ...e, type })} />
              <Text label={e.type === 'network' ? t('dev.network') : t('dev.bridge')} value={e.source} onChange={(source) => setE({ ...e, source })} />
              <Pick label={t('dev.model')} value={e.model} options={['virtio', 'e1000e', 'e1000', 'rtl8139']} onChange={(model) => setE({ ...e, model })} />
              <Num label={t('dev.inbound')} value={e.inAvg} optional onChange={(inAvg) => setE({ ...e, inAvg })} />
              <Num label={t('dev.outbound')} value={e.outAvg} optional onChange={(outAvg) => setE({ ...e, outAvg })} />
              <button
                type="button"
                onClick={() =>
                  apply.mutate(
                    {
                      call: 'vmSettings.updateNic',
                      input: {
                        mac: n.mac,
                        ...(e.type !== n.type || e.source !== n.source ? { type: e.type, source: e.source } : {}),
                        ...(e.model !== n.model ? { model: e.model } : {}),
                        ...(e.inAvg !== n.inbound?.average ? { inbound: e.inAvg ? { average: e.inAvg } : null } : {}),
                        ...(e.outAvg !== n.outbound?.average ? { outbound: e.outAvg ? { average: e.outAvg } : null } : {}),
                      },
                    },
                    { onSuccess: () => setEditing(false) },
                  )
                }
              >
                {t('save')}
              </button>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

export function NicsSection({ s, choices }: Props) {
  const { t } = useTranslation(['settings', 'common']);
  const apply = useApply(s.hostId, s.uuid);
  const [adding, setAdding] = useState(false);
  const [add, setAdd] = useState({ type: 'network' as 'network' | 'bridge', source: 'default', model: 'virtio' });
  return (
    <Section id="nics" title={t('dev.nics')} pending={s.pending.nics} editing={false} busy={apply.isPending} result={apply.data} error={apply.error}>
      <table className="table" aria-label={t('dev.nics')}>
        <thead>
          <tr>
            <th>MAC</th>
            <th>{t('dev.source')}</th>
            <th>{t('dev.model')}</th>
            <th>{t('dev.link')}</th>
            <th>{t('dev.bandwidth')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {s.config.nics.map((n) => (
            <NicRow key={n.mac} n={n} s={s} apply={apply} />
          ))}
        </tbody>
      </table>
      {!adding ? (
        <button type="button" className="ghost" onClick={() => setAdding(true)}>
          {t('dev.addNic')}
        </button>
      ) : (
        <div className="settings-form inline">
          <Pick label={t('dev.type')} value={add.type} options={['network', 'bridge'] as const} onChange={(type) => setAdd({ ...add, type })} />
          <Text label={add.type === 'network' ? t('dev.network') : t('dev.bridge')} value={add.source} onChange={(source) => setAdd({ ...add, source })} />
          <Pick label={t('dev.model')} value={add.model} options={choices?.nicModels ?? ['virtio']} onChange={(model) => setAdd({ ...add, model })} />
          <button type="button" className="ghost" onClick={() => setAdding(false)}>
            {t('common:cancel')}
          </button>
          <button type="button" onClick={() => apply.mutate({ call: 'vmSettings.attachNic', input: { nic: add } }, { onSuccess: () => setAdding(false) })}>
            {t('dev.add')}
          </button>
        </div>
      )}
    </Section>
  );
}

export function DisplaySection({ s, choices }: Props) {
  const { t } = useTranslation(['settings', 'common']);
  const apply = useApply(s.hostId, s.uuid);
  const [listen, setListen] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const g = s.config.display.graphics[0];
  const serials = s.config.display.chars.filter((c) => c.kind === 'serial');
  return (
    <Section id="display" title={t('dev.display')} pending={s.pending.display} editing={false} busy={apply.isPending} result={apply.data} error={apply.error}>
      {g ? (
        <div className="settings-form inline">
          <Text label={t('dev.listen', { type: g.type.toUpperCase() })} value={listen ?? g.listen ?? '127.0.0.1'} onChange={setListen} testId="gfx-listen" />
          <button type="button" className="ghost" disabled={listen === null} onClick={() => listen && apply.mutate({ call: 'vmSettings.setGraphics', input: { index: 0, listen } }, { onSuccess: () => setListen(null) })}>
            {t('dev.saveAddress')}
          </button>
          <Text label={g.hasPassword ? t('dev.passwordSet') : t('dev.passwordNone')} type="password" value={password} onChange={setPassword} testId="gfx-password" />
          <button type="button" className="ghost" disabled={!password} onClick={() => apply.mutate({ call: 'vmSettings.setGraphics', input: { index: 0, password: { set: password } } }, { onSuccess: () => setPassword('') })} data-testid="gfx-password-set">
            {t('dev.setPassword')}
          </button>
          <button type="button" className="ghost" disabled={!g.hasPassword} onClick={() => apply.mutate({ call: 'vmSettings.setGraphics', input: { index: 0, password: { clear: true } } })}>
            {t('dev.clearPassword')}
          </button>
        </div>
      ) : (
        <p className="muted">{t('dev.noDisplay')}</p>
      )}
      {g && g.listen && g.listen !== '127.0.0.1' && g.listen !== 'localhost' && <p className="field-hint">{t('dev.beyondLocalhost')}</p>}
      <div className="settings-form inline">
        <Pick label={t('dev.video')} value={s.config.display.video[0]?.model ?? 'none'} options={[...new Set([s.config.display.video[0]?.model ?? 'none', ...(choices?.videoModels ?? ['vga', 'cirrus', 'virtio', 'qxl', 'bochs'])])]} onChange={(model) => apply.mutate({ call: 'vmSettings.setVideo', input: { model } })} testId="video-model" />
      </div>
      <p className="small">
        {t('dev.serials', { list: serials.map((c) => `${c.type} #${c.port ?? 0}`).join(', ') || t('none') })}{' '}
        <button type="button" className="ghost" onClick={() => apply.mutate({ call: 'vmSettings.setSerial', input: { add: true } })}>
          {t('dev.addSerial')}
        </button>
        {serials.length > 0 && (
          <button type="button" className="ghost" onClick={() => apply.mutate({ call: 'vmSettings.setSerial', input: { remove: serials[serials.length - 1]!.port ?? 0 } })}>
            {t('dev.removeLast')}
          </button>
        )}
      </p>
    </Section>
  );
}
