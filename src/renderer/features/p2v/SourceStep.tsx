import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Host } from '../../../shared/model/host';
import { ErrorState, LoadingState } from '../../ui/States';
import { useAddSource, useConnectSource, useRemoveSource, useSources } from './queries';
import { SUDO } from './DiscoveryStep';
import { useP2vWizard } from './store';

/** Step 1: pick (or add) the machine to copy, and connect to it over SSH. */
export function SourceStep() {
  const { t } = useTranslation('p2v');
  const sources = useSources();
  const { sourceId, pickSource, go } = useP2vWizard();
  const connect = useConnectSource();
  const remove = useRemoveSource();
  const selected = sources.data?.find((s) => s.config.id === sourceId);
  if (sources.isLoading) return <LoadingState label={t('source.loading')} />;
  if (sources.error) return <ErrorState title={t('source.loadError')} error={sources.error} onRetry={() => void sources.refetch()} />;
  return (
    <div className="p2v-step" data-testid="p2v-step-source">
      <p className="page-sub">
        <Trans t={t} i18nKey="source.intro" values={{ cmd: SUDO }} components={{ c: <code /> }} />
      </p>
      {sources.data?.length ? (
        <table className="table" data-testid="p2v-sources">
          <thead>
            <tr>
              <th />
              <th>{t('source.col.name')}</th>
              <th>{t('source.col.address')}</th>
              <th>{t('source.col.state')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sources.data.map((s) => (
              <SourceRow key={s.config.id} s={s} selected={s.config.id === sourceId} onPick={() => pickSource(s.config.id)} onRemove={() => remove.mutate(s.config.id)} />
            ))}
          </tbody>
        </table>
      ) : (
        <div className="empty-state" data-testid="p2v-no-sources">
          <h2>{t('source.none')}</h2>
          <p>{t('source.noneHint')}</p>
        </div>
      )}
      <AddSourceForm onAdded={(id) => pickSource(id)} />
      {connect.error ? <div className="banner bad" role="alert">{connect.error.message}</div> : null}
      {selected?.state.status === 'unreachable' && selected.state.reason ? (
        <div className="banner bad" role="alert" data-testid="p2v-source-error">
          {selected.config.name}: {selected.state.reason}
        </div>
      ) : null}
      <div className="p2v-nav">
        <button
          type="button"
          className="primary"
          disabled={!selected || connect.isPending}
          data-testid="p2v-source-next"
          onClick={async () => {
            if (!selected) return;
            if (selected.state.status !== 'connected') {
              const s = await connect.mutateAsync(selected.config.id).catch(() => undefined);
              if (s?.status !== 'connected') return;
            }
            go('discovery');
          }}
        >
          {connect.isPending ? t('source.connecting') : selected?.state.status === 'connected' ? t('source.discover') : t('source.connectDiscover')}
        </button>
      </div>
    </div>
  );
}

function SourceRow({ s, selected, onPick, onRemove }: { s: Host; selected: boolean; onPick(): void; onRemove(): void }) {
  const { t } = useTranslation(['p2v', 'hosts']);
  const target = s.config.target;
  return (
    <tr className={selected ? 'selected' : ''} data-testid={`p2v-source-${s.config.id}`}>
      <td>
        <input type="radio" name="p2v-source" checked={selected} onChange={onPick} aria-label={t('source.pick', { name: s.config.name })} />
      </td>
      <td>{s.config.name}</td>
      <td>{target.transport === 'ssh' ? `${target.user}@${target.hostname}${target.port !== 22 ? `:${target.port}` : ''}` : '—'}</td>
      <td>
        <span className={`badge state-${s.state.status}`}>{t(`hosts:status.${s.state.status}`)}</span>
      </td>
      <td>
        <button type="button" className="ghost" onClick={onRemove} aria-label={t('source.removeLabel', { name: s.config.name })}>
          {t('source.remove')}
        </button>
      </td>
    </tr>
  );
}

function AddSourceForm({ onAdded }: { onAdded(id: string): void }) {
  const { t } = useTranslation('p2v');
  const add = useAddSource();
  const [hostname, setHostname] = useState('');
  const [user, setUser] = useState('root');
  const [port, setPort] = useState('22');
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  return (
    <form
      className="p2v-add-source"
      data-testid="p2v-add-source"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate(
          {
            name: name.trim() || hostname.trim(),
            target: { transport: 'ssh', hostname: hostname.trim(), user: user.trim() || 'root', port: Number(port) || 22, identityFiles: key.trim() ? [key.trim()] : [] },
          },
          { onSuccess: (h) => onAdded(h.config.id) },
        );
      }}
    >
      <h3>{t('source.addTitle')}</h3>
      <div className="p2v-grid">
        <label>
          {t('source.address')}
          <input value={hostname} onChange={(e) => setHostname(e.target.value)} placeholder="db01.example.org" required data-testid="p2v-source-hostname" spellCheck={false} />
        </label>
        <label>
          {t('source.port')}
          <input value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" data-testid="p2v-source-port" />
        </label>
        <label>
          {t('source.user')}
          <input value={user} onChange={(e) => setUser(e.target.value)} data-testid="p2v-source-user" spellCheck={false} />
        </label>
        <label>
          {t('source.keyFile')}
          <input value={key} onChange={(e) => setKey(e.target.value)} placeholder="~/.ssh/id_ed25519" data-testid="p2v-source-key" spellCheck={false} />
        </label>
        <label>
          {t('source.nameOpt')}
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="p2v-source-name" />
        </label>
      </div>
      {add.error ? <div className="field-error" role="alert">{add.error.message}</div> : null}
      <button type="submit" disabled={!hostname.trim() || add.isPending} data-testid="p2v-source-add">
        {add.isPending ? t('source.adding') : t('source.add')}
      </button>
      <p className="field-hint">{t('source.hostKeyHint')}</p>
    </form>
  );
}
