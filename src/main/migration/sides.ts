import { domainStateName } from '../../shared/libvirt/domain-xml';
import { P } from '../libvirt/rpc/procedures/index';
import type { LibvirtSessions } from '../libvirt/sessions';

// After a migration stopped (cancel, error, a dropped connection): where is
// the VM now? Each side is asked on its own; a side we lost is said to be
// unknown, with what libvirt does there when its controlling connection goes.

export interface Sides {
  lines: string[];
  summary: string;
  sourceRunning: boolean;
}

async function sideState(sessions: LibvirtSessions, hostId: string, uuid: string): Promise<{ line: string; state?: string }> {
  if (!sessions.has(hostId)) {
    return { line: `${hostId}: no connection, state unknown (libvirt there cleans up an unfinished migration when its controlling connection closes)` };
  }
  const c = sessions.client(hostId);
  try {
    const dom = await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid }, { timeoutMs: 10_000 });
    const st = await c.call(P.DOMAIN_GET_STATE, { dom, flags: 0 }, { timeoutMs: 10_000 });
    const state = domainStateName(st.state);
    return { line: `${hostId}: the VM is ${state}`, state };
  } catch (e) {
    if (/no domain/i.test(String(e))) return { line: `${hostId}: no copy of the VM` };
    return { line: `${hostId}: could not ask (${e instanceof Error ? e.message : String(e)})` };
  }
}

export async function describeSides(deps: { sessions: LibvirtSessions }, sourceId: string, targetId: string, uuid: string): Promise<Sides> {
  const [s, t] = await Promise.all([sideState(deps.sessions, sourceId, uuid), sideState(deps.sessions, targetId, uuid)]);
  const lines = [`Source ${s.line}`, `Target ${t.line}`];
  return { lines, summary: lines.join('; '), sourceRunning: s.state === 'running' };
}
