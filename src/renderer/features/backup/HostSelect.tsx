import { useTranslation } from 'react-i18next';
import { useHosts } from '../hosts/queries';

/** "all" or one configured host, by id ('' = all). */
export function HostSelect({ label, value, onChange, testId }: { label: string; value: string; onChange(v: string): void; testId: string }) {
  const { t } = useTranslation('backup');
  const hosts = useHosts();
  return (
    <label className="inline">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">{t('allHosts')}</option>
        {hosts.data?.map((h) => (
          <option key={h.config.id} value={h.config.id}>
            {h.config.name}
          </option>
        ))}
      </select>
    </label>
  );
}
