import { useMemo, useState } from 'react';
import { DhcpHostnameSchema, MacSchema, type NetworkDetails } from '../../../shared/model/network';
import { contains, cidrOf, parseIp } from '../../../shared/net/ip';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { DialogForm } from './DialogForm';
import { hostnameFromVm } from './format';
import { useSaveReservation } from './mutations';
import { useVmNics } from './queries';
import { useTranslation } from 'react-i18next';

interface Props {
  net: NetworkDetails;
  /** Editing an existing reservation (its MAC is fixed). */
  editing?: { mac: string; ip?: string; name?: string };
  onClose(): void;
}

/** Static DHCP reservation: pick a VM NIC (or type a MAC), an address and a host name. */
export function ReservationDialog({ net, editing, onClose }: Props) {
  const { t } = useTranslation(['networks', 'common']);
  const nics = useVmNics(net.hostId);
  const save = useSaveReservation(net.hostId, net.name);
  const plan = net.plans.find((p) => p.family === 4) ?? net.plans[0];
  const [mac, setMac] = useState(editing?.mac ?? '');
  const [ip, setIp] = useState(editing?.ip ?? plan?.suggestion ?? '');
  const [hostname, setHostname] = useState(editing?.name ?? '');
  const [submitted, setSubmitted] = useState(false);
  const reserved = useMemo(() => new Set(net.reservations.map((r) => r.mac)), [net.reservations]);
  const options = (nics.data ?? []).filter((n) => n.mac && !reserved.has(n.mac));

  const macCheck = MacSchema.safeParse(mac);
  const nameCheck = DhcpHostnameSchema.safeParse(hostname);
  const parsed = parseIp(ip);
  const inSubnet = parsed && net.ips.some((b) => {
    const gw = parseIp(b.address);
    return !!gw && contains(cidrOf(gw, b.prefix), parsed);
  });
  const errors = {
    mac: macCheck.success ? undefined : macCheck.error.issues[0]?.message,
    ip: !parsed ? t('res.enterIp') : !inSubnet ? t('res.mustBeInside', { cidrs: net.ips.map((b) => b.cidr).join(t('res.orSep')) }) : undefined,
    hostname: nameCheck.success ? undefined : nameCheck.error.issues[0]?.message,
  };
  const valid = !errors.mac && !errors.ip && !errors.hostname;
  const show = (f: keyof typeof errors) => (submitted ? errors[f] : undefined);

  const submit = () => {
    setSubmitted(true);
    if (!valid || !macCheck.success) return;
    save.mutate({ mode: editing ? 'update' : 'add', mac: macCheck.data, ip: ip.trim(), hostname: hostname.trim() || undefined }, { onSuccess: onClose });
  };

  return (
    <Modal
      title={editing ? t('res.editTitle', { mac: editing.mac }) : t('res.addTitle', { name: net.name })}
      onClose={onClose}
      busy={save.isPending}
      testId="reservation-dialog"
      footer={
        <>
          <button type="button" className="ghost" onClick={onClose} disabled={save.isPending}>
            {t('common:cancel')}
          </button>
          <button type="button" onClick={submit} disabled={save.isPending} data-testid="reservation-submit">
            {save.isPending && <Spinner />}
            {editing ? t('res.save') : t('res.reserve')}
          </button>
        </>
      }
    >
      <DialogForm onSubmit={submit}>
        {save.error && (
          <div className="banner bad" role="alert" data-testid="reservation-error">
            <strong>{t('res.notSaved')}</strong> {save.error.message}
          </div>
        )}
        {!editing && (
          <div className="field">
            <label htmlFor="reservation-vm">{t('res.vm')}</label>
            <select
              id="reservation-vm"
              value=""
              onChange={(e) => {
                const n = options.find((o) => `${o.uuid}|${o.mac}` === e.target.value);
                if (!n) return;
                setMac(n.mac!);
                if (!hostname) setHostname(hostnameFromVm(n.vm));
              }}
              data-testid="reservation-vm"
            >
              <option value="">{nics.isPending ? t('res.readingVms') : t('res.fillFrom')}</option>
              {options.map((n) => (
                <option key={`${n.uuid}|${n.mac}|${n.live}`} value={`${n.uuid}|${n.mac}`}>
                  {n.source ? t('res.nicOn', { vm: n.vm, mac: n.mac, source: n.source }) : `${n.vm} — ${n.mac}`}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="form-grid">
          <div className={`field ${show('mac') ? 'invalid' : ''}`}>
            <label htmlFor="reservation-mac">{t('res.mac')}</label>
            <input id="reservation-mac" value={mac} onChange={(e) => setMac(e.target.value)} readOnly={!!editing} data-testid="reservation-mac" spellCheck={false} placeholder="52:54:00:12:34:56" />
            {show('mac') && <div className="field-error">{show('mac')}</div>}
          </div>
          <div className={`field ${show('ip') ? 'invalid' : ''}`}>
            <label htmlFor="reservation-ip">{t('res.ip')}</label>
            <input id="reservation-ip" value={ip} onChange={(e) => setIp(e.target.value)} data-testid="reservation-ip" spellCheck={false} data-autofocus={editing ? true : undefined} />
            {show('ip') ? <div className="field-error">{show('ip')}</div> : plan?.suggestion && <div className="field-hint">{t('res.firstFree', { ip: plan.suggestion })}</div>}
          </div>
          <div className={`field wide ${show('hostname') ? 'invalid' : ''}`}>
            <label htmlFor="reservation-hostname">{t('res.hostname')}</label>
            <input id="reservation-hostname" value={hostname} onChange={(e) => setHostname(e.target.value)} data-testid="reservation-hostname" spellCheck={false} />
            {show('hostname') ? <div className="field-error">{show('hostname')}</div> : <div className="field-hint">{t('res.hostnameHint')}</div>}
          </div>
        </div>
        <p className="muted small">{t('res.applies')}</p>
      </DialogForm>
    </Modal>
  );
}
