import { create } from 'zustand';

// The task drawer: open from the status bar, or by any feature on a task id
// (an upload, a clone) so the user sees that task's progress at once.
interface TaskDrawerState {
  open: boolean;
  /** The task to scroll to and expand. */
  focus?: string;
  show(taskId?: string): void;
  hide(): void;
  toggle(): void;
}

export const useTaskDrawer = create<TaskDrawerState>()((set) => ({
  open: false,
  show: (focus) => set({ open: true, focus }),
  hide: () => set({ open: false, focus: undefined }),
  toggle: () => set((s) => ({ open: !s.open, focus: undefined })),
}));

/** Opens the drawer on one task (for features that just started long work). */
export const openTaskDrawer = (taskId?: string) => useTaskDrawer.getState().show(taskId);
