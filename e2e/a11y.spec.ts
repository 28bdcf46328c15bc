/**
 * Labels and keyboard sweep, against the real server: every view in turn (with a corpus indexed
 * and a duplicates scan made, so the lists have rows), in English and in Chinese. Every visible
 * control has an accessible name, and Tab from the view's heading reaches its main actions.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { tabOrder, unlabelledControls } from './support/a11y';
import { startServerProcess, type ServerUnderTest } from './support/startServer';

let server: ServerUnderTest;
const ROOT = path.resolve(import.meta.dirname, '..');

test.beforeAll(async () => {
  server = await startServerProcess();
  const allowed = fs.realpathSync(server.allowedDir);
  fs.cpSync(path.join(ROOT, 'resources/sample-corpus'), path.join(allowed, 'corpus'), { recursive: true });
  const { jobId } = await server.call<{ jobId: string }>('corpora.create', { name: 'sample', path: path.join(allowed, 'corpus') });
  await server.waitJob(jobId);
});
test.afterAll(async () => {
  await server?.stop();
});

/** Each view's main actions: Tab from its heading must reach every one. */
const MAIN_ACTIONS: Record<string, string[]> = {
  home: ['home-step-train-go', 'home-step-check-go', 'home-step-duplicates-go'],
  documents: ['corpus-path-browse', 'corpus-create', 'corpus-open'],
  train: ['train-corpus', 'train-start'],
  runs: [],
  models: ['model-open', 'import-submit'],
  check: ['check-a', 'check-b', 'check-submit'],
  duplicates: ['dedup-root-0', 'dedup-scan'],
  settings: ['settings-language', 'thresholds-save'],
};

for (const [lang, locale] of [
  ['en', 'en-US'],
  ['zh', 'zh-CN'],
] as const) {
  test.describe(lang, () => {
    test.use({ locale });

    test(`every view: controls have names, Tab reaches the main actions (${lang})`, async ({ page }) => {
      // Eight views, a scan, and one name check per control: minutes on a loaded two-core machine.
      test.setTimeout(360_000);
      await page.goto(server.launchUrl);
      const missing: Record<string, string[]> = {};
      const unreached: Record<string, string[]> = {};
      for (const view of Object.keys(MAIN_ACTIONS)) {
        await page.getByTestId(`nav-${view}`).click();
        await expect(page.getByTestId(`nav-${view}`)).toHaveAttribute('aria-current', 'page');
        if (view === 'duplicates' && (await page.getByTestId('dedup-scan-row').count()) === 0) {
          await page.getByTestId('dedup-scan').click();
          await expect(page.getByTestId('job-status')).toHaveText(/finished|已完成/, { timeout: 90_000 });
        }
        // Focus is on the view's heading after the navigation (as with Enter from the nav).
        await page.getByTestId(`nav-${view}`).press('Enter');
        await expect(page.locator('main :focus')).toHaveCount(1);
        const reached = await tabOrder(page);
        const notReached = MAIN_ACTIONS[view]!.filter((id) => !reached.includes(id));
        if (notReached.length) unreached[view] = notReached;
        const bad = await unlabelledControls(page);
        if (bad.length) missing[view] = bad;
      }
      expect({ missing, unreached }).toEqual({ missing: {}, unreached: {} });
    });
  });
}
