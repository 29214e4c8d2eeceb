import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { LanguageChoice } from './detect';

// The language choice is a renderer setting, kept with the other UI settings in
// localStorage under its own key so it survives without touching the core.
interface LanguageState {
  choice: LanguageChoice;
  setChoice(c: LanguageChoice): void;
}

export const useLanguageChoice = create<LanguageState>()(
  persist((set) => ({ choice: 'system', setChoice: (choice) => set({ choice }) }), { name: 'virtdeck-language' }),
);
