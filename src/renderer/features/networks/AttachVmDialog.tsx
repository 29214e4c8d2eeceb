import { useState } from 'react';
import type { NicSource } from '../../../shared/model/network';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { ErrorState, LoadingState } from '../../ui/States';
import { useSetNicSource } from './mutations';
import { useVmNics } from './queries';
import { Trans, useTranslation } from 'react-i18next';
import { enumLabel, i18n, stateLabel } from '../../i18n';

const plugged = (n: { type: string; source?: string }) => {
  const type = enumLabel('nicType', n.type) ?? n.type;
  return n.source ? i18n.t('networks:attach.plugged', { type, source: n.source }) : type;
};

/** Plugs one VM NIC into a network or a host bridge (domains.setNetwork). */
export function AttachVmDialog({ hostId, source, onClose }: { hostId: string; source: NicSource; onClose(): void }) {
  const { t } = useTranslation(['networks', 'common']);
  const nics = useVmNics(hostId);
  const set = useSetNicSource(hostId);
  const [pick, setPick] = useState('');
  // Kept from the moment of the call: once plugged in, the NIC leaves the list of choices.
  const [sent, setSent] = useState<{ vm: string; mac: string }>();
  const targetName = source.type === 'network' ? source.network : source.bridge;
  const here = (n: { type: string; source?: string }) => (source.type === 'network' ? n.type === 'network' && n.source === source.network : n.type === 'bridge' && n.source === source.bridge);
  const choices = (nics.data ?? []).filter((n) => n.mac && !here(n));
  const chosen = choices.find((n) => `${n.uuid}|${n.mac}` === pick);
  const result = set.data;

  return (
    <Modal
      title={source.type === 'network' ? t('attach.titleNetwork', { name: targetName }) : t('attach.titleBridge', { name: targetName })}
      onClose={onClose}
      busy={set.isPending}
      testId="network-attach-dialog"
      footer={
        <>
          <button type="button" className="ghost" onClick={onClose} disabled={set.isPending}>
            {result ? t('common:close') : t('common:cancel')}
          </button>
          {!result && (
            <button type="button" disabled={!chosen || set.isPending} onClick={() => {
                if (!chosen) return;
                setSent({ vm: chosen.vm, mac: chosen.mac! });
                set.mutate({ uuid: chosen.uuid, mac: chosen.mac!, source });
              }} data-testid="network-attach-submit">
              {set.isPending && <Spinner />}
              {t('attach.submit')}
            </button>
          )}
        </>
      }
    >
      {nics.isPending && <LoadingState label={t('attach.reading')} />}
      {nics.error && <ErrorState title={t('attach.error')} error={nics.error} compact />}
      {nics.data && !result && (
        <div className="field">
          <label htmlFor="network-attach-nic">{t('attach.nic')}</label>
          <select id="network-attach-nic" value={pick} onChange={(e) => setPick(e.target.value)} data-testid="network-attach-nic">
            <option value="">{t('attach.choose')}</option>
            {choices.map((n) => (
              <option key={`${n.uuid}|${n.mac}|${n.live}`} value={`${n.uuid}|${n.mac}`}>
                {t('attach.option', { vm: n.vm, mac: n.mac, where: plugged(n), state: stateLabel(n.state) })}
              </option>
            ))}
          </select>
          <div className="field-hint">{t('attach.hint')}</div>
        </div>
      )}
      {set.error && (
        <div className="banner bad" role="alert">
          <strong>{t('attach.notAttached')}</strong> {set.error.message}
        </div>
      )}
      {result && sent && (
        <div className="banner" role="status" data-testid="network-attach-result">
          <Trans
            t={t}
            i18nKey={`attach.${source.type === 'network' ? 'network' : 'bridge'}.${result.live ? 'live' : result.saved ? 'saved' : 'transient'}`}
            values={{ vm: sent.vm, mac: sent.mac, name: targetName }}
            components={{ b: <strong /> }}
          />
        </div>
      )}
    </Modal>
  );
}
