import { _electron as electron, expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error plain JS helper shared with scripts/start-electron.mjs
import { findElectronBinary, HOW_TO_GET_ELECTRON } from '../scripts/electronBinary.mjs';

const root = path.resolve(import.meta.dirname, '..');
const electronPath: string | null = findElectronBinary(root);

test.describe('Electron app', () => {
  test.skip(!electronPath, `Skipped: ${HOW_TO_GET_ELECTRON.split('\n')[0]} (see README: Electron end-to-end tests)`);

  test('opens a secure window whose UI reaches the engine through the preload bridge', async () => {
    const build = spawnSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
    expect(build.status).toBe(0);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-electron-'));
    const app = await electron.launch({ executablePath: electronPath!, args: [root], env: { ...process.env, TENC_DATA_DIR: dataDir } });
    try {
      const window = await app.firstWindow();
      await expect(window.getByRole('heading', { name: 'TransEncoder Studio' })).toBeVisible();
      await expect(window.getByTestId('data-dir')).toHaveText(fs.realpathSync(dataDir));
      // The renderer has no Node: only the narrow bridge.
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await window.evaluate(() => Object.keys((globalThis as unknown as { tenc: object }).tenc).sort())).toEqual([
        'call',
        'chooseDataFolder',
        'chooseFolder',
        'grantDroppedFolder',
        'onEvent',
        'showFile',
      ]);
      // A dropped "file" with no path on disk (made in the page) allows nothing and asks nothing.
      expect(
        await window.evaluate(() =>
          (globalThis as unknown as { tenc: { grantDroppedFolder(f: unknown): Promise<unknown> } }).tenc.grantDroppedFolder(new File(['x'], 'a.txt')),
        ),
      ).toBeNull();
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        // getLastWebPreferences is not in every Electron typing; it reports what the window really got.
        const wc = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> | null };
        const wp = wc.getLastWebPreferences();
        return { contextIsolation: wp?.contextIsolation, sandbox: wp?.sandbox, nodeIntegration: wp?.nodeIntegration };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      // A round trip through the bridge to the engine and back: a paraphrase check.
      await window.getByTestId('nav-check').click();
      await window.getByTestId('check-a').fill('A man is playing a guitar.');
      await window.getByTestId('check-b').fill('A man plays the guitar.');
      await window.getByTestId('check-b').press('Control+Enter');
      await expect(window.getByTestId('check-bi-score')).toHaveText(/^\d\.\d{3}$/, { timeout: 60_000 });
      fs.mkdirSync(path.join(root, 'test-results/screenshots'), { recursive: true });
      await window.screenshot({ path: path.join(root, 'test-results/screenshots/electron-app.png') });

      // Folders: the native dialog (answered here by a stub in the main process) adds an allowed folder from the UI.
      const docs = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-electron-docs-')));
      fs.writeFileSync(path.join(docs, 'a.txt'), 'A few words in a file.');
      await app.evaluate(({ dialog }, dir) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [dir] })) as typeof dialog.showOpenDialog;
      }, docs);
      await window.getByTestId('nav-documents').click();
      await window.getByTestId('corpus-path-choose').click();
      await expect(window.getByTestId('corpus-path')).toHaveValue(docs);
      await expect(window.getByTestId('allowed-roots')).toContainText(docs);
      // Settings: the theme override applies at once and is kept in the data folder.
      await window.getByTestId('nav-settings').click();
      await window.getByTestId('theme-dark').check();
      await expect(window.locator('html')).toHaveAttribute('data-theme', 'dark');
      await window.screenshot({ path: path.join(root, 'test-results/screenshots/electron-settings-dark.png') });
      fs.rmSync(docs, { recursive: true, force: true });
    } finally {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
