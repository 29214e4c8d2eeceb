import { taskPhase } from '../../i18n';
import { useEffect, useId, useState, type ReactNode } from 'react';
import { NetworkNameSchema, type CreatableMode } from '../../../shared/model/network';
import { checkIpConfig } from '../../../shared/net/ip-config';
import { describeOccupant } from '../../../shared/net/subnets';
import { defaultDhcpRange, defaultGateway } from '../../../shared/net/plan';
import { ApiError } from '../../app/api';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { DialogForm } from './DialogForm';
import { useTaskSummary } from '../tasks/queries';
import { modeHint, modeLabel } from './format';
import { useCreateNetwork } from './mutations';
import { useHostInterfaces, useNetworks, useSubnetCheck } from './queries';
import { useDebounced } from '../../ui/useDebounced';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n/format';

function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <div className={`field ${error ? 'invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <div className="field-error" id={`${id}-err`} role="alert" data-testid={`${id}-error`}>
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint">{hint}</div>
      ) : null}
    </div>
  );
}

/** Waits this long after the last keystroke before asking the host about a subnet. */
const CHECK_DEBOUNCE_MS = 300;

const MODES: CreatableMode[] = ['nat', 'route', 'isolated'];

export function CreateNetworkDialog({ hostId, onClose, onCreated }: { hostId: string; onClose(): void; onCreated(name: string): void }) {
  const { t } = useTranslation(['networks', 'common']);
  const uid = useId();
  const id = (f: string) => `net-create-${f}`;
  const networks = useNetworks(hostId);
  const ifaces = useHostInterfaces(hostId);
  const create = useCreateNetwork();
  const [name, setName] = useState('');
  const [mode, setMode] = useState<CreatableMode>('nat');
  const [cidr, setCidr] = useState('');
  const [cidrTouched, setCidrTouched] = useState(false);
  const [gateway, setGateway] = useState('');
  const [dhcpOn, setDhcpOn] = useState(true);
  const [range, setRange] = useState<{ start?: string; end?: string }>({});
  const [forwardDev, setForwardDev] = useState('');
  const [domainName, setDomainName] = useState('');
  const [autostart, setAutostart] = useState(true);
  const [startNow, setStartNow] = useState(true);
  const [submitted, setSubmitted] = useState(false);
  const [taskId, setTaskId] = useState<string>();
  const task = useTaskSummary(taskId);

  const checkedCidr = useDebounced(cidr.trim(), CHECK_DEBOUNCE_MS);
  const check = useSubnetCheck(hostId, checkedCidr.includes('/') ? checkedCidr : '');
  // Offer the first free subnet until the admin types their own.
  useEffect(() => {
    if (!cidrTouched && !cidr && check.data?.suggestion) setCidr(check.data.suggestion);
  }, [check.data?.suggestion, cidr, cidrTouched]);

  const autoRange = defaultDhcpRange(cidr.trim(), gateway.trim() || defaultGateway(cidr.trim()));
  const dhcp = dhcpOn ? { start: range.start ?? autoRange?.start ?? '', end: range.end ?? autoRange?.end ?? '' } : null;
  const ip = checkIpConfig({ cidr: cidr.trim(), gateway: gateway.trim() || undefined, dhcp }, 4);
  const nameCheck = NetworkNameSchema.safeParse(name);
  const nameTaken = networks.data?.some((n) => n.name === name.trim());
  const serverCheck = check.data && ip.config && check.data.cidr === ip.config.cidr ? check.data : undefined;
  const errors = {
    name: !nameCheck.success ? nameCheck.error.issues[0]?.message : nameTaken ? t('create.nameTaken', { name: name.trim() }) : undefined,
    cidr: ip.errors.cidr ?? (serverCheck && !serverCheck.ok ? serverCheck.reason : check.error ? t('create.checkFailed', { message: check.error.message }) : undefined),
    gateway: ip.errors.gateway,
    dhcpStart: ip.errors.dhcpStart,
    dhcpEnd: ip.errors.dhcpEnd,
  };
  const show = (f: keyof typeof errors) => (submitted || (f === 'cidr' ? cidrTouched || !!serverCheck || !!check.error : f !== 'name' || name !== '') ? errors[f] : undefined);
  const valid = Object.values(errors).every((e) => !e) && !!serverCheck;
  const running = !!taskId && (!task || task.state === 'running');

  useEffect(() => {
    if (task?.state === 'succeeded') {
      onCreated(name.trim());
      onClose();
    }
  }, [task?.state, name, onClose, onCreated]);

  const submit = () => {
    setSubmitted(true);
    if (!valid || !ip.config) return;
    create.mutate(
      {
        hostId,
        name: name.trim(),
        mode,
        ipv4: { cidr: ip.config.cidr, gateway: ip.config.gateway, dhcp: ip.config.dhcp },
        ...(mode !== 'isolated' && forwardDev ? { forwardDev } : {}),
        ...(domainName.trim() ? { domainName: domainName.trim() } : {}),
        autostart,
        start: startNow,
      },
      { onSuccess: (ref) => setTaskId(ref.taskId) },
    );
  };

  const uplinks = (ifaces.data?.interfaces ?? []).filter((i) => ['ethernet', 'bond', 'vlan', 'bridge', 'veth'].includes(i.kind) && !i.network && !i.master);
  const serverError = create.error instanceof ApiError ? create.error : undefined;
  const failedTask = task && task.state !== 'running' && task.state !== 'succeeded' ? task : undefined;

  return (
    <Modal
      title={t('create.title')}
      onClose={onClose}
      size="large"
      busy={create.isPending || running}
      testId="network-create-dialog"
      footer={
        <>
          {running && task && (
            <span className="foot-note net-task" role="status" data-testid="network-create-progress">
              <Spinner /> {taskPhase(task)}
              {task.progress?.total ? ` (${task.progress.done}/${task.progress.total})` : ''}
            </span>
          )}
          <button type="button" className="ghost" onClick={onClose} disabled={create.isPending || running}>
            {t('common:cancel')}
          </button>
          <button type="button" onClick={submit} disabled={create.isPending || running || (submitted && !valid)} data-testid="network-create-submit">
            {(create.isPending || running) && <Spinner />}
            {t('create.submit')}
          </button>
        </>
      }
    >
      <DialogForm onSubmit={submit} describedBy={`${uid}-intro`}>
        <p id={`${uid}-intro`} className="muted small">
          {t('create.intro')}
        </p>
        {serverError && (
          <div className="banner bad" role="alert" data-testid="network-create-error">
            <strong>{t('create.notCreated')}</strong> {serverError.message}
          </div>
        )}
        {failedTask && (
          <div className="banner bad" role="alert" data-testid="network-create-error">
            <strong>{failedTask.state === 'cancelled' ? t('create.cancelled') : t('create.failed')}</strong> {failedTask.error?.message}
            {failedTask.cleanup.length > 0 && (
              <ul className="net-cleanup">
                {failedTask.cleanup.map((l) => (
                  <li key={l}>{l}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div className="form-grid">
          <Field id={id('name')} label={t('col.name')} error={show('name')}>
            <input id={id('name')} value={name} onChange={(e) => setName(e.target.value)} data-testid={id('name')} data-autofocus spellCheck={false} autoComplete="off" />
          </Field>
          <fieldset className="net-modes">
            <legend>{t('col.type')}</legend>
            {MODES.map((m) => (
              <label key={m} className="check-row">
                <input type="radio" name={`${uid}-mode`} checked={mode === m} onChange={() => setMode(m)} data-testid={id(`mode-${m}`)} />
                {modeLabel(m)}
              </label>
            ))}
            <div className="field-hint">{modeHint(mode)}</div>
          </fieldset>
          <Field
            id={id('cidr')}
            label={t('col.subnet')}
            error={show('cidr')}
            hint={
              check.isFetching ? (
                <>
                  <Spinner /> {t('create.checking')}
                </>
              ) : serverCheck?.ok ? (
                <span className="ok-text" data-testid={id('cidr-ok')}>
                  {check.data?.warnings.length ? t('create.freeWarn', { warnings: check.data.warnings.join(' ') }) : t('create.free')}
                </span>
              ) : (
                t('create.example')
              )
            }
          >
            <input
              id={id('cidr')}
              value={cidr}
              onChange={(e) => {
                setCidr(e.target.value);
                setCidrTouched(true);
              }}
              data-testid={id('cidr')}
              spellCheck={false}
              autoComplete="off"
            />
          </Field>
          <Field id={id('gateway')} label={t('create.gateway')} error={show('gateway')} hint={t('create.gatewayHint')}>
            <input id={id('gateway')} value={gateway} placeholder={defaultGateway(cidr.trim()) ?? ''} onChange={(e) => setGateway(e.target.value)} data-testid={id('gateway')} spellCheck={false} />
          </Field>
          <div className="field wide">
            <label className="check-row">
              <input type="checkbox" checked={dhcpOn} onChange={(e) => setDhcpOn(e.target.checked)} data-testid={id('dhcp')} />
              {t('create.dhcp')}
            </label>
          </div>
          {dhcpOn && (
            <>
              <Field id={id('dhcp-start')} label={t('create.dhcpStart')} error={show('dhcpStart')} hint={t('create.dhcpStartHint')}>
                <input id={id('dhcp-start')} value={dhcp?.start ?? ''} onChange={(e) => setRange((r) => ({ ...r, start: e.target.value }))} data-testid={id('dhcp-start')} spellCheck={false} />
              </Field>
              <Field id={id('dhcp-end')} label={t('create.dhcpEnd')} error={show('dhcpEnd')}>
                <input id={id('dhcp-end')} value={dhcp?.end ?? ''} onChange={(e) => setRange((r) => ({ ...r, end: e.target.value }))} data-testid={id('dhcp-end')} spellCheck={false} />
              </Field>
            </>
          )}
          {mode !== 'isolated' && (
            <Field id={id('dev')} label={t('create.dev')} hint={mode === 'nat' ? t('create.devHintNat') : t('create.devHintRoute')}>
              <select id={id('dev')} value={forwardDev} onChange={(e) => setForwardDev(e.target.value)} data-testid={id('dev')}>
                <option value="">{t('create.anyIface')}</option>
                {uplinks.map((i) => (
                  <option key={i.name} value={i.name}>
                    {i.name}
                    {i.addresses[0] ? ` (${i.addresses[0]})` : ''}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field id={id('domain')} label={t('create.domain')} hint={t('create.domainHint')}>
            <input id={id('domain')} value={domainName} placeholder="lab.internal" onChange={(e) => setDomainName(e.target.value)} spellCheck={false} />
          </Field>
          <div className="field wide net-checks">
            <label className="check-row">
              <input type="checkbox" checked={startNow} onChange={(e) => setStartNow(e.target.checked)} data-testid={id('start')} />
              {t('create.startNow')}
            </label>
            <label className="check-row">
              <input type="checkbox" checked={autostart} onChange={(e) => setAutostart(e.target.checked)} data-testid={id('autostart')} />
              {t('create.withHost')}
            </label>
          </div>
        </div>
        {check.data && check.data.occupied.length > 0 && (
          <details className="net-occupied" data-testid="network-occupied">
            <summary>{t('create.occupied', { n: formatNumber(check.data.occupied.length) })}</summary>
            <ul>
              {check.data.occupied.map((o) => (
                <li key={`${o.kind}|${o.name}|${o.cidr}`}>{describeOccupant(o)}</li>
              ))}
            </ul>
          </details>
        )}
      </DialogForm>
    </Modal>
  );
}
