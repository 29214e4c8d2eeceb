import { isReadOnlyCall } from '../../shared/ipc/audit-policy';
import { auditCsv } from '../../shared/audit/export';
import { AppFailure } from '../../shared/ipc/result';
import type { AuditFilter } from '../../shared/model/audit';
import type { CallObserver } from '../ipc/registry';
import type { Logger } from '../util/log';
import { AuditLog } from './log';
import { redactArgs, targetOf } from './redact';

const EXPORT_MAX_CHARS = 3.5 * 1024 * 1024; // under the contract's 4 MiB frame

/** Looks up a VM's name by uuid, quickly, or gives up (the record then names the uuid). */
export type NameResolver = (hostId: string, uuid: string) => Promise<string | undefined>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Records every mutating call (and refused attempts) in the hash-chained audit log. */
export class AuditService {
  readonly log: AuditLog;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    configDir: string,
    logger: Logger,
    private readonly resolveName?: NameResolver,
  ) {
    this.log = new AuditLog(configDir, logger);
  }

  readonly observer: CallObserver = {
    // Names are looked up before the call runs: a delete would leave nothing to ask afterwards.
    begin: ({ name, input }) => {
      if (isReadOnlyCall(name) || !this.resolveName) return undefined;
      const a = (input ?? {}) as { hostId?: unknown; uuid?: unknown; uuids?: unknown };
      const uuid = typeof a.uuid === 'string' ? a.uuid : Array.isArray(a.uuids) && a.uuids.length === 1 ? a.uuids[0] : undefined;
      if (typeof a.hostId !== 'string' || typeof uuid !== 'string' || !UUID.test(uuid)) return undefined;
      return { t: Date.now(), name: this.resolveName(a.hostId, uuid).catch(() => undefined) };
    },
    end: ({ name, input, principal, result, ms }, begun) => {
      // Reads are not recorded, unless the access policy refused them: someone tried to look where they may not.
      if (isReadOnlyCall(name) && (result.ok || result.error.code !== 'FORBIDDEN')) return;
      const b = begun as { t: number; name: Promise<string | undefined> } | undefined;
      const t = b?.t ?? Date.now() - Math.round(ms);
      const p = (async () => {
        const vmName = b ? await b.name : undefined;
        await this.record({ name, input, principal, result, ms, t, ...(vmName ? { vmName } : {}) });
      })();
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    },
  };

  private record({ name, input, principal, result, ms, t, vmName }: Parameters<CallObserver['end']>[0] & { t: number; vmName?: string }) {
    const hostId = input && typeof input === 'object' && typeof (input as { hostId?: unknown }).hostId === 'string' ? (input as { hostId: string }).hostId : undefined;
    const id = targetOf(input);
    const target = vmName && id ? `${vmName} (${id})` : id;
    return this.log.append({
      t,
      user: principal.user,
      via: principal.via,
      call: name,
      ...(hostId ? { hostId } : {}),
      ...(target ? { target } : {}),
      args: redactArgs(input ?? {}),
      result: result.ok ? 'ok' : 'error',
      ...(result.ok ? {} : { error: { code: result.error.code, message: result.error.message.slice(0, 500) } }),
      durationMs: Math.round(ms * 10) / 10,
    });
  }

  /** A sign-in to serve (not a contract call, so the registry's observer never sees it). */
  recordLogin(e: { name: string; address: string; ok: boolean; reason?: string }): void {
    const p = this.log.append({
      t: Date.now(),
      user: e.name,
      via: 'serve-account',
      call: 'session.login',
      args: { address: e.address },
      result: e.ok ? 'ok' : 'error',
      ...(e.ok ? {} : { error: { code: 'AUTH_FAILED' as const, message: e.reason ?? 'refused' } }),
      durationMs: 0,
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves once every call seen so far is written. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
    await this.log.flush();
  }

  async list(filter: AuditFilter) {
    await this.flush();
    return this.log.list(filter);
  }

  async verify() {
    await this.flush();
    return this.log.verify();
  }

  async export(format: 'csv' | 'json', filter: AuditFilter) {
    await this.flush();
    const records = (await this.log.list({ limit: 20_000, ...filter })).reverse(); // oldest first in files
    const content = format === 'csv' ? auditCsv(records) : JSON.stringify(records, null, 1);
    if (content.length > EXPORT_MAX_CHARS) {
      throw new AppFailure('VALIDATION', `The export holds ${records.length} records (${(content.length / 1048576).toFixed(1)} MiB): narrow it with a time range or filter`);
    }
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    return { filename: `virtdeck-audit-${stamp}.${format}`, mime: format === 'csv' ? 'text/csv' : 'application/json', content, records: records.length };
  }

  async dispose(): Promise<void> {
    await this.flush();
    await this.log.dispose();
  }
}
