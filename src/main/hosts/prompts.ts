import { randomUUID } from 'node:crypto';
import type { Prompt, PromptAnswer } from '../../shared/model/host';
import type { Dispose } from '../util/disposable';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type PromptRequest = DistributiveOmit<Prompt, 'id'>;

export interface PromptReply {
  accept: boolean;
  answers: string[];
  /** Why a prompt ended without the user accepting it. */
  outcome: 'answered' | 'timeout' | 'cancelled';
  /** The user ticked "Remember" (password and passphrase prompts). */
  remember?: boolean;
}

export type PromptEvent = { type: 'requested'; prompt: Prompt } | { type: 'resolved'; promptId: string; hostId: string };

interface Pending {
  prompt: Prompt;
  finish: (reply: PromptReply) => void;
}

export const PROMPT_TIMEOUT_MS = 5 * 60_000;

/**
 * Routes questions from connection attempts (host key, password, 2FA) to
 * whichever window answers first. Every prompt is bounded: it ends by answer,
 * cancel, timeout, or its caller's AbortSignal, and always emits 'resolved'.
 */
export class PromptBroker {
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<(e: PromptEvent) => void>();

  constructor(private readonly timeoutMs: number = PROMPT_TIMEOUT_MS) {}

  ask(request: PromptRequest, signal?: AbortSignal): Promise<PromptReply> {
    const prompt = { ...request, id: randomUUID() } as Prompt;
    if (signal?.aborted) return Promise.resolve({ accept: false, answers: [], outcome: 'cancelled' });
    return new Promise<PromptReply>((resolve) => {
      const onAbort = () => finish({ accept: false, answers: [], outcome: 'cancelled' });
      const timer = setTimeout(() => finish({ accept: false, answers: [], outcome: 'timeout' }), this.timeoutMs);
      const finish = (reply: PromptReply) => {
        if (!this.pending.delete(prompt.id)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(reply);
        this.emit({ type: 'resolved', promptId: prompt.id, hostId: prompt.hostId });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(prompt.id, { prompt, finish });
      this.emit({ type: 'requested', prompt });
    });
  }

  /** Returns false when no such prompt is waiting (already answered elsewhere, or timed out). */
  answer(a: PromptAnswer): boolean {
    const p = this.pending.get(a.promptId);
    if (!p) return false;
    p.finish({ accept: a.accept, answers: a.accept ? (a.answers ?? []) : [], outcome: a.accept ? 'answered' : 'cancelled', ...(a.accept && a.remember ? { remember: true } : {}) });
    return true;
  }

  list(hostId?: string): Prompt[] {
    return [...this.pending.values()].map((p) => p.prompt).filter((p) => hostId === undefined || p.hostId === hostId);
  }

  cancelHost(hostId: string): void {
    for (const p of [...this.pending.values()]) {
      if (p.prompt.hostId === hostId) p.finish({ accept: false, answers: [], outcome: 'cancelled' });
    }
  }

  onEvent(listener: (e: PromptEvent) => void): Dispose {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  dispose(): void {
    for (const p of [...this.pending.values()]) p.finish({ accept: false, answers: [], outcome: 'cancelled' });
    this.listeners.clear();
  }

  private emit(e: PromptEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // a listener's failure must not strand the prompt
      }
    }
  }
}
