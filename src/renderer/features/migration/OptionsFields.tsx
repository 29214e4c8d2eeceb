import type { MigrationMode, MigrationOptions } from '../../../shared/model/migration';

const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Math.max(1, Math.round(Number(s)) || 1));

/** The migration options, each with what it costs or risks. */
export function OptionsFields({ mode, value, onChange }: { mode: MigrationMode; value: MigrationOptions; onChange(v: MigrationOptions): void }) {
  const set = (p: Partial<MigrationOptions>) => onChange({ ...value, ...p });
  const live = mode !== 'offline';
  return (
    <div className="mig-options">
      <label className="check-row">
        <input type="checkbox" checked={!value.keepSource} onChange={(e) => set({ keepSource: !e.target.checked })} data-testid="opt-undefine-source" />
        <span>Remove the definition from the source afterwards {value.keepSource && <span className="small muted">(kept: never start both copies)</span>}</span>
      </label>
      {live && (
        <>
          <label className="check-row">
            <input type="checkbox" checked={value.persist} onChange={(e) => set({ persist: e.target.checked })} />
            <span>Define it on the target (otherwise it runs there until it stops, then is gone)</span>
          </label>
          <label className="field inline">
            <span>Bandwidth limit (MiB/s)</span>
            <input type="number" min={1} placeholder="unlimited" value={value.bandwidthMiBs ?? ''} onChange={(e) => set({ bandwidthMiBs: num(e.target.value) })} data-testid="opt-bandwidth" />
          </label>
          <label className="field inline">
            <span>Longest pause at switchover (ms)</span>
            <input type="number" min={1} placeholder="libvirt default (300)" value={value.maxDowntimeMs ?? ''} onChange={(e) => set({ maxDowntimeMs: num(e.target.value) })} />
          </label>
          <label className="check-row">
            <input type="checkbox" checked={value.autoConverge} onChange={(e) => set({ autoConverge: e.target.checked })} />
            <span>Auto-converge: slow the guest's vCPUs down when it changes memory faster than the link copies it</span>
          </label>
          <label className="check-row">
            <input type="checkbox" checked={value.postCopy} onChange={(e) => set({ postCopy: e.target.checked })} data-testid="opt-postcopy" />
            <span>
              Post-copy after the first pass: the guest switches to the target at once and fetches the rest on demand.{' '}
              <strong className="warn-text">Risk: from then on the move cannot be cancelled, and if the link or either host fails the VM is lost.</strong>
            </span>
          </label>
          <label className="field inline">
            <span>Compression</span>
            <select value={value.compression} onChange={(e) => set({ compression: e.target.value as MigrationOptions['compression'] })}>
              <option value="none">none</option>
              <option value="xbzrle">xbzrle (repeated pages, costs memory on the source)</option>
              <option value="mt">multi-thread (costs CPU on both hosts)</option>
            </select>
          </label>
        </>
      )}
      {!live && (
        <label className="check-row">
          <input type="checkbox" checked={value.removeSourceDisks} disabled={value.keepSource} onChange={(e) => set({ removeSourceDisks: e.target.checked })} data-testid="opt-remove-disks" />
          <span>Delete the source's disk files once their copies check out (SHA-256)</span>
        </label>
      )}
    </div>
  );
}
