/**
 * Electron shell: the window, the menu and the IPC wiring to the engine. No logic of its own.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell, type IpcMainInvokeEvent } from 'electron';
import path from 'node:path';
import { Engine } from '../engine/api/engine';
import { toErrorBody } from '../engine/api/errors';
import { CONTENT_SECURITY_POLICY } from '../shared/contentSecurityPolicy';
import { IPC_CALL, IPC_CHOOSE_FOLDER, IPC_EVENT } from '../shared/ipcChannels';
import { buildMenu } from './menu';

let engine: Engine | null = null;
let mainWindow: BrowserWindow | null = null;

const rendererIndex = path.join(import.meta.dirname, '../renderer/index.html');
const preloadFile = path.join(import.meta.dirname, '../preload/index.cjs');

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

  const dataDir = process.env.TENC_DATA_DIR || app.getPath('userData');
  engine = await Engine.open({ dataDir, transport: 'electron' });
  const eng = engine;

  ipcMain.handle(IPC_CALL, async (event, method: unknown, input: unknown) => {
    if (!isTrustedSender(event)) return { ok: false, error: { code: 'unauthorized', message: 'Untrusted sender.' } };
    try {
      return { ok: true, result: await eng.call(method, input) };
    } catch (err) {
      return { ok: false, error: toErrorBody(err) };
    }
  });
  ipcMain.handle(IPC_CHOOSE_FOLDER, async (event) => {
    if (!isTrustedSender(event) || !mainWindow) return null;
    const picked = await dialog.showOpenDialog(mainWindow, { properties: ['openDirectory'] });
    if (picked.canceled || picked.filePaths.length === 0) return null;
    return eng.grantRoot(picked.filePaths[0]!);
  });
  eng.events.on('event', (ev) => mainWindow?.webContents.send(IPC_EVENT, ev));

  Menu.setApplicationMenu(buildMenu());
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
  dialog.showErrorBox('TransEncoder Studio could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
});
