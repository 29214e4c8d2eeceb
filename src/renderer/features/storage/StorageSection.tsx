import { useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { NewPoolDialog } from './NewPoolDialog';
import { PoolTable } from './PoolTable';
import { usePools } from './queries';
import { VolumePanel } from './VolumePanel';
import './storage.css';
import { useTranslation } from 'react-i18next';

/** The host page's storage: pools with their usage, and the volumes of the chosen pool. */
export function StorageSection({ hostId }: { hostId: string }) {
  const { t } = useTranslation('storage');
  const pools = usePools(hostId, true);
  const [picked, setPicked] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const list = pools.data ?? [];
  // Until the user picks, show the pool VMs use most often: "default", else the first running one.
  const selected = list.find((p) => p.name === picked) ?? list.find((p) => p.name === 'default') ?? list.find((p) => p.active) ?? list[0];
  return (
    <section className="section storage" aria-labelledby={`storage-h-${hostId}`} data-testid="storage-section">
      <div className="section-head">
        <h2 id={`storage-h-${hostId}`}>{t('title')}</h2>
        <button type="button" className="ghost" onClick={() => setCreating(true)} data-testid="pool-new">
          {t('newPool')}
        </button>
      </div>
      {pools.isPending && <LoadingState label={t('listing')} />}
      {pools.error && <ErrorState title={t('listError')} error={pools.error} onRetry={() => void pools.refetch()} compact />}
      {pools.data && list.length === 0 && (
        <EmptyState title={t('none')} compact action={{ label: t('newPool'), onClick: () => setCreating(true) }}>
          {t('noneHint')}
        </EmptyState>
      )}
      {list.length > 0 && <PoolTable hostId={hostId} pools={list} selected={selected?.name} onSelect={setPicked} />}
      {selected && <VolumePanel key={selected.name} hostId={hostId} pool={selected} pools={list} />}
      {creating && <NewPoolDialog hostId={hostId} onClose={() => setCreating(false)} onCreated={(name) => setPicked(name)} />}
    </section>
  );
}
