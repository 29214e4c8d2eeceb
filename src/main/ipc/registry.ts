import { z } from 'zod';
import { calls, isCallName, type CallArgs, type CallName, type CallOutput } from '../../shared/ipc/contract';
import { AppFailure, err, ok, type AppError, type Result } from '../../shared/ipc/result';
import { currentCaller, type AccessGate, type CallerAccess } from '../auth/gate';
import type { DisposableStore } from '../util/disposable';
import type { Logger } from '../util/log';

/** Who is behind a connection, for the audit log and access checks. */
export interface Principal {
  /** OS user (desktop), account name (serve with accounts). */
  user: string;
  /** How they came in: 'desktop', 'serve-token', 'serve-account'. */
  via: string;
}

/** Who is calling: one renderer window or one WebSocket. */
export interface CallContext {
  connectionId: string;
  /** Disposed when that window/socket goes away: subscriptions live here. */
  disposables: DisposableStore;
  /** Set by the transport when it knows better than the registry's default. */
  principal?: Principal;
  /** Role, scope and what this window was shown (serve accounts); absent: the registry's default subject. */
  access?: CallerAccess;
}

/** Access control around every call: authorize before the handler runs, filter its answer after. */
export type CallGate = Pick<AccessGate, 'authorize' | 'filter'>;

export interface ObservedCall {
  name: CallName;
  input: unknown;
  principal: Principal;
}

/**
 * Sees every call of the contract (audit log). `begin` runs before the
 * handler (e.g. to note a VM's name before a delete removes it) and its
 * return value comes back to `end`. Neither may throw.
 */
export interface CallObserver {
  begin?(call: ObservedCall): unknown;
  end(call: ObservedCall & { result: Result<unknown>; ms: number }, begun: unknown): void;
}

export type Handler<K extends CallName> = (args: CallArgs<K>, ctx: CallContext) => Promise<CallOutput<K>> | CallOutput<K>;
export type Handlers = { [K in CallName]: Handler<K> };
export type PartialHandlers = { [K in CallName]?: Handler<K> };

const zodMessage = (e: z.ZodError): string =>
  e.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ');

/**
 * The single dispatch point for both transports: parse input by the contract,
 * call one handler, wrap the answer in a Result. Outputs are parsed too, so a
 * service can never leak a field the contract doesn't promise.
 */
export class HandlerRegistry {
  private readonly observers: CallObserver[] = [];

  constructor(
    private readonly handlers: Handlers,
    private readonly log: Logger,
    /** Who calls when the transport doesn't say (the desktop app's OS user, serve's token holder). */
    private readonly defaultPrincipal: Principal = { user: 'unknown', via: 'unknown' },
    /** The access policy (src/main/auth); without one every call is allowed (tests of the registry itself). */
    private readonly gate?: CallGate,
  ) {}

  /** Adds an observer of finished calls; returns its disposer. */
  observe(o: CallObserver): () => void {
    this.observers.push(o);
    return () => {
      const i = this.observers.indexOf(o);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  async dispatch(name: unknown, rawInput: unknown, ctx: CallContext): Promise<Result<unknown>> {
    if (!isCallName(name)) {
      return err({ code: 'UNKNOWN_CALL', message: `Unknown call ${JSON.stringify(String(name)).slice(0, 80)}` });
    }
    const started = performance.now();
    const call: ObservedCall = { name, input: rawInput, principal: ctx.principal ?? this.defaultPrincipal };
    const begun = this.observers.map((o) => this.guard(name, () => o.begin?.(call)));
    const result = await this.run(name, rawInput, ctx);
    const ms = performance.now() - started;
    this.observers.forEach((o, i) => this.guard(name, () => o.end({ ...call, result, ms }, begun[i])));
    return result;
  }

  private guard<T>(name: string, f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      this.log.error(`call observer failed on ${name}: ${String(e)}`);
      return undefined;
    }
  }

  private async run(name: CallName, rawInput: unknown, ctx: CallContext): Promise<Result<unknown>> {
    const spec = calls[name];
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return err({ code: 'VALIDATION', message: `${name}: ${zodMessage(parsed.error)}`, detail: parsed.error.issues });
    }
    const started = performance.now();
    try {
      // Checked after parsing (the policy sees the input the handler would) and before anything runs.
      const refused = await this.gate?.authorize(name, parsed.data, ctx.access);
      if (refused) return err(refused);
      const handler = this.handlers[name] as Handler<CallName>;
      const caller = { user: (ctx.principal ?? this.defaultPrincipal).user, access: ctx.access };
      const value = await currentCaller.run(caller, () => handler(parsed.data as never, ctx));
      const out = spec.output.safeParse(value);
      if (!out.success) {
        this.log.error(`output of ${name} broke the contract: ${zodMessage(out.error)}`);
        return err({ code: 'INTERNAL', message: `${name} produced an invalid answer` });
      }
      this.log.debug(`${name} ok in ${(performance.now() - started).toFixed(1)} ms`);
      return ok(this.gate ? await this.gate.filter(name, out.data, ctx.access) : out.data);
    } catch (e) {
      return err(toAppError(e, name, this.log));
    }
  }
}

export function toAppError(e: unknown, name: string, log: Logger): AppError {
  if (e instanceof AppFailure) return e.error;
  if (e instanceof z.ZodError) return { code: 'VALIDATION', message: zodMessage(e) };
  const message = e instanceof Error ? e.message : String(e);
  log.error(`${name} failed: ${e instanceof Error && e.stack ? e.stack : message}`);
  return { code: 'INTERNAL', message };
}
