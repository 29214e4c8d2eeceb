import type { Dispose } from '../util/disposable';
import type { ConnectError } from './errors';
import type { PromptReply, PromptRequest } from './prompts';
import type { HopTimings } from './ssh/dial';
import type { HostTransport } from './transport';

/** A live connection as the state machine sees it, whatever carries it. */
export interface Link {
  readonly transport: HostTransport;
  /** Fires once if the connection goes away by itself (not after close()). */
  onClose(cb: (reason: ConnectError) => void): Dispose;
  close(): void;
  /** Per hop, for the log and the connect-time measurements. */
  readonly timings?: readonly HopTimings[];
}

export interface OpenContext {
  signal: AbortSignal;
  /** Raises a prompt on behalf of this host (the connection shows 'needs-auth' meanwhile). */
  ask(req: PromptRequest): Promise<PromptReply>;
  /** Answers kept across attempts of one connect cycle (see AuthFlow). */
  carry: Map<string, string>;
}

export type Opener = (ctx: OpenContext) => Promise<Link>;
