import { create } from 'zustand';
import type { DomainState, LifecycleAction } from '../../../shared/model/domain';

// Lifecycle calls in flight, per VM (`hostId/uuid`). We never flip the state
// optimistically: the core pushes `domain.changed` and the row follows it. A
// row is busy while its entry exists and the VM is still in `from`, so the
// spinner stops by itself when the pushed state arrives.
export interface PendingOp {
  action: LifecycleAction;
  from: DomainState;
  /** Bumped per call so an old timer can't clear a newer op. */
  seq: number;
}

interface PendingState {
  ops: Record<string, PendingOp>;
  begin(keys: Array<{ key: string; from: DomainState }>, action: LifecycleAction): number;
  end(keys: readonly string[], seq: number): void;
}

let seq = 0;

export const usePending = create<PendingState>((set) => ({
  ops: {},
  begin: (keys, action) => {
    const s = ++seq;
    set((st) => {
      const ops = { ...st.ops };
      for (const { key, from } of keys) ops[key] = { action, from, seq: s };
      return { ops };
    });
    return s;
  },
  end: (keys, s) =>
    set((st) => {
      const ops = { ...st.ops };
      let changed = false;
      for (const k of keys) {
        if (ops[k]?.seq === s) {
          delete ops[k];
          changed = true;
        }
      }
      return changed ? { ops } : st;
    }),
}));

export const isBusy = (op: PendingOp | undefined, state: DomainState | undefined) => !!op && op.from === state;
