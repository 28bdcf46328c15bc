/**
 * The narrow bridge between the sandboxed renderer and the main process: six functions,
 * nothing else. Inputs are validated again in the main process against the API contract.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { EngineEvent, PreloadBridge } from '../shared/api';
import { IPC_CALL, IPC_CHOOSE_DATA_FOLDER, IPC_CHOOSE_FOLDER, IPC_EVENT, IPC_GRANT_DROPPED, IPC_SHOW_FILE } from '../shared/ipcChannels';

const bridge: PreloadBridge = {
  call: (method, input) => ipcRenderer.invoke(IPC_CALL, String(method), input),
  onEvent(listener) {
    const handler = (_e: IpcRendererEvent, event: EngineEvent) => listener(event);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT, handler);
  },
  chooseFolder: () => ipcRenderer.invoke(IPC_CHOOSE_FOLDER),
  showFile: (target) => ipcRenderer.invoke(IPC_SHOW_FILE, target),
  chooseDataFolder: () => ipcRenderer.invoke(IPC_CHOOSE_DATA_FOLDER),
  // Only the dropped file's path crosses: the renderer cannot see paths, and main asks the person before allowing it.
  grantDroppedFolder(file) {
    let p = '';
    try {
      p = webUtils.getPathForFile(file as File);
    } catch {
      return Promise.resolve(null);
    }
    return p ? ipcRenderer.invoke(IPC_GRANT_DROPPED, p) : Promise.resolve(null);
  },
};

contextBridge.exposeInMainWorld('tenc', bridge);
