import { z } from 'zod';
import { calls, isCallName, type CallArgs, type CallName, type CallOutput } from '../../shared/ipc/contract';
import { AppFailure, err, ok, type AppError, type Result } from '../../shared/ipc/result';
import type { DisposableStore } from '../util/disposable';
import type { Logger } from '../util/log';

/** Who is calling: one renderer window or one WebSocket. */
export interface CallContext {
  connectionId: string;
  /** Disposed when that window/socket goes away: subscriptions live here. */
  disposables: DisposableStore;
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
  constructor(
    private readonly handlers: Handlers,
    private readonly log: Logger,
  ) {}

  async dispatch(name: unknown, rawInput: unknown, ctx: CallContext): Promise<Result<unknown>> {
    if (!isCallName(name)) {
      return err({ code: 'UNKNOWN_CALL', message: `Unknown call ${JSON.stringify(String(name)).slice(0, 80)}` });
    }
    const spec = calls[name];
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return err({ code: 'VALIDATION', message: `${name}: ${zodMessage(parsed.error)}`, detail: parsed.error.issues });
    }
    const started = performance.now();
    try {
      const handler = this.handlers[name] as Handler<CallName>;
      const value = await handler(parsed.data as never, ctx);
      const out = spec.output.safeParse(value);
      if (!out.success) {
        this.log.error(`output of ${name} broke the contract: ${zodMessage(out.error)}`);
        return err({ code: 'INTERNAL', message: `${name} produced an invalid answer` });
      }
      this.log.debug(`${name} ok in ${(performance.now() - started).toFixed(1)} ms`);
      return ok(out.data);
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
