import { say } from '../../shared/i18n/core-text';
import { AppFailure } from '../../shared/ipc/result';
import { MigrationRequestSchema } from '../../shared/model/migration';
import type { DomainDetails, DomainSummary } from '../../shared/model/domain';
import type { Host } from '../../shared/model/host';
import type { PlannedMove } from '../../shared/model/placement';
import type { TaskRef } from '../../shared/model/task';
import { planEvacuation, type EvacuationOverride, type EvacuationVm } from '../../shared/placement/score';
import type { PlacementService } from '../placement/service';
import type { TaskContext, TaskManager } from '../tasks/manager';
import type { Logger } from '../util/log';
import type { MigrationOutcome, MigrationService } from './task';

// Evacuating a host: every VM off it, placed by the same advice the create
// wizard uses (least used, app tags spread, admin overrides), shown as a plan
// first, then run as a parent task with a child per VM, one or N at a time.
// The host goes into maintenance first so no advice sends anything back.

export interface EvacuationDeps {
  tasks: TaskManager;
  migration: MigrationService;
  placement: PlacementService;
  hosts: { get(hostId: string): Host; setMaintenance(hostId: string, on: boolean): Promise<Host> };
  domains: { list(hostId: string): Promise<DomainSummary[]>; get(hostId: string, uuid: string): Promise<DomainDetails> };
  log: Logger;
}

/** Preflights run for a plan at once (each runs a few small commands on both hosts). */
const PLAN_PREFLIGHTS_AT_ONCE = 4;

export class EvacuationService {
  constructor(private readonly deps: EvacuationDeps) {}

  async plan(hostId: string, overrides: Readonly<Record<string, EvacuationOverride>> = {}): Promise<{ hostId: string; moves: PlannedMove[] }> {
    const { placement, domains } = this.deps;
    const list = await domains.list(hostId);
    const vms: EvacuationVm[] = await mapLimit(list, PLAN_PREFLIGHTS_AT_ONCE, async (d) => {
      const det = await domains.get(hostId, d.uuid);
      return {
        uuid: d.uuid,
        name: d.name,
        state: d.state,
        vcpus: det.vcpu.current,
        memoryKiB: det.memory.currentKiB,
        tags: d.tags,
        networks: [...new Set(det.nics.filter((n) => n.type === 'network' && n.source).map((n) => n.source!))],
        // Storage is checked per target by the preflight below (shared or not depends on the pair).
        poolPaths: [],
        diskBytes: 0,
      };
    });
    const moves = planEvacuation(hostId, vms, await placement.candidates(), placement.settings(), overrides);
    // Each planned move gets its real preflight, so the plan shows what would fail before anything runs.
    await mapLimit(moves, PLAN_PREFLIGHTS_AT_ONCE, async (m) => {
      if (!m.targetHostId) return;
      try {
        const r = await this.deps.migration.preflight(MigrationRequestSchema.parse({ hostId, uuid: m.uuid, targetHostId: m.targetHostId }));
        m.preflight = {
          ok: r.ok,
          mode: r.mode,
          route: r.route,
          failed: r.checks.filter((c) => c.verdict === 'fail').map((c) => `${c.label}: ${c.message}`),
          warnings: r.checks.filter((c) => c.verdict === 'warn').map((c) => `${c.label}: ${c.message}`),
        };
      } catch (e) {
        m.preflight = { ok: false, mode: '-', route: '-', failed: [e instanceof Error ? e.message : String(e)], warnings: [] };
      }
    });
    return { hostId, moves };
  }

  /** Maintenance on, then a child task per VM; the parent fails (after all ran) if any VM stayed. */
  async start(hostId: string, moves: readonly { uuid: string; targetHostId: string }[], parallel: number): Promise<TaskRef> {
    const host = this.deps.hosts.get(hostId);
    if (moves.some((m) => m.targetHostId === hostId)) throw new AppFailure('VALIDATION', 'a VM cannot be evacuated onto its own host', { hostId });
    const names = new Map((await this.deps.domains.list(hostId)).map((d) => [d.uuid, d.name]));
    const unknown = moves.filter((m) => !names.has(m.uuid));
    if (unknown.length) throw new AppFailure('NOT_FOUND', `not on ${host.config.name}: ${unknown.map((m) => m.uuid).join(', ')}`, { hostId });
    await this.deps.hosts.setMaintenance(hostId, true);
    return this.deps.tasks.start(
      {
        kind: 'host.evacuate',
        title: say('title.evacuate', { host: host.config.name, count: moves.length }),
        hostId,
        target: { kind: 'host', hostId, id: hostId, name: host.config.name },
      },
      (ctx) => this.run(ctx, hostId, moves, names, parallel),
    );
  }

  private async run(ctx: TaskContext, hostId: string, moves: readonly { uuid: string; targetHostId: string }[], names: Map<string, string>, parallel: number) {
    ctx.log(`${hostId} is in maintenance: placement will not pick it`);
    ctx.phase(say('phase.evacuating', { count: moves.length, parallel }));
    let done = 0;
    ctx.progress({ unit: 'steps', done, total: moves.length });
    const move = async (m: { uuid: string; targetHostId: string }, again: boolean): Promise<MoveResult> => {
      const name = names.get(m.uuid) ?? m.uuid;
      try {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const req = MigrationRequestSchema.parse({ hostId, uuid: m.uuid, targetHostId: m.targetHostId });
        const outcome = await ctx.child(
          { kind: 'domain.migrate', title: say(again ? 'title.evacuateMoveAgain' : 'title.evacuateMove', { name, to: m.targetHostId }), hostId, target: { kind: 'domain', hostId, id: m.uuid, name } },
          (c) => this.deps.migration.run(c, req),
        );
        ctx.log(`${name}: moved to ${m.targetHostId} (${outcome.mode})`);
        return { name, ok: true, outcome };
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        const code = e instanceof AppFailure ? e.error.code : undefined;
        ctx.log(`${name}: not moved: ${error}`, again ? 'error' : 'warn');
        return { name, ok: false, error, retry: code !== 'CANCELLED' && !ctx.signal.aborted };
      }
    };
    const results = await mapLimit(moves, parallel, async (m) => {
      const r = await move(m, false);
      ctx.progress({ unit: 'steps', done: ++done, total: moves.length });
      return r;
    });
    // Parallel moves compete for the link, the target's ports and its CPU; a move
    // that failed (its source still runs it: a failed move never loses the VM)
    // gets one more try, alone, once the others are done. Its preflight runs again.
    const again = moves.flatMap((m, i) => (results[i]!.retry ? [i] : []));
    if (again.length) ctx.log(`Trying ${again.length} failed move${again.length > 1 ? 's' : ''} again, one at a time`);
    for (const i of again) results[i] = await move(moves[i]!, true);
    const failed = results.filter((r) => !r.ok);
    ctx.throwIfCancelled();
    if (failed.length) {
      throw new AppFailure('CONFLICT', `${results.length - failed.length} of ${results.length} VMs moved; still on ${hostId}: ${failed.map((f) => `${f.name} (${f.error})`).join('; ')}`, { hostId });
    }
    return { moved: results.length, hostId };
  }
}

interface MoveResult {
  name: string;
  ok: boolean;
  outcome?: MigrationOutcome;
  error?: string;
  /** Failed for a reason another try may not meet (not a cancel). */
  retry?: boolean;
}

/** Runs `fn` over `items` with at most `limit` at once; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
