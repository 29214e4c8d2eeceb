import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
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

// Labels and hints: create:source.<kind>.label / .hint.
const SOURCES: SourceKind[] = ['iso', 'url', 'import', 'cloud', 'pxe'];

// Data, not prose: example values shown as placeholders.
const EXAMPLE_USER = 'admin';
const CLOUD_CONFIG = '#cloud-config';
const OS_EXAMPLES = 'debian, fedora, windows';
// Product names, the same in every language.
const SEABIOS = 'BIOS (SeaBIOS)';

export function SourceStep({ d, set, opts, hosts, media, onUploaded }: StepProps & { hosts: Array<{ id: string; name: string }>; media: MediaVolume[] | undefined; onUploaded(): void }) {
  const wanted = d.source === 'iso' ? 'iso' : 'disk';
  const list = (media ?? []).filter((m) => m.kind === wanted);
  const [uploading, setUploading] = useState(false);
  const pools = usePools(d.hostId, uploading);
  const uploadPool = pools.data?.find((p) => p.name === d.diskPool) ?? pools.data?.find((p) => p.active);
  const { t } = useTranslation('create');
  return (
    <div className="create-step">
      <Field label={t('host')}>
        <select value={d.hostId} onChange={(e) => set({ hostId: e.target.value, hosts: [e.target.value], media: '' })} data-testid="create-host">
          {hosts.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="create-sources">
        <legend>{t('source.legend')}</legend>
        {SOURCES.map((kind) => (
          <label key={kind} className={`create-source ${d.source === kind ? 'selected' : ''}`}>
            <input type="radio" name="source" checked={d.source === kind} onChange={() => set({ source: kind, media: '', ci: kind === 'cloud' ? true : d.ci, serialBios: kind === 'pxe' })} data-testid={`create-source-${kind}`} />
            <b>{t(`source.${kind}.label`)}</b>
            <small>{t(`source.${kind}.hint`, { cmd: 'virt-install --location' })}</small>
          </label>
        ))}
      </fieldset>
      {d.source === 'iso' || d.source === 'import' || d.source === 'cloud' ? (
        <>
          <Field label={d.source === 'iso' ? t('source.isoInPool') : t('source.imageInPool')} hint={list.length ? undefined : wanted === 'iso' ? t('source.noIso') : t('source.noImage')}>
            <select value={d.media} onChange={(e) => set({ media: e.target.value })} data-testid="create-media">
              <option value="">{t('source.pathOption')}</option>
              {list.map((m) => (
                <option key={`${m.pool}/${m.volume}`} value={`${m.pool}/${m.volume}`}>
                  {m.pool} / {m.volume} ({Math.round(m.capacityBytes / 1048576)} MiB{m.format ? `, ${m.format}` : ''})
                </option>
              ))}
            </select>
          </Field>
          <span className="inline">
            <button type="button" className="ghost" onClick={() => setUploading(true)} data-testid="create-upload">
              {t('source.upload')}
            </button>
            <span className="muted">{t('source.uploadInto', { pool: uploadPool?.name ?? d.diskPool })}</span>
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
            <Field label={t('source.path')}>
              <input value={d.mediaPath} onChange={(e) => set({ mediaPath: e.target.value })} placeholder="/var/lib/libvirt/images/debian.iso" data-testid="create-media-path" />
            </Field>
          ) : null}
          {d.source === 'import' ? (
            <Field label={t('source.useImage')}>
              <select value={d.importUse} onChange={(e) => set({ importUse: e.target.value as Draft['importUse'] })} data-testid="create-import-use">
                <option value="in-place">{t('source.importInPlace')}</option>
                <option value="copy">{t('source.importCopy')}</option>
              </select>
            </Field>
          ) : null}
          {d.source === 'cloud' ? (
            <Field label={t('source.useImage')}>
              <select value={d.cloudUse} onChange={(e) => set({ cloudUse: e.target.value as Draft['cloudUse'] })} data-testid="create-cloud-use">
                <option value="backing">{t('source.cloudBacking')}</option>
                <option value="copy">{t('source.cloudCopy')}</option>
              </select>
            </Field>
          ) : null}
        </>
      ) : null}
      {d.source === 'url' ? (
        <>
          <Field label={t('source.treeUrl')} hint={t('source.treeUrlHint')}>
            <input value={d.url} onChange={(e) => set({ url: e.target.value })} placeholder="http://mirror/fedora/releases/40/Everything/x86_64/os/" data-testid="create-url" />
          </Field>
          <Field label={t('source.fetchBy')}>
            <select value={d.fetchBy} onChange={(e) => set({ fetchBy: e.target.value as Draft['fetchBy'] })} data-testid="create-fetch-by">
              <option value="host">{t('source.fetchHost')}</option>
              <option value="workstation">{t('source.fetchHere')}</option>
            </select>
          </Field>
          <Field label={t('source.kernelArgs')}>
            <input value={d.kernelArgs} onChange={(e) => set({ kernelArgs: e.target.value })} data-testid="create-kernel-args" />
          </Field>
        </>
      ) : null}
      {opts === undefined ? <p className="muted">{t('source.reading')}</p> : null}
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
  const { t } = useTranslation('create');
  const defaultsKey = cur?.virtio ? (cur.tpm ? 'os.defaultsVirtioTpm' : 'os.defaultsVirtio') : cur?.tpm ? 'os.defaultsTpm' : 'os.defaults';
  return (
    <div className="create-step">
      <p className="muted" data-testid="create-os-source">
        {opts?.os.source === 'osinfo' ? (opts.os.version ? t('os.fromOsinfoVersion', { version: opts.os.version }) : t('os.fromOsinfo')) : t('os.ownTable')}
      </p>
      <Field label={t('os.search')}>
        <input value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('os.searchPlaceholder', { examples: OS_EXAMPLES })} data-testid="create-os-search" />
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
          {t(defaultsKey, {
            name: cur.name,
            machine: cur.machine,
            firmware: cur.firmware === 'uefi' ? (opts?.uefi ? 'UEFI' : t('os.uefiNoOvmf')) : 'BIOS',
            bus: cur.diskBus,
            nic: cur.nicModel,
            mem: cur.minMemoryMiB,
            disk: cur.minDiskGiB,
          })}
        </p>
      ) : null}
    </div>
  );
}

export function HardwareStep({ d, set, opts }: StepProps) {
  const check = useNameCheck(d.hostId, d.name, d.disk ? d.diskPool : undefined);
  const os = opts?.os.profiles.find((o) => o.id === d.osId);
  const num = (v: string) => Math.max(0, Number(v) || 0);
  const { t } = useTranslation('create');
  const nameErr = !d.name.trim() ? t('hw.nameNeeded') : d.name.includes('/') ? t('hw.nameSlash') : check.data && !check.data.free ? check.data.reason : undefined;
  return (
    <div className="create-step create-grid">
      <Field label={t('hw.name')} error={d.name ? nameErr : undefined} hint={check.data?.free ? t('hw.nameFree') : undefined} testId="create-name-field">
        <input value={d.name} onChange={(e) => set({ name: e.target.value })} autoFocus data-testid="create-name" />
      </Field>
      <Field label={t('hw.tags')} hint={t('hw.tagsHint')}>
        <input value={d.tags} onChange={(e) => set({ tags: e.target.value })} data-testid="create-tags" />
      </Field>
      <Field label="vCPUs">
        <input type="number" min={1} value={d.vcpus} onChange={(e) => set({ vcpus: Math.max(1, num(e.target.value)) })} data-testid="create-vcpus" />
      </Field>
      <Field label={t('hw.memory')} error={os && d.memoryMiB < os.minMemoryMiB ? t('hw.memoryMin', { os: os.name, n: os.minMemoryMiB }) : undefined}>
        <input type="number" min={16} value={d.memoryMiB} onChange={(e) => set({ memoryMiB: num(e.target.value) })} data-testid="create-memory" />
      </Field>
      <Field label={t('hw.accel')}>
        <select value={d.accel} onChange={(e) => set({ accel: e.target.value as Draft['accel'] })} data-testid="create-accel">
          {(opts?.accel ?? ['kvm', 'qemu']).map((a) => (
            <option key={a} value={a}>
              {a === 'kvm' ? t('hw.accelKvm') : t('hw.accelTcg')}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('hw.firmware')} hint={opts && !opts.uefi ? t('hw.noOvmf') : undefined}>
        <select value={d.firmware} onChange={(e) => set({ firmware: e.target.value as Draft['firmware'] })} data-testid="create-firmware">
          <option value="bios">{SEABIOS}</option>
          {opts?.uefi ? <option value="uefi">UEFI (OVMF)</option> : null}
        </select>
      </Field>
      <Field label={t('hw.disk')}>
        <label className="inline">
          <input type="checkbox" checked={d.disk} onChange={(e) => set({ disk: e.target.checked })} data-testid="create-disk-on" /> {t('hw.diskOn')}
        </label>
      </Field>
      {d.disk ? (
        <>
          <Field label={t('hw.diskSize')} error={os && d.diskGiB < os.minDiskGiB ? t('hw.diskMin', { os: os.name, n: os.minDiskGiB }) : undefined}>
            <input type="number" min={0.01} step="any" value={d.diskGiB} onChange={(e) => set({ diskGiB: num(e.target.value) })} data-testid="create-disk-size" />
          </Field>
          <Field label={t('hw.pool')}>
            <select value={d.diskPool} onChange={(e) => set({ diskPool: e.target.value })} data-testid="create-disk-pool">
              {(opts?.pools ?? []).filter((p) => p.active).map((p) => (
                <option key={p.name} value={p.name}>
                  {t('hw.poolFree', { name: p.name, n: Math.round(p.availableBytes / 1073741824) })}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('hw.formatBus')}>
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
      <Field label={t('hw.network')}>
        <select value={d.nicType === 'none' ? 'none' : `${d.nicType}:${d.nicSource}`} onChange={(e) => { const [t, ...s] = e.target.value.split(':'); set({ nicType: t as Draft['nicType'], nicSource: s.join(':') }); }} data-testid="create-nic">
          {(opts?.networks ?? []).map((n) => (
            <option key={n.name} value={`network:${n.name}`}>
              {n.active ? t('hw.nicNetwork', { name: n.name }) : t('hw.nicNetworkInactive', { name: n.name })}
            </option>
          ))}
          {(opts?.bridges ?? []).map((b) => (
            <option key={b} value={`bridge:${b}`}>
              {t('hw.nicBridge', { name: b })}
            </option>
          ))}
          <option value="none">{t('hw.nicNone')}</option>
        </select>
      </Field>
      <Field label={t('hw.mac')} hint={t('hw.macHint')}>
        <input value={d.mac} onChange={(e) => set({ mac: e.target.value.trim() })} placeholder="52:54:00:…" data-testid="create-mac" />
      </Field>
      <Field label={t('hw.graphics')} hint={t('hw.graphicsHint')}>
        <span className="inline">
          <label className="inline">
            <input type="checkbox" checked={d.vnc} onChange={(e) => set({ vnc: e.target.checked })} /> VNC
          </label>
          {d.vnc ? <input type="password" maxLength={8} placeholder={t('hw.vncPassword')} value={d.vncPassword} onChange={(e) => set({ vncPassword: e.target.value })} /> : null}
        </span>
      </Field>
      <Field label={t('hw.extras')}>
        <span className="create-checks">
          {opts?.tpm ? (
            <label className="inline">
              <input type="checkbox" checked={d.tpm} onChange={(e) => set({ tpm: e.target.checked })} /> {os?.tpm ? t('hw.tpmNeeded') : 'TPM 2.0'}
            </label>
          ) : null}
          <label className="inline">
            <input type="checkbox" checked={d.serialBios} onChange={(e) => set({ serialBios: e.target.checked })} data-testid="create-serial-bios" /> {t('hw.serialBios')}
          </label>
          <label className="inline">
            <input type="checkbox" checked={d.customise} onChange={(e) => set({ customise: e.target.checked })} data-testid="create-customise" /> {t('hw.customise')}
          </label>
        </span>
      </Field>
    </div>
  );
}

export function CloudInitStep({ d, set }: StepProps) {
  const keys = useSshKeys(d.ci);
  const { t } = useTranslation('create');
  return (
    <div className="create-step">
      <label className="inline">
        <input type="checkbox" checked={d.ci} onChange={(e) => set({ ci: e.target.checked })} data-testid="create-ci-on" /> {t('ci.on')}
      </label>
      {d.ci ? (
        <div className="create-grid">
          <Field label={t('ci.hostname')} hint={t('ci.hostnameHint')}>
            <input value={d.ciHostname} onChange={(e) => set({ ciHostname: e.target.value })} data-testid="create-ci-hostname" />
          </Field>
          <Field label={t('ci.user')}>
            <input value={d.ciUser} onChange={(e) => set({ ciUser: e.target.value })} placeholder={EXAMPLE_USER} data-testid="create-ci-user" />
          </Field>
          <Field label={t('ci.password')} hint={t('ci.passwordHint')}>
            <input type="password" value={d.ciPassword} onChange={(e) => set({ ciPassword: e.target.value })} data-testid="create-ci-password" />
          </Field>
          <Field label={t('ci.packages')} hint={t('ci.packagesHint')}>
            <input value={d.ciPackages} onChange={(e) => set({ ciPackages: e.target.value })} data-testid="create-ci-packages" />
          </Field>
          <Field label={t('ci.keys')} hint={t('ci.keysHint')}>
            <textarea rows={3} value={d.ciKeys} onChange={(e) => set({ ciKeys: e.target.value })} data-testid="create-ci-keys" />
          </Field>
          <Field label={t('ci.pickKeys')}>
            <span className="create-checks">
              {keys.data?.length ? (
                keys.data.map((k) => (
                  <button type="button" className="ghost" key={k.file} onClick={() => set({ ciKeys: d.ciKeys.includes(k.key) ? d.ciKeys : `${d.ciKeys.trim()}\n${k.key}`.trim() })}>
                    + {k.file} {k.comment}
                  </button>
                ))
              ) : (
                <span className="muted">{t('ci.noKeys')}</span>
              )}
            </span>
          </Field>
          <Field label={t('ci.runcmd')} hint={t('ci.runcmdHint')}>
            <textarea rows={4} value={d.ciRuncmd} onChange={(e) => set({ ciRuncmd: e.target.value })} data-testid="create-ci-runcmd" />
          </Field>
          <Field label={t('ci.network')}>
            <span className="create-checks">
              <label className="inline">
                <input type="checkbox" checked={d.ciStatic} onChange={(e) => set({ ciStatic: e.target.checked })} /> {t('ci.staticAddress')}
              </label>
              {d.ciStatic ? (
                <>
                  <input placeholder="192.168.122.50/24" value={d.ciAddress} onChange={(e) => set({ ciAddress: e.target.value })} />
                  <input placeholder={t('ci.gateway')} value={d.ciGateway} onChange={(e) => set({ ciGateway: e.target.value })} />
                  <input placeholder={t('ci.dns')} value={d.ciDns} onChange={(e) => set({ ciDns: e.target.value })} />
                </>
              ) : null}
            </span>
          </Field>
          <Field label={t('ci.raw')} hint={t('ci.rawHint')}>
            <textarea rows={4} value={d.ciRaw} onChange={(e) => set({ ciRaw: e.target.value })} placeholder={CLOUD_CONFIG} data-testid="create-ci-raw" />
          </Field>
        </div>
      ) : null}
    </div>
  );
}
