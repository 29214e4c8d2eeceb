import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PoolDefinitionSchema } from '../../../shared/model/pool';
import { Modal } from '../../ui/Modal';
import { Field, fieldErrors } from './Field';
import { useStorageCall } from './queries';
import { ErrorBanner, Footer } from './VolumeDialogs';

type Kind = 'dir' | 'logical' | 'netfs';

// An example volume group name (data, the same in every language).
const VG_EXAMPLE = 'vg_vms';

/** Defines a dir, LVM or NFS pool, then (as ticked) builds, starts and autostarts it. */
export function NewPoolDialog({ hostId, onClose, onCreated }: { hostId: string; onClose(): void; onCreated(name: string): void }) {
  const { t } = useTranslation(['storage', 'common']);
  const [kind, setKind] = useState<Kind>('dir');
  const [f, setF] = useState({ name: '', path: '/var/lib/libvirt/images2', vgName: '', devices: '', server: '', exportPath: '', mount: '' });
  const [opts, setOpts] = useState({ build: true, start: true, autostart: true });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const define = useStorageCall('pools.define', hostId, { inline: true, failTitle: t('poolNew.error'), success: (p) => t('poolNew.done', { name: p.name, state: t(`pool.state.${p.state}`) }) });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((s) => ({ ...s, [k]: e.target.value }));
  const devices = f.devices.split(/[\s,]+/).filter(Boolean);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const raw =
      kind === 'dir'
        ? { type: 'dir', name: f.name.trim(), path: f.path.trim() }
        : kind === 'logical'
          ? { type: 'logical', name: f.name.trim(), vgName: f.vgName.trim(), devices }
          : { type: 'netfs', name: f.name.trim(), server: f.server.trim(), exportPath: f.exportPath.trim(), path: f.mount.trim(), protocol: 'nfs' };
    const parsed = PoolDefinitionSchema.safeParse(raw);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    define.mutate(
      { hostId, definition: parsed.data, ...opts },
      {
        onSuccess: (p) => {
          onCreated(p.name);
          onClose();
        },
      },
    );
  };
  return (
    <Modal title={t('poolNew.title')} onClose={onClose} busy={define.isPending} testId="pool-new-dialog" footer={<Footer busy={define.isPending} label={t('poolNew.create')} onClose={onClose} testId="pool-new-form" />}>
      <form id="pool-new-form" className="form-grid" onSubmit={submit} noValidate>
        <Field label={t('poolNew.type')} hint={t(`poolNew.help.${kind}`)}>
          {(p) => (
            <select {...p} value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="pool-type">
              <option value="dir">{t('poolNew.kind.dir')}</option>
              <option value="logical">{t('poolNew.kind.logical')}</option>
              <option value="netfs">{t('poolNew.kind.netfs')}</option>
            </select>
          )}
        </Field>
        <Field label={t('field.name')} error={errors.name}>
          {(p) => <input {...p} value={f.name} onChange={set('name')} data-autofocus data-testid="pool-name" />}
        </Field>
        {kind === 'dir' && (
          <Field label={t('poolNew.dirPath')} wide error={errors.path} hint={t('poolNew.createdIfMissing')}>
            {(p) => <input {...p} className="mono" value={f.path} onChange={set('path')} data-testid="pool-path" />}
          </Field>
        )}
        {kind === 'logical' && (
          <>
            <Field label={t('poolNew.vg')} error={errors.vgName} hint={t('poolNew.vgHint')}>
              {(p) => <input {...p} className="mono" value={f.vgName} onChange={set('vgName')} placeholder={VG_EXAMPLE} />}
            </Field>
            <Field label={t('poolNew.devices')} error={errors.devices} hint={t('poolNew.devicesHint')}>
              {(p) => <input {...p} className="mono" value={f.devices} onChange={set('devices')} placeholder="/dev/sdb /dev/sdc" />}
            </Field>
            {devices.length > 0 && opts.build && <p className="banner warn wide">{t('poolNew.buildWarn', { devices: devices.join(t('common:format.listSep')) })}</p>}
          </>
        )}
        {kind === 'netfs' && (
          <>
            <Field label={t('poolNew.server')} error={errors.server}>
              {(p) => <input {...p} value={f.server} onChange={set('server')} placeholder="filer.example.com" />}
            </Field>
            <Field label={t('poolNew.export')} error={errors.exportPath}>
              {(p) => <input {...p} className="mono" value={f.exportPath} onChange={set('exportPath')} placeholder="/export/vms" />}
            </Field>
            <Field label={t('poolNew.mount')} wide error={errors.path} hint={t('poolNew.createdIfMissing')}>
              {(p) => <input {...p} className="mono" value={f.mount} onChange={set('mount')} placeholder="/var/lib/libvirt/nfs" />}
            </Field>
          </>
        )}
        <div className="wide check-group">
          <label className="check-row">
            <input type="checkbox" checked={opts.build} onChange={(e) => setOpts((o) => ({ ...o, build: e.target.checked }))} />
            {kind === 'logical' ? t('poolNew.buildVg') : t('poolNew.buildDir')}
          </label>
          <label className="check-row">
            <input type="checkbox" checked={opts.start} onChange={(e) => setOpts((o) => ({ ...o, start: e.target.checked }))} />
            {t('poolNew.startNow')}
          </label>
          <label className="check-row">
            <input type="checkbox" checked={opts.autostart} onChange={(e) => setOpts((o) => ({ ...o, autostart: e.target.checked }))} />
            {t('poolNew.autostart')}
          </label>
        </div>
      </form>
      <ErrorBanner error={define.error} />
    </Modal>
  );
}
