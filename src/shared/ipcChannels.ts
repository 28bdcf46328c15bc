/** Electron IPC channel names, shared by the preload and the main process. */
export const IPC_CALL = 'tenc:call';
export const IPC_EVENT = 'tenc:event';
export const IPC_CHOOSE_FOLDER = 'tenc:choose-folder';
/** Duplicates review: open a scanned file or show it in its folder. */
export const IPC_SHOW_FILE = 'tenc:show-file';
/** A folder dropped on the window: the main process asks the person, then allows it. */
export const IPC_GRANT_DROPPED = 'tenc:grant-dropped';
/** Settings: choose another data folder; the main process asks, remembers it and restarts the app. */
export const IPC_CHOOSE_DATA_FOLDER = 'tenc:choose-data-folder';
