import { useState } from 'react';
import type { z } from 'zod';
import type { AddressPlanSchema, NetworkDetails, Reservation } from '../../../shared/model/network';
import { useUi } from '../../app/ui-store';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { useNow } from '../../ui/useNow';
import { AttachVmDialog } from './AttachVmDialog';
import { expiryText } from '../../i18n/format';
import { useRemoveReservation } from './mutations';
import { useLeases } from './queries';
import { ReservationDialog } from './ReservationDialog';

type Plan = z.infer<typeof AddressPlanSchema>;

/** One bar for the subnet: gateway, reserved, leased, free in the pool, free outside it. */
export function AddressPlanView({ plan }: { plan: Plan }) {
  const leased = plan.dhcp?.leased ?? 0;
  const reserved = (plan.dhcp?.reserved ?? 0) + plan.outside.reserved;
  const poolFree = plan.dhcp?.free ?? 0;
  const outsideFree = plan.outside.free;
  const total = Math.max(1, plan.usable);
  const seg = (n: number) => `${Math.max(n > 0 ? 0.6 : 0, (n / total) * 100)}%`;
  return (
    <section className="section" aria-labelledby={`plan-${plan.cidr}`} data-testid="network-plan">
      <h2 id={`plan-${plan.cidr}`}>Addresses in {plan.cidr}</h2>
      <div className="net-bar" role="img" aria-label={`${reserved} reserved, ${leased} leased, ${poolFree} free in the DHCP range, ${outsideFree} free outside it, of ${plan.usable}`}>
        {plan.gateway && <span className="seg gw" style={{ width: seg(1) }} />}
        <span className="seg reserved" style={{ width: seg(reserved) }} />
        <span className="seg leased" style={{ width: seg(leased) }} />
        <span className="seg pool" style={{ width: seg(poolFree) }} />
        <span className="seg static" style={{ width: seg(outsideFree) }} />
      </div>
      <ul className="net-legend">
        {plan.gateway && (
          <li>
            <span className="sw gw" /> host {plan.gateway}
          </li>
        )}
        <li>
          <span className="sw reserved" /> {reserved} reserved
        </li>
        <li>
          <span className="sw leased" /> {leased} leased
        </li>
        {plan.dhcp && (
          <li>
            <span className="sw pool" /> {poolFree.toLocaleString()} free in the DHCP range
          </li>
        )}
        <li>
          <span className="sw static" /> {outsideFree.toLocaleString()} free outside it (for reservations and static guests)
        </li>
      </ul>
      {plan.freeBlocks.length > 0 && (
        <details className="net-blocks">
          <summary>Free blocks{plan.suggestion ? ` — next free: ${plan.suggestion}` : ''}</summary>
          <table className="table" aria-label={`Free addresses in ${plan.cidr}`}>
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Addresses</th>
                <th scope="col">Where</th>
              </tr>
            </thead>
            <tbody>
              {plan.freeBlocks.map((b) => (
                <tr key={b.start}>
                  <td className="mono">{b.start}</td>
                  <td className="mono">{b.end}</td>
                  <td>{b.count.toLocaleString()}</td>
                  <td>{b.inDhcpRange ? 'DHCP range (handed out on demand)' : 'outside the DHCP range'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {plan.moreBlocks > 0 && <p className="muted small">…and {plan.moreBlocks} more blocks.</p>}
        </details>
      )}
    </section>
  );
}

function reservationState(r: Reservation) {
  if (r.leased) return <span className="ok-text">leased</span>;
  if (r.leaseMac && r.leaseMac !== r.mac) return <span className="error-text">address leased to {r.leaseMac}</span>;
  return <span className="muted">not requested yet</span>;
}

export function ReservationsSection({ net }: { net: NetworkDetails }) {
  const [dialog, setDialog] = useState<null | { editing?: Reservation }>(null);
  const [removing, setRemoving] = useState<Reservation | null>(null);
  const remove = useRemoveReservation(net.hostId, net.name);
  const select = useUi((s) => s.select);
  return (
    <>
      <section className="section" aria-labelledby="net-res-h" data-testid="network-reservations">
        <div className="section-head">
          <h2 id="net-res-h">Static reservations</h2>
          <button type="button" className="ghost small-btn" onClick={() => setDialog({})} data-testid="reservation-add">
            Add reservation…
          </button>
        </div>
        {net.reservations.length === 0 ? (
          <p className="muted">No reservations: every guest gets the next free address of the DHCP range.</p>
        ) : (
          <table className="table" aria-label="Static reservations">
            <thead>
              <tr>
                <th scope="col">MAC</th>
                <th scope="col">IP address</th>
                <th scope="col">Host name</th>
                <th scope="col">VM</th>
                <th scope="col">Status</th>
                <th scope="col" aria-label="Actions" />
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
                      <span className="muted">no VM on this host</span>
                    )}
                  </td>
                  <td>{reservationState(r)}</td>
                  <td className="net-actions">
                    {r.mac && (
                      <>
                        <button type="button" className="ghost small-btn" onClick={() => setDialog({ editing: r })}>
                          Edit…
                        </button>
                        <button type="button" className="ghost small-btn danger-text" onClick={() => setRemoving(r)} data-testid={`reservation-remove-${r.mac}`}>
                          Remove
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
          title={`Remove the reservation of ${removing.mac}?`}
          confirmLabel="Remove"
          danger
          busy={remove.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() => remove.mutate(removing.mac!, { onSettled: () => setRemoving(null) })}
        >
          <p>
            {removing.ip} is no longer kept for {removing.vm ? removing.vm.name : removing.mac}. A guest holding it keeps it until its lease ends.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

export function LeasesSection({ net }: { net: NetworkDetails }) {
  const hasDhcp = net.ips.some((i) => i.dhcpRanges.length || i.hosts.length);
  const q = useLeases(net.hostId, net.name, net.active && hasDhcp);
  const now = useNow(!!q.data?.length, 30_000);
  const select = useUi((s) => s.select);
  let body;
  if (!hasDhcp) body = <p className="muted">This network hands out no addresses.</p>;
  else if (!net.active) body = <p className="muted">The network is stopped: no leases.</p>;
  else if (q.isPending) body = <LoadingState label="Reading leases…" />;
  else if (q.error) body = <ErrorState title="Could not read the leases" error={q.error} onRetry={() => void q.refetch()} compact />;
  else if (!q.data.length) body = <EmptyState title="No leases yet" compact>Guests appear here as soon as they ask for an address.</EmptyState>;
  else
    body = (
      <table className="table" aria-label="DHCP leases" data-testid="network-leases">
        <thead>
          <tr>
            <th scope="col">IP address</th>
            <th scope="col">MAC</th>
            <th scope="col">Host name</th>
            <th scope="col">VM</th>
            <th scope="col">Expires</th>
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
                  <span className="muted">not a VM here</span>
                )}
              </td>
              <td title={l.expiresAt ? new Date(l.expiresAt).toLocaleString() : undefined}>{expiryText(l.expiresAt, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return (
    <section className="section" aria-labelledby="net-leases-h">
      <h2 id="net-leases-h">DHCP leases</h2>
      {body}
    </section>
  );
}

export function UsersSection({ net }: { net: NetworkDetails }) {
  const [attaching, setAttaching] = useState(false);
  const select = useUi((s) => s.select);
  return (
    <>
      <section className="section" aria-labelledby="net-users-h" data-testid="network-users">
        <div className="section-head">
          <h2 id="net-users-h">Virtual machines on this network</h2>
          <button type="button" className="ghost small-btn" onClick={() => setAttaching(true)} data-testid="network-attach-open">
            Attach a VM…
          </button>
        </div>
        {net.users.length === 0 ? (
          <p className="muted">No VM has a network interface here.</p>
        ) : (
          <table className="table" aria-label="VMs on this network">
            <thead>
              <tr>
                <th scope="col">VM</th>
                <th scope="col">State</th>
                <th scope="col">MAC</th>
                <th scope="col">Model</th>
                <th scope="col">Applies</th>
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
                    <span className={`dot ${u.state}`} aria-hidden /> {u.state}
                  </td>
                  <td className="mono">{u.mac ?? '—'}</td>
                  <td>{u.model ?? <span className="muted">default</span>}</td>
                  <td>{u.live ? 'now' : u.state === 'running' ? 'at next start' : 'when started'}</td>
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
