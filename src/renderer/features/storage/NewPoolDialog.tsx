import { useState, type FormEvent } from 'react';
import { PoolDefinitionSchema } from '../../../shared/model/pool';
import { Modal } from '../../ui/Modal';
import { Field, fieldErrors } from './Field';
import { useStorageCall } from './queries';
import { ErrorBanner, Footer } from './VolumeDialogs';

type Kind = 'dir' | 'logical' | 'netfs';

const HELP: Record<Kind, string> = {
  dir: 'A directory on the host holds the disk images as files.',
  logical: 'An LVM volume group: each disk is a logical volume.',
  netfs: 'An NFS export the host mounts; images are files on the server.',
};

/** Defines a dir, LVM or NFS pool, then (as ticked) builds, starts and autostarts it. */
export function NewPoolDialog({ hostId, onClose, onCreated }: { hostId: string; onClose(): void; onCreated(name: string): void }) {
  const [kind, setKind] = useState<Kind>('dir');
  const [f, setF] = useState({ name: '', path: '/var/lib/libvirt/images2', vgName: '', devices: '', server: '', exportPath: '', mount: '' });
  const [opts, setOpts] = useState({ build: true, start: true, autostart: true });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const define = useStorageCall('pools.define', hostId, { inline: true, failTitle: 'Could not create the pool', success: (p) => `Pool ${p.name} is ${p.state}` });
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
    <Modal title="New storage pool" onClose={onClose} busy={define.isPending} testId="pool-new-dialog" footer={<Footer busy={define.isPending} label="Create pool" onClose={onClose} testId="pool-new-form" />}>
      <form id="pool-new-form" className="form-grid" onSubmit={submit} noValidate>
        <Field label="Type" hint={HELP[kind]}>
          {(p) => (
            <select {...p} value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="pool-type">
              <option value="dir">Directory</option>
              <option value="logical">LVM volume group</option>
              <option value="netfs">NFS share</option>
            </select>
          )}
        </Field>
        <Field label="Name" error={errors.name}>
          {(p) => <input {...p} value={f.name} onChange={set('name')} data-autofocus data-testid="pool-name" />}
        </Field>
        {kind === 'dir' && (
          <Field label="Directory on the host" wide error={errors.path} hint="Created if missing">
            {(p) => <input {...p} className="mono" value={f.path} onChange={set('path')} data-testid="pool-path" />}
          </Field>
        )}
        {kind === 'logical' && (
          <>
            <Field label="Volume group" error={errors.vgName} hint="An existing group, or the one to create">
              {(p) => <input {...p} className="mono" value={f.vgName} onChange={set('vgName')} placeholder="vg_vms" />}
            </Field>
            <Field label="Disks for a new group" error={errors.devices} hint="Leave empty to use an existing group">
              {(p) => <input {...p} className="mono" value={f.devices} onChange={set('devices')} placeholder="/dev/sdb /dev/sdc" />}
            </Field>
            {devices.length > 0 && opts.build && <p className="banner warn wide">Building writes LVM labels on {devices.join(', ')}: anything on them is lost.</p>}
          </>
        )}
        {kind === 'netfs' && (
          <>
            <Field label="NFS server" error={errors.server}>
              {(p) => <input {...p} value={f.server} onChange={set('server')} placeholder="filer.example.com" />}
            </Field>
            <Field label="Export" error={errors.exportPath}>
              {(p) => <input {...p} className="mono" value={f.exportPath} onChange={set('exportPath')} placeholder="/export/vms" />}
            </Field>
            <Field label="Mount point on the host" wide error={errors.path} hint="Created if missing">
              {(p) => <input {...p} className="mono" value={f.mount} onChange={set('mount')} placeholder="/var/lib/libvirt/nfs" />}
            </Field>
          </>
        )}
        <div className="wide check-group">
          <label className="check-row">
            <input type="checkbox" checked={opts.build} onChange={(e) => setOpts((o) => ({ ...o, build: e.target.checked }))} />
            {kind === 'logical' ? 'Create the volume group on those disks' : 'Create the directory'}
          </label>
          <label className="check-row">
            <input type="checkbox" checked={opts.start} onChange={(e) => setOpts((o) => ({ ...o, start: e.target.checked }))} />
            Start it now
          </label>
          <label className="check-row">
            <input type="checkbox" checked={opts.autostart} onChange={(e) => setOpts((o) => ({ ...o, autostart: e.target.checked }))} />
            Start it when the host boots
          </label>
        </div>
      </form>
      <ErrorBanner error={define.error} />
    </Modal>
  );
}
