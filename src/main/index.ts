/**
 * Electron shell: the window, the menu, and a relay between the renderer's IPC and the engine
 * host, a utility process where the engine runs (so scans, PDF parsing and model calls never
 * block this thread). No logic of its own.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell, utilityProcess, type IpcMainInvokeEvent } from 'electron';
import path from 'node:path';
import { EngineHostClient } from '../engine/host/hostClient';
import type { HostMessage } from '../engine/host/protocol';
import { IPC_CALL, IPC_CHOOSE_DATA_FOLDER, IPC_CHOOSE_FOLDER, IPC_EVENT, IPC_GRANT_DROPPED, IPC_SHOW_FILE } from '../shared/ipcChannels';
import { readDataLocation, writeDataLocation } from './dataLocation';
import { droppedFolderPath } from './droppedFolder';
import { CONTENT_SECURITY_POLICY } from '../shared/contentSecurityPolicy';
import { buildMenu } from './menu';
import { desktopMessages, type DesktopMessages } from '../shared/desktopMessages';

let engine: EngineHostClient | null = null;
let mainWindow: BrowserWindow | null = null;

const rendererIndex = path.join(import.meta.dirname, '../renderer/index.html');
const preloadFile = path.join(import.meta.dirname, '../preload/index.cjs');
/** Built by electron-vite next to this file (a second entry of the main build). */
const engineHostFile = path.join(import.meta.dirname, 'engineHost.js');

/** Starts the engine host; the folders chosen in dialogs are remembered in the data folder. */
function startEngineHost(dataDir: string): EngineHostClient {
  const child = utilityProcess.fork(engineHostFile, ['--data-dir', dataDir, '--transport', 'electron', '--remember-grants'], {
    serviceName: 'TransEncoder Studio engine',
    stdio: 'inherit',
  });
  const client = new EngineHostClient({
    send: (m) => child.postMessage(m),
    onMessage: (fn) => child.on('message', (m: unknown) => fn(m as HostMessage)),
  });
  child.on('exit', (code) => client.hostExited(`exit code ${code}`));
  return client;
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 820,
    title: 'TransEncoder Studio',
    show: false,
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // The renderer never navigates or opens windows; links go to the system browser.
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadFile(rendererIndex);
  return win;
}

/** Only our own top-level page may call the engine. */
function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!mainWindow && event.sender === mainWindow.webContents && !!frame && frame.url.startsWith('file://') && frame.parent === null;
}

async function main(): Promise<void> {
  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  // TENC_DATA_DIR wins; then the folder chosen in Settings; then Electron's per-user folder.
  const dataDir = process.env.TENC_DATA_DIR || readDataLocation(app.getPath('userData')) || app.getPath('userData');
  engine = startEngineHost(dataDir);
  const eng = engine;
  await eng.ready;

  /** The shell's own words in the app's language (its setting, else the system's locale), read when needed. */
  const words = async (): Promise<DesktopMessages> => {
    const s = await eng.call('settings.get', {}).catch(() => null);
    const language = s?.ok ? (s.result as { settings?: { language?: string } }).settings?.language : undefined;
    return desktopMessages(language, app.getLocale());
  };

  ipcMain.handle(IPC_CALL, async (event, method: unknown, input: unknown) => {
    if (!isTrustedSender(event)) return { ok: false, error: { code: 'unauthorized', message: (await words()).untrusted } };
    const reply = await eng.call(String(method), input);
    // The menu's words follow a change of the app's language.
    if (method === 'settings.set' && reply.ok) Menu.setApplicationMenu(buildMenu(await words()));
    return reply;
  });
  ipcMain.handle(IPC_CHOOSE_FOLDER, async (event) => {
    if (!isTrustedSender(event) || !mainWindow) return null;
    const w = (await words()).chooseFolder;
    const picked = await dialog.showOpenDialog(mainWindow, { title: w.title, buttonLabel: w.button, properties: ['openDirectory'] });
    if (picked.canceled || picked.filePaths.length === 0) return null;
    return eng.grant(picked.filePaths[0]!);
  });
  // Duplicates review: the engine checks the file is one of the scan's and inside the chosen folders.
  ipcMain.handle(IPC_SHOW_FILE, async (event, target: unknown) => {
    if (!isTrustedSender(event)) return { ok: false, message: (await words()).untrusted };
    const t = (target ?? {}) as { scanId?: unknown; documentId?: unknown; how?: unknown };
    const found = await eng.call('dedup.document', { scanId: t.scanId, documentId: t.documentId, text: false });
    if (!found.ok) return { ok: false, message: found.error.message };
    const doc = found.result as { path: string; problem: string | null };
    if (doc.problem === 'gone') return { ok: false, message: (await words()).fileGone(doc.path) };
    if (t.how === 'folder') {
      shell.showItemInFolder(doc.path);
      return { ok: true };
    }
    const error = await shell.openPath(doc.path);
    return error ? { ok: false, message: error } : { ok: true };
  });
  // A folder dropped on the window: its path is checked, then the person confirms in a native dialog.
  ipcMain.handle(IPC_GRANT_DROPPED, async (event, raw: unknown) => {
    if (!isTrustedSender(event) || !mainWindow) return null;
    const folder = droppedFolderPath(raw);
    if (!folder) return null;
    const w = (await words()).allowDropped;
    const answer = await dialog.showMessageBox(mainWindow, {
      type: 'question',
      buttons: [w.allow, w.cancel],
      defaultId: 0,
      cancelId: 1,
      message: w.message,
      detail: w.detail(folder),
    });
    return answer.response === 0 ? eng.grant(folder) : null;
  });
  // Settings: another data folder. Asked, remembered in the per-user folder, then the app restarts with it.
  ipcMain.handle(IPC_CHOOSE_DATA_FOLDER, async (event) => {
    if (!isTrustedSender(event) || !mainWindow) return false;
    const all = await words();
    const picked = await dialog.showOpenDialog(mainWindow, {
      title: all.chooseDataFolder.title,
      buttonLabel: all.chooseDataFolder.button,
      properties: ['openDirectory', 'createDirectory'],
    });
    if (picked.canceled || picked.filePaths.length === 0) return false;
    const folder = picked.filePaths[0]!;
    const w = all.useDataFolder;
    const answer = await dialog.showMessageBox(mainWindow, {
      type: 'question',
      buttons: [w.restart, w.cancel],
      defaultId: 0,
      cancelId: 1,
      message: w.message,
      detail: w.detail(folder, dataDir, !!process.env.TENC_DATA_DIR),
    });
    if (answer.response !== 0) return false;
    writeDataLocation(app.getPath('userData'), folder);
    app.relaunch();
    app.exit(0);
    return true;
  });
  eng.onEvent((ev) => mainWindow?.webContents.send(IPC_EVENT, ev));

  Menu.setApplicationMenu(buildMenu(await words()));
  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => {
  void engine?.close();
});

main().catch((err) => {
  // Before the engine answers, the language is the system's.
  dialog.showErrorBox(desktopMessages(null, app.getLocale()).startFailed, err instanceof Error ? err.message : String(err));
  app.exit(1);
});
