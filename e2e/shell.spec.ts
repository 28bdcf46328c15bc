/**
 * The shell as a new user meets it, against the real server with a fresh data folder for each
 * screen, in English and Chinese, at a desktop size and at 800x600: the guided tour on Home,
 * folders (browser limited to the allowed folders, drop zone), corpus management (summary with
 * skipped files, passages, rename, rescan, delete that leaves the files), and Settings (theme
 * following the system or overridden, language, CPU threads, thresholds; kept in settings.json).
 * Screenshots go to test-results/screenshots/.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { expectNoSidewaysScroll, LARGE, shot, SMALL, watchConsole } from './support/page';
import { startServerProcess, type ServerUnderTest } from './support/startServer';

let server: ServerUnderTest;
test.beforeEach(async () => {
  server = await startServerProcess();
});
test.afterEach(async () => {
  await server?.stop();
});

/** A folder with sub-folders, text files, a binary file and an empty one. */
function writeDocs(root: string): string {
  const docs = path.join(fs.realpathSync(root), 'notes');
  fs.mkdirSync(path.join(docs, 'letters'), { recursive: true });
  fs.mkdirSync(path.join(docs, 'recipes'), { recursive: true });
  fs.writeFileSync(path.join(docs, 'letters', 'hello.txt'), 'Dear Anna, thank you for the lovely flowers.\n\nWe hope to see you in the spring.');
  fs.writeFileSync(path.join(docs, 'recipes', 'bread.md'), '# Bread\n\nMix the flour with water and salt, then let it rest overnight.');
  fs.writeFileSync(path.join(docs, 'photo.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  fs.writeFileSync(path.join(docs, 'empty.txt'), '');
  return docs;
}

const TEXT = {
  en: {
    locale: 'en-US',
    welcome: 'Welcome',
    tour: 'Guided tour',
    readDocs: /Read \d+ documents/,
    checkTitle: 'Check a pair',
    trainTitle: /Train/,
    details: (name: string) => `Details of ${name}`,
    skippedTitle: 'Skipped files and why',
    settingsTitle: 'Settings',
    dark: 'Dark',
    deleted: /was deleted from the app/,
  },
  zh: {
    locale: 'zh-CN',
    welcome: '欢迎',
    tour: '新手导览',
    readDocs: /已读取 \d+ 个文档/,
    checkTitle: '比对两段文字',
    trainTitle: /训练/,
    details: (name: string) => `${name} 的详情`,
    skippedTitle: '跳过的文件及原因',
    settingsTitle: '设置',
    dark: '深色',
    deleted: /已从应用中删除/,
  },
} as const;

for (const lang of ['en', 'zh'] as const) {
  const t = TEXT[lang];
  test.describe(`${lang} (system language ${t.locale})`, () => {
    test.use({ locale: t.locale });

    test(`Home: the guided tour with the sample documents, from the keyboard (${lang})`, async ({ page }, testInfo) => {
      test.setTimeout(420_000);
      const errors = watchConsole(page, { expectedResponses: [] });
      for (const [size, suffix] of [
        [LARGE, ''],
        [SMALL, '-800x600'],
      ] as const) {
        await page.setViewportSize(size);
        await page.goto(server.launchUrl);
        await expect(page.getByRole('heading', { name: t.welcome })).toBeVisible();
        await expect(page.getByTestId('tour')).toBeVisible();
        await expect(page.getByTestId('home-compute')).toContainText(/CPU|WebAssembly|WebGPU/, { timeout: 30_000 });
        await expectNoSidewaysScroll(page);
        await shot(page, testInfo, `home-tour-${lang}${suffix}`);
      }

      // Keyboard only: focus the start button, press Enter; focus lands on the step's heading.
      await page.getByTestId('tour-start').focus();
      await page.keyboard.press('Enter');
      const step = page.getByTestId('tour-step');
      await expect(step).toHaveAttribute('data-step', 'index');
      await expect(step.locator('h4')).toBeFocused();
      await page.keyboard.press('Tab');
      await expect(page.getByTestId('tour-do')).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('tour-outcome')).toContainText(t.readDocs, { timeout: 60_000 });
      await shot(page, testInfo, `tour-step1-${lang}-800x600`);
      await page.getByTestId('tour-next').press('Enter');

      // Step 2 opens Check with two sentences of the sample that say the same thing.
      await expect(step).toHaveAttribute('data-step', 'check');
      await page.getByTestId('tour-do').press('Enter');
      await expect(page.getByRole('heading', { name: t.checkTitle })).toBeVisible();
      await expect(page.getByTestId('check-a')).toHaveValue(/ferry/);
      await expect(page.getByTestId('check-b')).toHaveValue(/boat service/);

      // Back on Home the tour goes on where it was. The duplicates step: skipped in English; in Chinese it
      // scans the sample, and the Duplicates screen shows the exact copy it holds.
      await page.getByTestId('nav-home').click();
      await expect(step).toHaveAttribute('data-step', 'check');
      await page.getByTestId('tour-next').click();
      await expect(step).toHaveAttribute('data-step', 'duplicates');
      if (lang === 'en') await page.getByTestId('tour-skip-step').click();
      else {
        await page.getByTestId('tour-do').click();
        await expect(page.getByTestId('dedup-results')).toContainText('meeting-minutes-copy.txt', { timeout: 180_000 });
        await shot(page, testInfo, `tour-duplicates-${lang}-800x600`);
        await page.getByTestId('nav-home').click();
        await page.getByTestId('tour-next').click();
      }

      // Step 4 sets up a small run on the sample and opens Train; the run is not started.
      await expect(step).toHaveAttribute('data-step', 'train');
      await page.getByTestId('tour-do').click();
      await expect(page.getByTestId('train-corpus').locator('option:checked')).toContainText(lang === 'en' ? 'Sample documents' : '示例文档');
      await expect(page.getByTestId('train-start')).toBeEnabled();
      await page.getByTestId('nav-home').click();
      await page.getByTestId('tour-next').click();
      await expect(page.getByTestId('tour-finished')).toBeVisible();
      await shot(page, testInfo, `tour-finished-${lang}-800x600`);

      // Finished is remembered in the data folder: after a reload the tour is offered, not shown.
      await page.reload();
      await expect(page.getByRole('heading', { name: t.welcome })).toBeVisible();
      await expect(page.getByTestId('tour-open')).toBeVisible();
      await expect(page.getByTestId('tour')).toHaveCount(0);
      expect(JSON.parse(fs.readFileSync(path.join(server.dataDir, 'settings.json'), 'utf8')).tourDone).toBe(true);
      // The sample was copied into the data folder; the shipped one is not an allowed folder.
      expect(fs.existsSync(path.join(server.dataDir, 'sample-corpus', 'travel-log.txt'))).toBe(true);
      expect(errors).toEqual([]);
    });

    test(`Documents: folder browser, drop zone, corpus summary, passages, rename, rescan, delete (${lang})`, async ({ page }, testInfo) => {
      test.setTimeout(180_000);
      const errors = watchConsole(page, { expectedResponses: [/^403 \/api\/call\/folders\.browse .*\/etc/] });
      const docs = writeDocs(server.allowedDir);
      const root = fs.realpathSync(server.allowedDir);
      const before = fs.readdirSync(docs).sort();
      await page.setViewportSize(SMALL);
      await page.goto(server.launchUrl);
      await page.getByTestId('nav-documents').click();

      // A file dropped in the browser: its path is unknown, and the app says what to do instead.
      await page.getByTestId('corpus-path-drop').evaluate((zone) => {
        const data = new DataTransfer();
        data.items.add(new File(['x'], 'notes.txt', { type: 'text/plain' }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      });
      await expect(page.getByTestId('corpus-path-note')).toBeVisible();

      // The folder browser: only the allowed folder, then its sub-folders; Escape closes it; keyboard throughout.
      await page.getByTestId('corpus-path-browse').click();
      const browser = page.getByTestId('folder-browser');
      await expect(browser).toBeVisible();
      const entries = browser.getByTestId('folder-entry');
      await expect(entries).toHaveCount(1);
      await expect(entries.first()).toContainText(root);
      await expect(entries.first()).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(browser.getByTestId('folder-browser-path')).toContainText(root);
      await expect(entries).toHaveCount(1);
      await entries.first().press('Enter');
      await expect(browser.getByTestId('folder-browser-path')).toContainText(docs);
      await expect(entries).toHaveText(['letters', 'recipes']);
      await expect(browser.getByTestId('folder-files')).toContainText('2');
      await shot(page, testInfo, `folder-browser-${lang}-800x600`);
      await browser.getByTestId('folder-up').click();
      await expect(browser.getByTestId('folder-browser-path')).toContainText(root);
      await page.keyboard.press('Escape');
      await expect(browser).toBeHidden();
      await page.getByTestId('corpus-path-browse').click();
      await entries.first().click();
      await browser.getByTestId('folder-browser-use').click();
      await expect(page.getByTestId('corpus-path')).toHaveValue(docs);

      // Index it: the progress card names the folder.
      await page.getByTestId('corpus-name').fill('notes');
      await page.getByTestId('corpus-create').click();
      await expect(page.getByTestId('job').first()).toContainText('notes');
      await expect(page.getByTestId('job-status').first()).toHaveAttribute('data-status', 'done', { timeout: 60_000 });

      // Details: counts, skipped files grouped by reason, passages of a document.
      await page.getByRole('button', { name: t.details('notes') }).click();
      const panel = page.getByTestId('corpus-panel');
      await expect(panel.locator('#corpus-panel-title')).toBeFocused();
      await expect(panel.getByRole('heading', { name: t.skippedTitle })).toBeVisible();
      const reasons = panel.getByTestId('corpus-skip-reasons');
      await expect(reasons.locator('li')).toHaveCount(2);
      await expect(reasons).toContainText('photo.bin');
      await expect(reasons).toContainText('empty.txt');
      await panel.getByTestId('doc-passages').first().click();
      await expect(panel.getByTestId('passage-list').first()).toContainText('Dear Anna');
      await expectNoSidewaysScroll(page);
      await shot(page, testInfo, `corpus-details-${lang}-800x600`);

      // Rename (Enter submits), then a name already taken is refused with a message for people.
      await panel.getByTestId('corpus-rename').click();
      await panel.getByTestId('corpus-new-name').fill('my notes');
      await panel.getByTestId('corpus-new-name').press('Enter');
      await expect(page.getByTestId('corpora')).toContainText('my notes');

      // Rescan after a new file appears.
      fs.writeFileSync(path.join(docs, 'letters', 'reply.txt'), 'Dear Tom, the flowers were lovely.');
      await panel.getByTestId('corpus-rescan').click();
      await expect(panel.getByTestId('corpus-status')).toContainText(lang === 'en' ? /1 new or changed/ : /新增或修改 1 个/, { timeout: 60_000 });
      await expect(panel.getByTestId('corpus-summary')).toContainText(lang === 'en' ? '3 documents read' : '已读取 3 个文档');

      // Delete asks first (Escape keeps it), then removes the corpus from the app only.
      await panel.getByTestId('corpus-delete').click();
      const confirm = panel.getByTestId('corpus-delete-confirm');
      await expect(confirm).toContainText(docs);
      await expect(panel.getByTestId('corpus-delete-no')).toBeFocused();
      await shot(page, testInfo, `corpus-delete-confirm-${lang}-800x600`);
      await page.keyboard.press('Escape');
      await expect(confirm).toHaveCount(0);
      await panel.getByTestId('corpus-delete').click();
      await panel.getByTestId('corpus-delete-yes').click();
      await expect(page.getByTestId('documents-notice')).toContainText(t.deleted);
      await expect(page.getByTestId('corpora')).not.toContainText('my notes');
      expect(fs.readdirSync(docs).sort()).toEqual(before);
      expect(fs.readdirSync(path.join(docs, 'letters')).sort()).toEqual(['hello.txt', 'reply.txt']);
      await shot(page, testInfo, `documents-deleted-${lang}-800x600`);

      // The API refuses to list anything outside the allowed folders.
      const outside = await page.evaluate(async (token) => {
        const res = await fetch('/api/call/folders.browse', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify({ path: '/etc' }),
        });
        return (await res.json()) as { ok: boolean; error?: { code: string } };
      }, server.token);
      expect(outside).toMatchObject({ ok: false, error: { code: 'forbidden_path' } });
      expect(errors).toEqual([]);
    });

    test(`Settings: theme following the system or overridden, language, threads, thresholds, kept in settings.json (${lang})`, async ({ page }, testInfo) => {
      const errors = watchConsole(page, { expectedResponses: [] });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.setViewportSize(SMALL);
      await page.goto(server.launchUrl);
      // Following the system: dark.
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
      await page.getByTestId('nav-settings').click();
      await expect(page.getByRole('heading', { name: t.settingsTitle, exact: true })).toBeVisible();
      await expect(page.getByTestId('settings-data-dir')).toHaveText(fs.realpathSync(server.dataDir));
      await expectNoSidewaysScroll(page);
      await shot(page, testInfo, `settings-dark-system-${lang}-800x600`);

      // Override: light, whatever the system says.
      await page.getByTestId('theme-light').check();
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
      await expect(page.getByTestId('settings-saved-theme')).not.toBeEmpty();

      // Bad values are refused with a sentence; nothing is saved.
      await page.getByTestId('cpu-auto').uncheck();
      await page.getByTestId('cpu-threads').fill('0');
      await page.getByTestId('cpu-save').click();
      await expect(page.getByTestId('cpu-error')).toBeVisible();
      await page.getByTestId('cpu-threads').fill('1');
      await page.getByTestId('cpu-save').click();
      await expect(page.getByTestId('cpu-error')).toHaveCount(0);
      await page.getByTestId('threshold-dedupNear').fill('1.5');
      await page.getByTestId('thresholds-save').click();
      await expect(page.getByTestId('threshold-error')).toBeVisible();
      await page.getByTestId('threshold-dedupNear').fill('0.75');
      await page.getByTestId('threshold-paraphraseBi').fill('0.9');
      await page.getByTestId('thresholds-save').click();
      await expect(page.getByTestId('threshold-error')).toHaveCount(0);
      await shot(page, testInfo, `settings-light-${lang}-800x600`);
      await expect
        .poll(() => JSON.parse(fs.readFileSync(path.join(server.dataDir, 'settings.json'), 'utf8')))
        .toMatchObject({ theme: 'light', cpuThreads: 1, thresholds: { dedupNear: 0.75, paraphraseBi: 0.9, paraphraseCross: null } });

      // Dark by choice, then the other language from Settings; both survive a reload with this browser's storage cleared.
      await page.getByTestId('theme-dark').check();
      const other = lang === 'en' ? 'zh' : 'en';
      await page.getByTestId('settings-language').selectOption(other);
      await expect(page.getByTestId('nav-settings')).toHaveText(other === 'zh' ? '设置' : 'Settings');
      await expect.poll(() => JSON.parse(fs.readFileSync(path.join(server.dataDir, 'settings.json'), 'utf8')).language).toBe(other);
      await page.evaluate(() => localStorage.clear());
      await page.emulateMedia({ colorScheme: 'light' });
      await page.reload();
      await expect(page.getByTestId('nav-settings')).toHaveText(other === 'zh' ? '设置' : 'Settings');
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
      await page.getByTestId('nav-settings').click();
      await expect(page.getByTestId('threshold-dedupNear')).toHaveValue('0.75');
      await expect(page.getByTestId('cpu-threads')).toHaveValue('1');
      await shot(page, testInfo, `settings-dark-${other}-800x600`);
      // The dedup form starts from the saved default.
      await page.getByTestId('nav-home').click();
      await expect(page.getByTestId('home-compute')).toContainText(/1/);
      await shot(page, testInfo, `home-dark-${other}-800x600`);
      expect(errors).toEqual([]);
    });
  });
}
