import { randomUUID } from 'node:crypto';
import { err, type Result } from '../../shared/ipc/result';
import type { EventBus, BusMessage } from './bus';
import type { HandlerRegistry, CallContext } from './registry';
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
  ) {
    this.ctx = { connectionId: this.id, disposables: this.disposables };
    this.maxInFlight = limits.maxCallsInFlight ?? DEFAULT_MAX_CALLS_IN_FLIGHT;
    this.disposables.add(
      bus.subscribe((msg) => {
        if (msg.to === undefined || msg.to === this.id) send(msg);
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
