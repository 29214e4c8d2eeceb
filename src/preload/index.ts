// Sandboxed preload: exposes exactly two functions. Call names and payloads are
// data validated in the core by the contract; no channel list lives here.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_EVENT, BRIDGE_INVOKE, type RawBridge } from '../shared/ipc/api';
import type { Result } from '../shared/ipc/result';

const bridge: RawBridge = {
  invoke: (name, input) => ipcRenderer.invoke(BRIDGE_INVOKE, name, input) as Promise<Result<unknown>>,
  on(listener) {
    const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(BRIDGE_EVENT, wrapped);
    return () => {
      ipcRenderer.removeListener(BRIDGE_EVENT, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('virtdeck', bridge);
