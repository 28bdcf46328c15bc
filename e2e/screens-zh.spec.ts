/**
 * Documents, Train and Runs in Chinese at 800x600 against the real back end: index a folder,
 * see one estimate problem said once (not once per preset), train a tiny run and read its loss
 * chart without the page scrolling sideways. Screenshots for review.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { expectNoSidewaysScroll, shot } from './support/page';
import { startServerProcess, type ServerUnderTest } from './support/startServer';
import { writeTrainingFolder, type TrainingFolder } from './support/trainingFixtures';

let server: ServerUnderTest;
let folder: TrainingFolder;

test.beforeAll(async () => {
  server = await startServerProcess();
  folder = writeTrainingFolder(fs.realpathSync(server.allowedDir));
});
test.afterAll(async () => {
  await server?.stop();
});

test.use({ locale: 'zh-CN', viewport: { width: 800, height: 600 } });

test('index, a bad pairs file said once, a tiny run with its loss chart, in Chinese at 800x600', async ({ page }, testInfo) => {
  test.setTimeout(480_000);
  await page.goto(server.launchUrl);
  await expect(page.getByRole('heading', { name: '欢迎' })).toBeVisible();

  // Documents: index the texts folder; the progress card names the folder.
  await page.getByTestId('nav-documents').click();
  await page.getByTestId('corpus-path').fill(path.dirname(folder.textFiles[0]!));
  await page.getByTestId('corpus-name').fill('句子');
  await page.getByTestId('corpus-create').click();
  await expect(page.getByTestId('job').first()).toContainText('文件夹“texts”');
  await expect(page.getByTestId('job-status').first()).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('job-status').first()).toHaveText('已完成');
  await expect(page.getByTestId('corpora')).toContainText('句子');
  await expectNoSidewaysScroll(page);
  await shot(page, testInfo, 'documents-zh-800x600');

  // Train: a pairs file with no usable line; the problem is said once, under the presets.
  const bad = path.join(fs.realpathSync(server.allowedDir), 'bad-pairs.tsv');
  fs.writeFileSync(bad, 'only one column\nanother single column\n');
  await page.getByTestId('nav-train').click();
  await expect(page.getByRole('heading', { name: '训练模型' })).toBeVisible();
  await page.getByLabel('句子对文件（.tsv 或 .csv）').check();
  await page.getByTestId('train-pairs-file').fill(bad);
  await expect(page.getByTestId('train-estimate-error')).toContainText('第 1 行', { timeout: 60_000 });
  await expect(page.getByTestId('train-estimate-error')).toHaveCount(1);
  const errorText = (await page.getByTestId('train-estimate-error').textContent())!;
  expect(errorText.split('第 1 行').length - 1).toBe(1);
  // Said in Chinese: the engine's English reason is not shown (only the file's path and the header names are Latin).
  expect(errorText.replace(bad, '').replace(/sentence[12]/g, '')).not.toMatch(/[A-Za-z]{4}/);
  await expect(page.getByTestId('preset-estimate-quick')).toHaveText('无法估算');
  await shot(page, testInfo, 'train-zh-bad-pairs-800x600');

  // A tiny run from the corpus; the loss chart fits the window.
  await page.getByLabel('语料库（来自您文档的句子）').check();
  await page.getByTestId('train-advanced').locator('summary').click();
  await page.getByTestId('train-cycles').fill('1');
  await page.getByTestId('train-max-pairs').fill('20');
  await page.getByTestId('train-start').click();
  const panel = page.getByTestId('run-panel');
  await expect(panel.getByTestId('run-status')).toHaveAttribute('data-status', 'done', { timeout: 400_000 });
  const chart = panel.getByTestId('loss-chart');
  await expect(chart).toBeVisible();
  expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(1);
  const canvasWidth = await chart
    .locator('canvas')
    .first()
    .evaluate((c) => c.getBoundingClientRect().width);
  expect(canvasWidth).toBeLessThanOrEqual(800);
  await expectNoSidewaysScroll(page);
  await chart.scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'train-zh-done-800x600');

  // Runs lists it in Chinese.
  await page.getByTestId('nav-runs').click();
  await expect(page.getByTestId('run-row').first()).toContainText('已完成');
  await expectNoSidewaysScroll(page);
  await shot(page, testInfo, 'runs-zh-800x600');

  // Wider, then narrower again: the chart follows the window both ways.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByTestId('nav-train').click();
  await expect
    .poll(() =>
      page
        .getByTestId('loss-chart')
        .locator('canvas')
        .first()
        .evaluate((c) => c.getBoundingClientRect().width),
    )
    .toBeGreaterThan(900);
  await page.setViewportSize({ width: 800, height: 600 });
  await expect
    .poll(() =>
      page
        .getByTestId('loss-chart')
        .locator('canvas')
        .first()
        .evaluate((c) => c.getBoundingClientRect().width),
    )
    .toBeLessThanOrEqual(760);
  await expectNoSidewaysScroll(page);
});
