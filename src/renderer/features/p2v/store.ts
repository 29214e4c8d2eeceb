import { create } from 'zustand';
import type { P2vRequest, P2vRequestInput } from '../../../shared/p2v/schema';

// The wizard's draft (client state): where the admin is and what they chose.
export type P2vStep = 'source' | 'discovery' | 'consistency' | 'target' | 'review' | 'run';
export const STEPS: { id: P2vStep; label: string }[] = [
  { id: 'source', label: 'Source' },
  { id: 'discovery', label: 'Discovery' },
  { id: 'consistency', label: 'Consistency' },
  { id: 'target', label: 'Target' },
  { id: 'review', label: 'Review' },
  { id: 'run', label: 'Copy' },
];

interface P2vWizard {
  step: P2vStep;
  sourceId?: string;
  confirmed: boolean;
  hostId?: string;
  /** The request being edited (seeded from discovery + target defaults). */
  draft?: P2vRequestInput;
  taskId?: string;
  /** Chosen before the target (the draft is made there). */
  consistency: P2vRequest['consistency'];
  setConsistency(c: P2vRequest['consistency']): void;
  go(step: P2vStep): void;
  pickSource(sourceId: string): void;
  confirm(v: boolean): void;
  pickHost(hostId: string): void;
  setDraft(d: P2vRequestInput | undefined): void;
  patch(p: Partial<P2vRequestInput>): void;
  started(taskId: string): void;
  reset(): void;
}

export const useP2vWizard = create<P2vWizard>()((set) => ({
  step: 'source',
  confirmed: false,
  consistency: 'as-is',
  setConsistency: (consistency) => set({ consistency }),
  go: (step) => set({ step }),
  pickSource: (sourceId) => set({ sourceId, confirmed: false, draft: undefined }),
  confirm: (confirmed) => set({ confirmed }),
  pickHost: (hostId) => set({ hostId, draft: undefined }),
  setDraft: (draft) => set({ draft }),
  patch: (p) => set((s) => (s.draft ? { draft: { ...s.draft, ...p } } : {})),
  started: (taskId) => set({ taskId, step: 'run' }),
  reset: () => set({ step: 'source', sourceId: undefined, confirmed: false, consistency: 'as-is', hostId: undefined, draft: undefined, taskId: undefined }),
}));
