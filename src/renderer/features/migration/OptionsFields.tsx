import { useTranslation } from 'react-i18next';
import type { MigrationMode, MigrationOptions } from '../../../shared/model/migration';

const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Math.max(1, Math.round(Number(s)) || 1));

/** The migration options, each with what it costs or risks. */
export function OptionsFields({ mode, value, onChange }: { mode: MigrationMode; value: MigrationOptions; onChange(v: MigrationOptions): void }) {
  const { t } = useTranslation('migration');
  const set = (p: Partial<MigrationOptions>) => onChange({ ...value, ...p });
  const live = mode !== 'offline';
  return (
    <div className="mig-options">
      <label className="check-row">
        <input type="checkbox" checked={!value.keepSource} onChange={(e) => set({ keepSource: !e.target.checked })} data-testid="opt-undefine-source" />
        <span>
          {t('opt.undefine')} {value.keepSource && <span className="small muted">{t('opt.kept')}</span>}
        </span>
      </label>
      {live && (
        <>
          <label className="check-row">
            <input type="checkbox" checked={value.persist} onChange={(e) => set({ persist: e.target.checked })} />
            <span>{t('opt.persist')}</span>
          </label>
          <label className="field inline">
            <span>{t('opt.bandwidth')}</span>
            <input type="number" min={1} placeholder={t('opt.unlimited')} value={value.bandwidthMiBs ?? ''} onChange={(e) => set({ bandwidthMiBs: num(e.target.value) })} data-testid="opt-bandwidth" />
          </label>
          <label className="field inline">
            <span>{t('opt.maxDowntime')}</span>
            <input type="number" min={1} placeholder={t('opt.defaultDowntime')} value={value.maxDowntimeMs ?? ''} onChange={(e) => set({ maxDowntimeMs: num(e.target.value) })} />
          </label>
          <label className="check-row">
            <input type="checkbox" checked={value.autoConverge} onChange={(e) => set({ autoConverge: e.target.checked })} />
            <span>{t('opt.autoConverge')}</span>
          </label>
          <label className="check-row">
            <input type="checkbox" checked={value.postCopy} onChange={(e) => set({ postCopy: e.target.checked })} data-testid="opt-postcopy" />
            <span>
              {t('opt.postCopy')}{' '}
              <strong className="warn-text">{t('opt.postCopyRisk')}</strong>
            </span>
          </label>
          <label className="field inline">
            <span>{t('opt.compression')}</span>
            <select value={value.compression} onChange={(e) => set({ compression: e.target.value as MigrationOptions['compression'] })}>
              <option value="none">{t('opt.compNone')}</option>
              <option value="xbzrle">{t('opt.compXbzrle', { name: 'xbzrle' })}</option>
              <option value="mt">{t('opt.compMt')}</option>
            </select>
          </label>
        </>
      )}
      {mode !== 'live-shared' && (
        <label className="check-row">
          <input type="checkbox" checked={value.removeSourceDisks} disabled={value.keepSource} onChange={(e) => set({ removeSourceDisks: e.target.checked })} data-testid="opt-remove-disks" />
          <span>{live ? t('opt.removeDisksLive') : t('opt.removeDisks')}</span>
        </label>
      )}
    </div>
  );
}
