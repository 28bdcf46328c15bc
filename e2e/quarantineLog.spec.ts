import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { startServerProcess, type ServerUnderTest } from './support/startServer';

let server: ServerUnderTest;
let docs: string;

test.beforeAll(async () => {
  server = await startServerProcess();
  docs = fs.realpathSync(server.allowedDir);
  const text = fs.readFileSync(path.resolve(import.meta.dirname, '../resources/sample-corpus/meeting-minutes.txt'), 'utf8');
  fs.writeFileSync(path.join(docs, 'minutes.txt'), text);
  fs.writeFileSync(path.join(docs, 'minutes-copy.txt'), text);
  const old = new Date(Date.now() - 86_400_000);
  fs.utimesSync(path.join(docs, 'minutes.txt'), old, old);
});

test.afterAll(async () => {
  await server?.stop();
});

test('quarantine log: the batch is listed, Undo leaves a file changed in quarantine until "Restore anyway"', async ({ page }) => {
  await page.goto(server.launchUrl);
  await page.getByTestId('nav-duplicates').click();
  await page.getByTestId('dedup-semantic').uncheck();
  await page.getByTestId('dedup-scan').click();
  await expect(page.getByTestId('job-status')).toHaveText('finished', { timeout: 90_000 });
  const copy = path.join(docs, 'minutes-copy.txt');
  const log = page.getByTestId('quarantine-log');
  await expect(log).toContainText('Nothing moved yet.');

  await expect(page.getByTestId('dedup-move')).toHaveText('Move selected to quarantine (1)');
  await page.getByTestId('dedup-move').click();
  await page.getByTestId('dedup-confirm-move').click();
  await expect(page.getByTestId('dedup-outcome-summary')).toHaveText('Moved to quarantine: 1 file.');
  const destPath = (await page.getByTestId('dedup-outcome-done').locator('code').nth(1).textContent())!;
  await page.getByTestId('dedup-result-close').click();

  const batch = log.getByTestId('quarantine-batch');
  await expect(batch).toHaveCount(1);
  await expect(batch).toHaveAttribute('data-state', 'in quarantine');

  // Someone edits the file while it is in quarantine: Undo leaves it there and says so.
  fs.appendFileSync(destPath, '\nEdited in quarantine.');
  await batch.getByTestId('quarantine-undo').click();
  const changed = page.getByTestId('quarantine-changed');
  await expect(changed).toContainText('changed in quarantine');
  await expect(changed).toContainText(copy);
  expect(fs.existsSync(copy)).toBe(false);
  expect(fs.readFileSync(destPath, 'utf8')).toContain('Edited in quarantine.');
  await expect(batch).toHaveAttribute('data-state', 'in quarantine');

  await page.getByTestId('quarantine-force').click();
  await expect(batch).toHaveAttribute('data-state', 'restored');
  await expect(batch.getByTestId('quarantine-undo')).toHaveCount(0);
  await expect(changed).toHaveCount(0);
  expect(fs.readFileSync(copy, 'utf8')).toContain('Edited in quarantine.');
});
