import { randomUUID } from 'node:crypto';
import { err, type AppError, type Result } from '../../shared/ipc/result';
import type { CallerAccess } from '../auth/gate';
import type { EventBus, BusMessage } from './bus';
import type { HandlerRegistry, CallContext, Principal } from './registry';
import { DisposableStore } from '../util/disposable';

export interface SessionLimits {
  /**
   * Calls one client may have waiting for an answer. Past it, calls are
   * refused at once (BUSY): one page (or script) looping on calls to an
   * unreachable host cannot pile up unbounded work and memory in the core.
   */
  maxCallsInFlight?: number;
}

export const DEFAULT_MAX_CALLS_IN_FLIGHT = 256;

/** Who is behind a window, when the transport knows (serve accounts); absent: the registry's default. */
export interface ClientIdentity {
  principal: Principal;
  access: CallerAccess;
  /** Runs before each call: null when the sign-in is still good (and marks it used), else why not. */
  admit?: () => AppError | null;
  /** The payload of an event as this window may see it; null drops it. */
  eventFilter?: (name: string, payload: unknown) => unknown;
}

/**
 * One client of the contract (a renderer window or a WebSocket): owns its
 * subscriptions and forwards bus events meant for it. Both transport adapters
 * use this so their lifetimes and limits behave the same.
 */
export class ClientSession {
  readonly id = randomUUID();
  readonly disposables = new DisposableStore();
  private readonly ctx: CallContext;
  private inFlight = 0;
  private readonly maxInFlight: number;

  constructor(
    private readonly registry: HandlerRegistry,
    bus: EventBus,
    send: (msg: BusMessage) => void,
    limits: SessionLimits = {},
    private readonly identity?: ClientIdentity,
  ) {
    this.ctx = { connectionId: this.id, disposables: this.disposables, ...(identity ? { principal: identity.principal, access: identity.access } : {}) };
    this.maxInFlight = limits.maxCallsInFlight ?? DEFAULT_MAX_CALLS_IN_FLIGHT;
    const filter = identity?.eventFilter;
    this.disposables.add(
      bus.subscribe((msg) => {
        if (msg.to !== undefined && msg.to !== this.id) return;
        if (!filter) return send(msg);
        // Events go only where the window's role and scope reach (docs/access.md).
        const payload = filter(msg.name, msg.payload);
        if (payload !== null) send(payload === msg.payload ? msg : { ...msg, payload });
      }),
    );
  }

  get callsInFlight(): number {
    return this.inFlight;
  }

  async invoke(name: unknown, input: unknown): Promise<Result<unknown>> {
    if (this.inFlight >= this.maxInFlight) {
      return err({ code: 'BUSY', message: `${this.maxInFlight} calls from this window are still waiting for an answer; try again when some have finished` });
    }
    const refused = this.identity?.admit?.();
    if (refused) return err(refused);
    this.inFlight++;
    try {
      return await this.registry.dispatch(name, input, this.ctx);
    } finally {
      this.inFlight--;
    }
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
