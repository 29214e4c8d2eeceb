import { create } from 'zustand';
import type { Notification } from '../../../shared/ipc/calls/app';

interface NotificationState {
  items: Notification[];
  push(n: Omit<Notification, 'id' | 'at'> & { id?: string }): void;
  dismiss(id: string): void;
}

let seq = 0;

export const useNotifications = create<NotificationState>((set) => ({
  items: [],
  push: (n) =>
    set((s) => {
      const item: Notification = { ...n, id: n.id ?? `local-${++seq}`, at: Date.now() };
      // Keep the newest few: a storm of errors must not bury the screen.
      return { items: [...s.items.filter((x) => x.id !== item.id), item].slice(-5) };
    }),
  dismiss: (id) => set((s) => ({ items: s.items.filter((x) => x.id !== id) })),
}));
