/** Electron IPC channel names, shared by the preload and the main process. */
export const IPC_CALL = 'tenc:call';
export const IPC_EVENT = 'tenc:event';
export const IPC_CHOOSE_FOLDER = 'tenc:choose-folder';
