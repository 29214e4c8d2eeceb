import { useState } from 'react';
import type { z } from 'zod';
import type { AddressPlanSchema, NetworkDetails, Reservation } from '../../../shared/model/network';
import { useUi } from '../../app/ui-store';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { useNow } from '../../ui/useNow';
import { AttachVmDialog } from './AttachVmDialog';
import { expiryText, formatDateTime, formatNumber } from '../../i18n/format';
import { stateLabel } from '../../i18n';
import { useTranslation } from 'react-i18next';
import { useRemoveReservation } from './mutations';
import { useLeases } from './queries';
import { ReservationDialog } from './ReservationDialog';

type Plan = z.infer<typeof AddressPlanSchema>;

/** One bar for the subnet: gateway, reserved, leased, free in the pool, free outside it. */
export function AddressPlanView({ plan }: { plan: Plan }) {
  const { t } = useTranslation('networks');
  const leased = plan.dhcp?.leased ?? 0;
  const reserved = (plan.dhcp?.reserved ?? 0) + plan.outside.reserved;
  const poolFree = plan.dhcp?.free ?? 0;
  const outsideFree = plan.outside.free;
  const total = Math.max(1, plan.usable);
  const seg = (n: number) => `${Math.max(n > 0 ? 0.6 : 0, (n / total) * 100)}%`;
  return (
    <section className="section" aria-labelledby={`plan-${plan.cidr}`} data-testid="network-plan">
      <h2 id={`plan-${plan.cidr}`}>{t('plan.title', { cidr: plan.cidr })}</h2>
      <div className="net-bar" role="img" aria-label={t('plan.bar', { reserved: formatNumber(reserved), leased: formatNumber(leased), poolFree: formatNumber(poolFree), outsideFree: formatNumber(outsideFree), usable: formatNumber(plan.usable) })}>
        {plan.gateway && <span className="seg gw" style={{ width: seg(1) }} />}
        <span className="seg reserved" style={{ width: seg(reserved) }} />
        <span className="seg leased" style={{ width: seg(leased) }} />
        <span className="seg pool" style={{ width: seg(poolFree) }} />
        <span className="seg static" style={{ width: seg(outsideFree) }} />
      </div>
      <ul className="net-legend">
        {plan.gateway && (
          <li>
            <span className="sw gw" /> {t('plan.host', { ip: plan.gateway })}
          </li>
        )}
        <li>
          <span className="sw reserved" /> {t('plan.reserved', { n: formatNumber(reserved) })}
        </li>
        <li>
          <span className="sw leased" /> {t('plan.leased', { n: formatNumber(leased) })}
        </li>
        {plan.dhcp && (
          <li>
            <span className="sw pool" /> {t('plan.poolFree', { n: formatNumber(poolFree) })}
          </li>
        )}
        <li>
          <span className="sw static" /> {t('plan.outsideFree', { n: formatNumber(outsideFree) })}
        </li>
      </ul>
      {plan.freeBlocks.length > 0 && (
        <details className="net-blocks">
          <summary>{plan.suggestion ? t('plan.freeBlocksNext', { ip: plan.suggestion }) : t('plan.freeBlocks')}</summary>
          <table className="table" aria-label={t('plan.freeIn', { cidr: plan.cidr })}>
            <thead>
              <tr>
                <th scope="col">{t('plan.col.from')}</th>
                <th scope="col">{t('plan.col.to')}</th>
                <th scope="col">{t('plan.col.addresses')}</th>
                <th scope="col">{t('plan.col.where')}</th>
              </tr>
            </thead>
            <tbody>
              {plan.freeBlocks.map((b) => (
                <tr key={b.start}>
                  <td className="mono">{b.start}</td>
                  <td className="mono">{b.end}</td>
                  <td>{formatNumber(b.count)}</td>
                  <td>{b.inDhcpRange ? t('plan.inRange') : t('plan.outRange')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {plan.moreBlocks > 0 && <p className="muted small">{t('plan.moreBlocks', { n: formatNumber(plan.moreBlocks) })}</p>}
        </details>
      )}
    </section>
  );
}

function ReservationState({ r }: { r: Reservation }) {
  const { t } = useTranslation('networks');
  if (r.leased) return <span className="ok-text">{t('res.leased')}</span>;
  if (r.leaseMac && r.leaseMac !== r.mac) return <span className="error-text">{t('res.leasedTo', { mac: r.leaseMac })}</span>;
  return <span className="muted">{t('res.notYet')}</span>;
}

export function ReservationsSection({ net }: { net: NetworkDetails }) {
  const { t } = useTranslation('networks');
  const [dialog, setDialog] = useState<null | { editing?: Reservation }>(null);
  const [removing, setRemoving] = useState<Reservation | null>(null);
  const remove = useRemoveReservation(net.hostId, net.name);
  const select = useUi((s) => s.select);
  return (
    <>
      <section className="section" aria-labelledby="net-res-h" data-testid="network-reservations">
        <div className="section-head">
          <h2 id="net-res-h">{t('res.title')}</h2>
          <button type="button" className="ghost small-btn" onClick={() => setDialog({})} data-testid="reservation-add">
            {t('res.add')}
          </button>
        </div>
        {net.reservations.length === 0 ? (
          <p className="muted">{t('res.none')}</p>
        ) : (
          <table className="table" aria-label={t('res.title')}>
            <thead>
              <tr>
                <th scope="col">{t('res.col.mac')}</th>
                <th scope="col">{t('res.col.ip')}</th>
                <th scope="col">{t('res.col.hostname')}</th>
                <th scope="col">{t('res.col.vm')}</th>
                <th scope="col">{t('res.col.status')}</th>
                <th scope="col" aria-label={t('col.actions')} />
              </tr>
            </thead>
            <tbody>
              {net.reservations.map((r) => (
                <tr key={`${r.mac}|${r.ip}|${r.name}`} data-testid={`reservation-row-${r.mac ?? r.name}`}>
                  <td className="mono">{r.mac ?? '—'}</td>
                  <td className="mono">{r.ip ?? '—'}</td>
                  <td>{r.name ?? <span className="muted">—</span>}</td>
                  <td>
                    {r.vm ? (
                      <button type="button" className="link" onClick={() => select({ kind: 'domain', hostId: net.hostId, uuid: r.vm!.uuid })}>
                        {r.vm.name}
                      </button>
                    ) : (
                      <span className="muted">{t('res.noVm')}</span>
                    )}
                  </td>
                  <td>
                    <ReservationState r={r} />
                  </td>
                  <td className="net-actions">
                    {r.mac && (
                      <>
                        <button type="button" className="ghost small-btn" onClick={() => setDialog({ editing: r })}>
                          {t('res.edit')}
                        </button>
                        <button type="button" className="ghost small-btn danger-text" onClick={() => setRemoving(r)} data-testid={`reservation-remove-${r.mac}`}>
                          {t('res.remove')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {dialog && <ReservationDialog net={net} editing={dialog.editing?.mac ? { mac: dialog.editing.mac, ip: dialog.editing.ip, name: dialog.editing.name } : undefined} onClose={() => setDialog(null)} />}
      {removing && (
        <ConfirmDialog
          title={t('res.removeTitle', { mac: removing.mac })}
          confirmLabel={t('res.remove')}
          danger
          busy={remove.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() => remove.mutate(removing.mac!, { onSettled: () => setRemoving(null) })}
        >
          <p>
            {t('res.removeBody', { ip: removing.ip, who: removing.vm ? removing.vm.name : removing.mac })}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

export function LeasesSection({ net }: { net: NetworkDetails }) {
  const { t } = useTranslation('networks');
  const hasDhcp = net.ips.some((i) => i.dhcpRanges.length || i.hosts.length);
  const q = useLeases(net.hostId, net.name, net.active && hasDhcp);
  const now = useNow(!!q.data?.length, 30_000);
  const select = useUi((s) => s.select);
  let body;
  if (!hasDhcp) body = <p className="muted">{t('leases.noDhcp')}</p>;
  else if (!net.active) body = <p className="muted">{t('leases.stopped')}</p>;
  else if (q.isPending) body = <LoadingState label={t('leases.reading')} />;
  else if (q.error) body = <ErrorState title={t('leases.error')} error={q.error} onRetry={() => void q.refetch()} compact />;
  else if (!q.data.length)
    body = (
      <EmptyState title={t('leases.none')} compact>
        {t('leases.noneHint')}
      </EmptyState>
    );
  else
    body = (
      <table className="table" aria-label={t('leases.title')} data-testid="network-leases">
        <thead>
          <tr>
            <th scope="col">{t('res.col.ip')}</th>
            <th scope="col">{t('res.col.mac')}</th>
            <th scope="col">{t('res.col.hostname')}</th>
            <th scope="col">{t('res.col.vm')}</th>
            <th scope="col">{t('leases.expires')}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.map((l) => (
            <tr key={`${l.ip}|${l.mac}`} data-testid={`lease-row-${l.ip}`}>
              <td className="mono">
                {l.ip}/{l.prefix}
              </td>
              <td className="mono">{l.mac ?? '—'}</td>
              <td>{l.hostname ?? <span className="muted">—</span>}</td>
              <td>
                {l.vm ? (
                  <button type="button" className="link" onClick={() => select({ kind: 'domain', hostId: net.hostId, uuid: l.vm!.uuid })}>
                    {l.vm.name}
                  </button>
                ) : (
                  <span className="muted">{t('leases.notVm')}</span>
                )}
              </td>
              <td title={l.expiresAt ? formatDateTime(l.expiresAt) : undefined}>{expiryText(l.expiresAt, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return (
    <section className="section" aria-labelledby="net-leases-h">
      <h2 id="net-leases-h">{t('leases.title')}</h2>
      {body}
    </section>
  );
}

export function UsersSection({ net }: { net: NetworkDetails }) {
  const { t } = useTranslation('networks');
  const [attaching, setAttaching] = useState(false);
  const select = useUi((s) => s.select);
  return (
    <>
      <section className="section" aria-labelledby="net-users-h" data-testid="network-users">
        <div className="section-head">
          <h2 id="net-users-h">{t('users.title')}</h2>
          <button type="button" className="ghost small-btn" onClick={() => setAttaching(true)} data-testid="network-attach-open">
            {t('users.attach')}
          </button>
        </div>
        {net.users.length === 0 ? (
          <p className="muted">{t('users.none')}</p>
        ) : (
          <table className="table" aria-label={t('users.label')}>
            <thead>
              <tr>
                <th scope="col">{t('res.col.vm')}</th>
                <th scope="col">{t('col.state')}</th>
                <th scope="col">{t('res.col.mac')}</th>
                <th scope="col">{t('users.model')}</th>
                <th scope="col">{t('users.applies')}</th>
              </tr>
            </thead>
            <tbody>
              {net.users.map((u) => (
                <tr key={`${u.uuid}|${u.mac}|${u.live}`} data-testid={`network-user-${u.vm}`}>
                  <td>
                    <button type="button" className="link" onClick={() => select({ kind: 'domain', hostId: net.hostId, uuid: u.uuid })}>
                      {u.vm}
                    </button>
                  </td>
                  <td>
                    <span className={`dot ${u.state}`} aria-hidden /> {stateLabel(u.state)}
                  </td>
                  <td className="mono">{u.mac ?? '—'}</td>
                  <td>{u.model ?? <span className="muted">{t('users.defaultModel')}</span>}</td>
                  <td>{u.live ? t('users.now') : u.state === 'running' ? t('users.nextStart') : t('users.whenStarted')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {attaching && <AttachVmDialog hostId={net.hostId} source={{ type: 'network', network: net.name }} onClose={() => setAttaching(false)} />}
    </>
  );
}
