import { BrowserWindow, dialog } from 'electron';
import type { FileDialogs } from '../storage/index';

/** Electron's native open/save dialogs for desktop uploads and downloads (sheet on the focused window). */
export function electronFileDialogs(): FileDialogs {
  const parent = () => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  return {
    async open({ title }) {
      const w = parent();
      const opts: Electron.OpenDialogOptions = { title: title ?? 'Upload a file', properties: ['openFile', 'dontAddToRecent'] };
      const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
      return r.canceled ? undefined : r.filePaths[0];
    },
    async save({ title, defaultName }) {
      const w = parent();
      const opts: Electron.SaveDialogOptions = { title: title ?? 'Save the volume as', ...(defaultName ? { defaultPath: defaultName } : {}), properties: ['showOverwriteConfirmation', 'createDirectory'] };
      const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts);
      return r.canceled ? undefined : r.filePath;
    },
  };
}
