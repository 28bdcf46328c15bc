import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { shotSmall } from './support/page';
import { startServerProcess, type ServerUnderTest } from './support/startServer';

let server: ServerUnderTest;
let docs: string;

test.beforeAll(async () => {
  server = await startServerProcess();
  docs = fs.realpathSync(server.allowedDir);
  // The sample corpus: an exact copy (meeting-minutes-copy.txt), close paraphrases and unrelated texts.
  const sample = path.resolve(import.meta.dirname, '../resources/sample-corpus');
  for (const name of fs.readdirSync(sample)) fs.copyFileSync(path.join(sample, name), path.join(docs, name));
  // The original is older than its copy, so the keep rule (oldest first for equal texts) keeps it.
  const old = new Date(Date.now() - 86_400_000);
  fs.utimesSync(path.join(docs, 'meeting-minutes.txt'), old, old);
});

test.afterAll(async () => {
  await server?.stop();
});

test('duplicates: scan, review the exact copy, move it to quarantine, undo, export', async ({ page }, testInfo) => {
  const consoleErrors: string[] = [];
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  await page.goto(server.launchUrl);
  await page.getByTestId('nav-duplicates').click();
  await expect(page.getByRole('heading', { name: 'Find duplicates' })).toBeFocused();

  // The allowed folder is offered and ticked; the sliders start from the engine's defaults.
  const root = page.getByTestId('dedup-root-0');
  await expect(root).toBeChecked();
  await expect(page.getByTestId('dedup-roots')).toContainText(docs);
  await expect(page.getByTestId('dedup-semantic')).toBeChecked();
  await expect(page.getByTestId('dedup-semantic-value')).toHaveText('0.90');
  await expect(page.getByTestId('dedup-near-value')).toHaveText('0.80');
  await page.getByTestId('dedup-semantic-threshold').fill('0.85');
  await expect(page.getByTestId('dedup-semantic-value')).toHaveText('0.85');

  // With no folder ticked the scan is refused with a message, and nothing starts.
  await root.uncheck();
  await page.getByTestId('dedup-scan').click();
  await expect(page.getByTestId('dedup-form-error')).toContainText('Tick at least one folder');
  await root.check();

  await page.getByTestId('dedup-scan').click();
  await expect(page.getByTestId('job-status')).toHaveText('finished', { timeout: 90_000 });
  const results = page.getByTestId('dedup-results');
  await expect(results).toBeVisible();
  await expect(page.getByTestId('dedup-scan-row')).toHaveCount(1);
  await expect(page.getByTestId('dedup-scan-row').first()).toHaveAttribute('data-status', 'done');

  // The exact-copy group: found by the exact layer, the older original kept, the copy ticked for moving.
  const original = path.join(docs, 'meeting-minutes.txt');
  const copy = path.join(docs, 'meeting-minutes-copy.txt');
  const exact = results.locator('[data-testid="dedup-cluster"][data-level="file"]').filter({ has: page.locator(`[data-path="${copy}"]`) });
  await expect(exact).toHaveCount(1);
  await expect(exact).toHaveAttribute('data-layer', 'exact');
  await expect(exact.getByTestId('dedup-layer')).toHaveText('Exact copy');
  await expect(exact.getByTestId('dedup-score')).toHaveText('identical');
  const keepRow = exact.locator(`[data-path="${original}"]`);
  const copyRow = exact.locator(`[data-path="${copy}"]`);
  await expect(keepRow.getByTestId('dedup-keep')).toBeVisible();
  await expect(keepRow.getByTestId('dedup-select')).not.toBeChecked();
  await expect(copyRow.getByTestId('dedup-select')).toBeChecked();
  // The close paraphrase is grouped by meaning (its cosine, about 0.89, is above the 0.85 chosen, below the 0.9 default).
  const paraphrase = results.locator('[data-testid="dedup-cluster"]').filter({ has: page.locator(`[data-path="${path.join(docs, 'trip-summary.txt')}"]`) });
  await expect(paraphrase).toHaveAttribute('data-layer', 'semantic');
  await expect(paraphrase.getByTestId('dedup-score')).toContainText('similarity 0.8');
  await expect(paraphrase).toContainText('travel-log.txt');
  // Same meaning only: offered for review, nothing ticked, with what the match rests on.
  await expect(paraphrase).toHaveAttribute('data-confidence', 'review');
  await expect(paraphrase.getByTestId('dedup-confidence')).toHaveText('For review');
  for (const box of await paraphrase.getByTestId('dedup-select').all()) await expect(box).not.toBeChecked();
  await expect(paraphrase.getByTestId('dedup-evidence').filter({ hasText: 'in other words' }).first()).toContainText('is found in the kept file');
  await expect(exact).toHaveAttribute('data-confidence', 'high');
  // Unrelated texts are in no group.
  await expect(results.locator(`[data-path="${path.join(docs, 'garden.txt')}"]`)).toHaveCount(0);

  // Only the exact copy is moved: untick anything else that is pre-selected.
  for (const box of await results.getByTestId('dedup-select').all()) {
    const row = box.locator('xpath=ancestor::li[1]');
    if ((await row.getAttribute('data-path')) !== copy && (await box.isChecked())) await box.uncheck();
  }
  await expect(page.getByTestId('dedup-move')).toHaveText('Move selected to quarantine (1)');

  // The confirmation says what happens; cancelling it moves nothing.
  await page.getByTestId('dedup-move').click();
  const dialog = page.getByTestId('dedup-confirm');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('never deleted');
  await expect(dialog).toContainText('undo');
  await expect(dialog).toContainText(copy);
  await page.getByTestId('dedup-confirm-cancel').click();
  await expect(dialog).toBeHidden();
  expect(fs.existsSync(copy)).toBe(true);

  await page.getByTestId('dedup-move').click();
  await page.getByTestId('dedup-confirm-move').click();
  const outcome = page.getByTestId('dedup-outcome');
  await expect(outcome).toHaveAttribute('data-kind', 'move');
  await expect(page.getByTestId('dedup-outcome-summary')).toHaveText('Moved to quarantine: 1 file.');
  await expect(page.getByTestId('dedup-outcome-done')).toContainText(copy);
  expect(fs.existsSync(copy)).toBe(false);
  expect(fs.existsSync(original)).toBe(true);
  // The quarantined file holds the copy's text, inside the data folder.
  const destPath = (await page.getByTestId('dedup-outcome-done').locator('code').nth(1).textContent())!;
  expect(destPath.startsWith(fs.realpathSync(server.dataDir))).toBe(true);
  expect(fs.readFileSync(destPath, 'utf8')).toContain('budget review');
  await expect(copyRow.getByTestId('dedup-quarantined')).toBeVisible();
  await page.getByTestId('dedup-result-close').click();
  await expect(dialog).toBeHidden();

  // The log shows the batch; Undo puts the file back.
  const batch = page.getByTestId('dedup-batch');
  await expect(batch).toHaveCount(1);
  await expect(batch).toContainText(copy);
  await expect(batch).toContainText('1 in quarantine');
  await batch.getByTestId('dedup-undo').click();
  await expect(outcome).toHaveAttribute('data-kind', 'undo');
  await expect(page.getByTestId('dedup-outcome-summary')).toHaveText('Moved back: 1 file.');
  await expect(batch).toContainText('undone');
  await expect(batch.getByTestId('dedup-undo')).toHaveCount(0);
  expect(fs.readFileSync(copy, 'utf8')).toBe(fs.readFileSync(original, 'utf8'));
  expect(fs.existsSync(destPath)).toBe(false);
  await expect(copyRow.getByTestId('dedup-quarantined')).toHaveCount(0);

  // Exports are offered as downloads.
  const csvDownload = page.waitForEvent('download');
  await page.getByTestId('dedup-export-csv').click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toMatch(/^duplicates-scan-\d+\.csv$/);
  const csvText = fs.readFileSync((await csv.path())!, 'utf8');
  expect(csvText).toContain('meeting-minutes-copy.txt');
  expect(csvText).toContain('exact');

  const jsonDownload = page.waitForEvent('download');
  await page.getByTestId('dedup-export-json').click();
  const json = JSON.parse(fs.readFileSync((await (await jsonDownload).path())!, 'utf8')) as { clusters: { layer: string; members: { path: string }[] }[] };
  const exactCluster = json.clusters.find((c) => c.members.some((m) => m.path === copy));
  expect(exactCluster?.layer).toBe('exact');

  const htmlDownload = page.waitForEvent('download');
  await page.getByTestId('dedup-export-html').click();
  const html = fs.readFileSync((await (await htmlDownload).path())!, 'utf8');
  expect(html).toContain('<html');
  expect(html).toContain('meeting-minutes-copy.txt');

  const shot = testInfo.outputPath('duplicates.png');
  // A full-page capture would draw the bar that sticks to the window's bottom over the middle of the page: show it in place.
  await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="dedup-move-bar"]')?.style.setProperty('position', 'static'));
  await page.screenshot({ path: shot, fullPage: true });
  fs.mkdirSync('test-results/screenshots', { recursive: true });
  fs.copyFileSync(shot, 'test-results/screenshots/duplicates.png');
  await testInfo.attach('duplicates', { path: shot, contentType: 'image/png' });
  await shotSmall(page, testInfo, 'duplicates-en');
  expect(consoleErrors).toEqual([]);
});

test('duplicates: a stopped scan is listed as cancelled and can be resumed to the end', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  // Enough files that the scan is still reading when Stop is pressed.
  const bulk = path.join(docs, 'bulk');
  fs.mkdirSync(bulk, { recursive: true });
  for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(bulk, `note-${i}.txt`), `Note number ${i}: ${'word '.repeat(20)}${i * 7919} and ${i % 13} more.`);
  await page.goto(server.launchUrl);
  // Count the scans once the list has loaded (it loads when the view opens).
  const scansLoaded = page.waitForResponse((r) => r.url().includes('/api/call/dedup.scans'));
  await page.getByTestId('nav-duplicates').click();
  await scansLoaded;
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
  const rowsBefore = await page.getByTestId('dedup-scan-row').count();
  await page.getByTestId('dedup-semantic').uncheck();
  await expect(page.getByTestId('dedup-semantic-threshold')).toBeDisabled();
  await page.getByTestId('dedup-scan').click();
  await page.getByTestId('job-cancel').click();
  await expect(page.getByTestId('job-status')).toHaveText('cancelled', { timeout: 30_000 });
  const rows = page.getByTestId('dedup-scan-row');
  await expect(rows).toHaveCount(rowsBefore + 1);
  const stopped = rows.first();
  await expect(stopped).toHaveAttribute('data-status', 'cancelled');
  await stopped.getByTestId('dedup-resume').click();
  await expect(page.getByTestId('job-status')).toHaveText('finished', { timeout: 90_000 });
  await expect(stopped).toHaveAttribute('data-status', 'done');
  await expect(rows).toHaveCount(rowsBefore + 1);
  // The resumed scan's results open by themselves and still find the exact copy.
  const results = page.getByTestId('dedup-results');
  await expect(results).toBeVisible();
  await expect(results.locator('[data-testid="dedup-cluster"][data-layer="exact"]').filter({ hasText: 'meeting-minutes-copy.txt' })).toHaveCount(1);
  await expect(page.getByTestId('dedup-stat-files')).toHaveText((3008).toLocaleString('en-US'));
  expect(consoleErrors).toEqual([]);
});
