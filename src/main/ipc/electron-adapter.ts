import { BRIDGE_EVENT, BRIDGE_INVOKE } from '../../shared/ipc/api';
import { err } from '../../shared/ipc/result';
import type { EventBus } from './bus';
import { ClientSession } from './connection';
import type { HandlerRegistry } from './registry';
import type { Logger } from '../util/log';

// The slice of Electron this adapter needs, as structural types: the adapter is
// unit-tested without the Electron binary (which can't be installed here).
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}
export interface InvokeEventLike {
  sender: WebContentsLike;
  senderFrame: { url: string } | null;
}
export interface WebContentsLike {
  id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): void;
}

/**
 * Contract over Electron IPC. Only frames loaded from our own app origin may
 * call; every window gets its own ClientSession, disposed with the window.
 */
export class ElectronAdapter {
  private readonly sessions = new Map<number, ClientSession>();

  constructor(
    private readonly ipcMain: IpcMainLike,
    private readonly registry: HandlerRegistry,
    private readonly bus: EventBus,
    private readonly isTrustedUrl: (url: string) => boolean,
    private readonly log: Logger,
  ) {
    ipcMain.handle(BRIDGE_INVOKE, (event, name, input) => this.onInvoke(event, name, input));
  }

  private async onInvoke(event: InvokeEventLike, name: unknown, input: unknown) {
    const url = event.senderFrame?.url ?? '';
    if (!this.isTrustedUrl(url)) {
      this.log.warn(`refused IPC ${String(name)} from untrusted frame ${url}`);
      return err({ code: 'UNAUTHORIZED', message: 'IPC from an untrusted frame' });
    }
    return this.sessionFor(event.sender).invoke(name, input);
  }

  private sessionFor(wc: WebContentsLike): ClientSession {
    let s = this.sessions.get(wc.id);
    if (!s) {
      const session = new ClientSession(this.registry, this.bus, (msg) => {
        if (!wc.isDestroyed()) wc.send(BRIDGE_EVENT, msg.name, msg.payload);
      });
      this.sessions.set(wc.id, session);
      wc.once('destroyed', () => {
        session.dispose();
        this.sessions.delete(wc.id);
      });
      s = session;
    }
    return s;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  dispose(): void {
    this.ipcMain.removeHandler(BRIDGE_INVOKE);
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
  }
}
