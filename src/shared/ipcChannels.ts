/** Electron IPC channel names, shared by the preload and the main process. */
export const IPC_CALL = 'tenc:call';
export const IPC_EVENT = 'tenc:event';
export const IPC_CHOOSE_FOLDER = 'tenc:choose-folder';
/** Duplicates review: open a scanned file or show it in its folder. */
export const IPC_SHOW_FILE = 'tenc:show-file';
