import type { Result } from './result';
import type { CallInput, CallName, CallOutput, EventName, EventPayload } from './contract';

export type Dispose = () => void;

/**
 * What the renderer sees of the core, whatever carries it (Electron preload or
 * the serve-mode WebSocket). Deliberately two functions: nothing else crosses.
 */
export interface RawBridge {
  invoke(name: string, input: unknown): Promise<Result<unknown>>;
  on(listener: (event: string, payload: unknown) => void): Dispose;
}

export interface TypedApi {
  call<K extends CallName>(name: K, input: CallInput<K>): Promise<Result<CallOutput<K>>>;
  on<K extends EventName>(name: K, cb: (payload: EventPayload<K>) => void): Dispose;
}

/** Bridge-level names: the only two channel names (the rest is data). */
export const BRIDGE_INVOKE = 'virtdeck:invoke';
export const BRIDGE_EVENT = 'virtdeck:event';
