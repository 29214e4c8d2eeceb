import { randomUUID } from 'node:crypto';
import type { EventBus, BusMessage } from './bus';
import type { HandlerRegistry, CallContext } from './registry';
import { DisposableStore } from '../util/disposable';

/**
 * One client of the contract (a renderer window or a WebSocket): owns its
 * subscriptions and forwards bus events meant for it. Both transport adapters
 * use this so their lifetimes behave the same.
 */
export class ClientSession {
  readonly id = randomUUID();
  readonly disposables = new DisposableStore();
  private readonly ctx: CallContext;

  constructor(
    private readonly registry: HandlerRegistry,
    bus: EventBus,
    send: (msg: BusMessage) => void,
  ) {
    this.ctx = { connectionId: this.id, disposables: this.disposables };
    this.disposables.add(
      bus.subscribe((msg) => {
        if (msg.to === undefined || msg.to === this.id) send(msg);
      }),
    );
  }

  invoke(name: unknown, input: unknown) {
    return this.registry.dispatch(name, input, this.ctx);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
