import { useMemo, useState, type ReactNode } from 'react';
import type { CreateOptions, MediaVolume } from '../../../shared/ipc/calls/create';
import { applyOs, type Draft, type SourceKind } from './draft';
import { useNameCheck, useSshKeys } from './queries';
import { UploadDialog } from '../storage/UploadDialog';
import { usePools } from '../storage/queries';

// The wizard's form steps. Each edits the draft through `set`; checks that
// need the host (name free) ask it live.

export interface StepProps {
  d: Draft;
  set(patch: Partial<Draft>): void;
  opts: CreateOptions | undefined;
}

export function Field({ label, hint, error, children, testId }: { label: string; hint?: ReactNode; error?: string | undefined; children: ReactNode; testId?: string }) {
  return (
    <label className={`field ${error ? 'invalid' : ''}`} data-testid={testId}>
      <span>{label}</span>
      {children}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : hint ? (
        <span className="field-hint">{hint}</span>
      ) : null}
    </label>
  );
}

const SOURCES: Array<{ kind: SourceKind; label: string; hint: string }> = [
  { kind: 'iso', label: 'Install media (ISO)', hint: 'An ISO already in a pool on the host, or a path on the host' },
  { kind: 'url', label: 'Network install', hint: 'A distribution tree URL: the kernel and initrd are fetched like virt-install --location' },
  { kind: 'import', label: 'Import a disk image', hint: 'An existing disk becomes the VM’s disk (in place or copied)' },
  { kind: 'cloud', label: 'Cloud image + cloud-init', hint: 'A cloud image as a backing file or a full copy, set up on first boot by cloud-init' },
  { kind: 'pxe', label: 'Network boot (PXE)', hint: 'Boot from the network the NIC is on' },
];

export function SourceStep({ d, set, opts, hosts, media, onUploaded }: StepProps & { hosts: Array<{ id: string; name: string }>; media: MediaVolume[] | undefined; onUploaded(): void }) {
  const wanted = d.source === 'iso' ? 'iso' : 'disk';
  const list = (media ?? []).filter((m) => m.kind === wanted);
  const [uploading, setUploading] = useState(false);
  const pools = usePools(d.hostId, uploading);
  const uploadPool = pools.data?.find((p) => p.name === d.diskPool) ?? pools.data?.find((p) => p.active);
  return (
    <div className="create-step">
      <Field label="Host">
        <select value={d.hostId} onChange={(e) => set({ hostId: e.target.value, hosts: [e.target.value], media: '' })} data-testid="create-host">
          {hosts.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="create-sources">
        <legend>How is the OS installed?</legend>
        {SOURCES.map((s) => (
          <label key={s.kind} className={`create-source ${d.source === s.kind ? 'selected' : ''}`}>
            <input type="radio" name="source" checked={d.source === s.kind} onChange={() => set({ source: s.kind, media: '', ci: s.kind === 'cloud' ? true : d.ci, serialBios: s.kind === 'pxe' })} data-testid={`create-source-${s.kind}`} />
            <b>{s.label}</b>
            <small>{s.hint}</small>
          </label>
        ))}
      </fieldset>
      {d.source === 'iso' || d.source === 'import' || d.source === 'cloud' ? (
        <>
          <Field label={d.source === 'iso' ? 'ISO in a pool' : 'Image in a pool'} hint={list.length ? undefined : `No ${wanted === 'iso' ? 'ISO' : 'disk image'} in this host's pools: give a path on the host below`}>
            <select value={d.media} onChange={(e) => set({ media: e.target.value })} data-testid="create-media">
              <option value="">(a path on the host)</option>
              {list.map((m) => (
                <option key={`${m.pool}/${m.volume}`} value={`${m.pool}/${m.volume}`}>
                  {m.pool} / {m.volume} ({Math.round(m.capacityBytes / 1048576)} MiB{m.format ? `, ${m.format}` : ''})
                </option>
              ))}
            </select>
          </Field>
          <span className="inline">
            <button type="button" className="ghost" onClick={() => setUploading(true)} data-testid="create-upload">
              Upload from this computer…
            </button>
            <span className="muted">into pool {uploadPool?.name ?? d.diskPool}; pick it above once it is there</span>
          </span>
          {uploading && uploadPool ? (
            <UploadDialog
              hostId={d.hostId}
              pool={uploadPool}
              taken={(media ?? []).filter((m) => m.pool === uploadPool.name).map((m) => m.volume)}
              onClose={() => {
                setUploading(false);
                onUploaded();
              }}
            />
          ) : null}
          {!d.media ? (
            <Field label="Path on the host">
              <input value={d.mediaPath} onChange={(e) => set({ mediaPath: e.target.value })} placeholder="/var/lib/libvirt/images/debian.iso" data-testid="create-media-path" />
            </Field>
          ) : null}
          {d.source === 'import' ? (
            <Field label="Use the image">
              <select value={d.importUse} onChange={(e) => set({ importUse: e.target.value as Draft['importUse'] })} data-testid="create-import-use">
                <option value="in-place">in place (the VM writes to it)</option>
                <option value="copy">as a copy in the disk's pool</option>
              </select>
            </Field>
          ) : null}
          {d.source === 'cloud' ? (
            <Field label="Use the image">
              <select value={d.cloudUse} onChange={(e) => set({ cloudUse: e.target.value as Draft['cloudUse'] })} data-testid="create-cloud-use">
                <option value="backing">as the backing file of a new qcow2 overlay (fast, shares the image)</option>
                <option value="copy">as a full copy, resized to the disk size</option>
              </select>
            </Field>
          ) : null}
        </>
      ) : null}
      {d.source === 'url' ? (
        <>
          <Field label="Install tree URL" hint="e.g. http://deb.debian.org/debian/dists/bookworm/main/installer-amd64/current/images/netboot/debian-installer/amd64/">
            <input value={d.url} onChange={(e) => set({ url: e.target.value })} placeholder="http://mirror/fedora/releases/40/Everything/x86_64/os/" data-testid="create-url" />
          </Field>
          <Field label="Kernel and initrd fetched by">
            <select value={d.fetchBy} onChange={(e) => set({ fetchBy: e.target.value as Draft['fetchBy'] })} data-testid="create-fetch-by">
              <option value="host">the host (curl or wget on the host)</option>
              <option value="workstation">VirtDeck (fetched here, uploaded to the host)</option>
            </select>
          </Field>
          <Field label="Kernel arguments">
            <input value={d.kernelArgs} onChange={(e) => set({ kernelArgs: e.target.value })} data-testid="create-kernel-args" />
          </Field>
        </>
      ) : null}
      {opts === undefined ? <p className="muted">Reading what the host offers…</p> : null}
    </div>
  );
}

export function OsStep({ d, set, opts }: StepProps) {
  const [q, setQ] = useState('');
  const profiles = useMemo(() => {
    const all = opts?.os.profiles ?? [];
    const s = q.trim().toLowerCase();
    return (s ? all.filter((o) => o.name.toLowerCase().includes(s) || o.id.toLowerCase().includes(s)) : all.filter((o) => !o.eol)).slice(0, 200);
  }, [opts, q]);
  const cur = opts?.os.profiles.find((o) => o.id === d.osId);
  return (
    <div className="create-step">
      <p className="muted" data-testid="create-os-source">
        {opts?.os.source === 'osinfo' ? `From the host's osinfo database${opts.os.version ? ` (${opts.os.version})` : ''}` : 'The host has no osinfo database: VirtDeck’s own table'}
      </p>
      <Field label="Search">
        <input value={q} onChange={(e) => setQ(e.target.value)} placeholder="debian, fedora, windows…" data-testid="create-os-search" />
      </Field>
      <select size={10} className="create-os-list" value={d.osId} onChange={(e) => { const os = opts?.os.profiles.find((o) => o.id === e.target.value); if (os) set(applyOs(d, os, opts)); }} data-testid="create-os">
        {profiles.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      {cur ? (
        <p className="create-os-defaults" data-testid="create-os-defaults">
          {cur.name}: {cur.machine}, {cur.firmware === 'uefi' ? (opts?.uefi ? 'UEFI' : 'UEFI wanted, but the host has no OVMF: BIOS') : 'BIOS'}, disk {cur.diskBus}, NIC {cur.nicModel}
          {cur.virtio ? ' (virtio drivers)' : ''}, at least {cur.minMemoryMiB} MiB memory and {cur.minDiskGiB} GiB disk{cur.tpm ? ', TPM 2.0' : ''}
        </p>
      ) : null}
    </div>
  );
}

export function HardwareStep({ d, set, opts }: StepProps) {
  const check = useNameCheck(d.hostId, d.name, d.disk ? d.diskPool : undefined);
  const os = opts?.os.profiles.find((o) => o.id === d.osId);
  const num = (v: string) => Math.max(0, Number(v) || 0);
  const nameErr = !d.name.trim() ? 'A name is needed' : d.name.includes('/') ? 'libvirt does not allow “/” in VM names' : check.data && !check.data.free ? check.data.reason : undefined;
  return (
    <div className="create-step create-grid">
      <Field label="Name" error={d.name ? nameErr : undefined} hint={check.data?.free ? 'Free on this host' : undefined} testId="create-name-field">
        <input value={d.name} onChange={(e) => set({ name: e.target.value })} autoFocus data-testid="create-name" />
      </Field>
      <Field label="Tags" hint="comma separated, e.g. app:web, env:test">
        <input value={d.tags} onChange={(e) => set({ tags: e.target.value })} data-testid="create-tags" />
      </Field>
      <Field label="vCPUs">
        <input type="number" min={1} value={d.vcpus} onChange={(e) => set({ vcpus: Math.max(1, num(e.target.value)) })} data-testid="create-vcpus" />
      </Field>
      <Field label="Memory (MiB)" error={os && d.memoryMiB < os.minMemoryMiB ? `${os.name} needs at least ${os.minMemoryMiB} MiB` : undefined}>
        <input type="number" min={16} value={d.memoryMiB} onChange={(e) => set({ memoryMiB: num(e.target.value) })} data-testid="create-memory" />
      </Field>
      <Field label="Acceleration">
        <select value={d.accel} onChange={(e) => set({ accel: e.target.value as Draft['accel'] })} data-testid="create-accel">
          {(opts?.accel ?? ['kvm', 'qemu']).map((a) => (
            <option key={a} value={a}>
              {a === 'kvm' ? 'KVM (hardware)' : 'QEMU TCG (emulated, slow)'}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Firmware" hint={opts && !opts.uefi ? 'No OVMF on this host: BIOS only' : undefined}>
        <select value={d.firmware} onChange={(e) => set({ firmware: e.target.value as Draft['firmware'] })} data-testid="create-firmware">
          <option value="bios">BIOS (SeaBIOS)</option>
          {opts?.uefi ? <option value="uefi">UEFI (OVMF)</option> : null}
        </select>
      </Field>
      <Field label="Disk">
        <label className="inline">
          <input type="checkbox" checked={d.disk} onChange={(e) => set({ disk: e.target.checked })} data-testid="create-disk-on" /> give the VM a disk
        </label>
      </Field>
      {d.disk ? (
        <>
          <Field label="Disk size (GiB)" error={os && d.diskGiB < os.minDiskGiB ? `${os.name} needs at least ${os.minDiskGiB} GiB` : undefined}>
            <input type="number" min={0.01} step="any" value={d.diskGiB} onChange={(e) => set({ diskGiB: num(e.target.value) })} data-testid="create-disk-size" />
          </Field>
          <Field label="Pool">
            <select value={d.diskPool} onChange={(e) => set({ diskPool: e.target.value })} data-testid="create-disk-pool">
              {(opts?.pools ?? []).filter((p) => p.active).map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name} ({Math.round(p.availableBytes / 1073741824)} GiB free)
                </option>
              ))}
            </select>
          </Field>
          <Field label="Format and bus">
            <span className="inline">
              <select value={d.diskFormat} onChange={(e) => set({ diskFormat: e.target.value as Draft['diskFormat'] })}>
                <option value="qcow2">qcow2</option>
                <option value="raw">raw</option>
              </select>
              <select value={d.diskBus} onChange={(e) => set({ diskBus: e.target.value as Draft['diskBus'] })} data-testid="create-disk-bus">
                {['virtio', 'sata', 'scsi', 'ide'].map((b) => (
                  <option key={b}>{b}</option>
                ))}
              </select>
            </span>
          </Field>
        </>
      ) : null}
      <Field label="Network">
        <select value={d.nicType === 'none' ? 'none' : `${d.nicType}:${d.nicSource}`} onChange={(e) => { const [t, ...s] = e.target.value.split(':'); set({ nicType: t as Draft['nicType'], nicSource: s.join(':') }); }} data-testid="create-nic">
          {(opts?.networks ?? []).map((n) => (
            <option key={n.name} value={`network:${n.name}`}>
              network {n.name}{n.active ? '' : ' (inactive)'}
            </option>
          ))}
          {(opts?.bridges ?? []).map((b) => (
            <option key={b} value={`bridge:${b}`}>
              host bridge {b}
            </option>
          ))}
          <option value="none">no network</option>
        </select>
      </Field>
      <Field label="MAC address" hint="empty: a random 52:54:00 address">
        <input value={d.mac} onChange={(e) => set({ mac: e.target.value.trim() })} placeholder="52:54:00:…" data-testid="create-mac" />
      </Field>
      <Field label="Graphics" hint="VNC listens on the host's localhost only; VirtDeck reaches it over SSH">
        <span className="inline">
          <label className="inline">
            <input type="checkbox" checked={d.vnc} onChange={(e) => set({ vnc: e.target.checked })} /> VNC
          </label>
          {d.vnc ? <input type="password" maxLength={8} placeholder="password (optional, 8 max)" value={d.vncPassword} onChange={(e) => set({ vncPassword: e.target.value })} /> : null}
        </span>
      </Field>
      <Field label="Extras">
        <span className="create-checks">
          {opts?.tpm ? (
            <label className="inline">
              <input type="checkbox" checked={d.tpm} onChange={(e) => set({ tpm: e.target.checked })} /> TPM 2.0{os?.tpm ? ' (this OS needs it)' : ''}
            </label>
          ) : null}
          <label className="inline">
            <input type="checkbox" checked={d.serialBios} onChange={(e) => set({ serialBios: e.target.checked })} data-testid="create-serial-bios" /> BIOS and PXE messages on the serial console
          </label>
          <label className="inline">
            <input type="checkbox" checked={d.customise} onChange={(e) => set({ customise: e.target.checked })} data-testid="create-customise" /> Customise before start (opens its settings first)
          </label>
        </span>
      </Field>
    </div>
  );
}

export function CloudInitStep({ d, set }: StepProps) {
  const keys = useSshKeys(d.ci);
  return (
    <div className="create-step">
      <label className="inline">
        <input type="checkbox" checked={d.ci} onChange={(e) => set({ ci: e.target.checked })} data-testid="create-ci-on" /> Set the guest up with cloud-init (the image must have cloud-init)
      </label>
      {d.ci ? (
        <div className="create-grid">
          <Field label="Hostname" hint="empty: made from the VM name">
            <input value={d.ciHostname} onChange={(e) => set({ ciHostname: e.target.value })} data-testid="create-ci-hostname" />
          </Field>
          <Field label="User">
            <input value={d.ciUser} onChange={(e) => set({ ciUser: e.target.value })} placeholder="admin" data-testid="create-ci-user" />
          </Field>
          <Field label="Password" hint="sent in the seed; prefer SSH keys">
            <input type="password" value={d.ciPassword} onChange={(e) => set({ ciPassword: e.target.value })} data-testid="create-ci-password" />
          </Field>
          <Field label="Packages" hint="space or comma separated">
            <input value={d.ciPackages} onChange={(e) => set({ ciPackages: e.target.value })} data-testid="create-ci-packages" />
          </Field>
          <Field label="SSH public keys" hint="one per line">
            <textarea rows={3} value={d.ciKeys} onChange={(e) => set({ ciKeys: e.target.value })} data-testid="create-ci-keys" />
          </Field>
          <Field label="Pick from ~/.ssh">
            <span className="create-checks">
              {keys.data?.length ? (
                keys.data.map((k) => (
                  <button type="button" className="ghost" key={k.file} onClick={() => set({ ciKeys: d.ciKeys.includes(k.key) ? d.ciKeys : `${d.ciKeys.trim()}\n${k.key}`.trim() })}>
                    + {k.file} {k.comment}
                  </button>
                ))
              ) : (
                <span className="muted">no ~/.ssh/*.pub here</span>
              )}
            </span>
          </Field>
          <Field label="Commands on first boot (runcmd)" hint="one shell command per line">
            <textarea rows={4} value={d.ciRuncmd} onChange={(e) => set({ ciRuncmd: e.target.value })} data-testid="create-ci-runcmd" />
          </Field>
          <Field label="Network">
            <span className="create-checks">
              <label className="inline">
                <input type="checkbox" checked={d.ciStatic} onChange={(e) => set({ ciStatic: e.target.checked })} /> static address (network-config)
              </label>
              {d.ciStatic ? (
                <>
                  <input placeholder="192.168.122.50/24" value={d.ciAddress} onChange={(e) => set({ ciAddress: e.target.value })} />
                  <input placeholder="gateway" value={d.ciGateway} onChange={(e) => set({ ciGateway: e.target.value })} />
                  <input placeholder="DNS servers" value={d.ciDns} onChange={(e) => set({ ciDns: e.target.value })} />
                </>
              ) : null}
            </span>
          </Field>
          <Field label="Raw user-data (experts)" hint="replaces everything above except hostname and network">
            <textarea rows={4} value={d.ciRaw} onChange={(e) => set({ ciRaw: e.target.value })} placeholder="#cloud-config" data-testid="create-ci-raw" />
          </Field>
        </div>
      ) : null}
    </div>
  );
}
