/**
 * The model library, knowing whether training helped, and the Check screen's highlights and bulk
 * files, as a person uses them, in English and in Chinese, at a desktop size and at 800x600,
 * against the real server with a fresh data folder. Screenshots for review.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { expectNoSidewaysScroll, LARGE, shot, SMALL, watchConsole } from './support/page';
import { startServerProcess, type ServerUnderTest } from './support/startServer';
import { findStsbDev, NO_SHARED_DATA } from './support/trainingFixtures';

let server: ServerUnderTest;
let allowed: string;
const ROOT = path.resolve(import.meta.dirname, '..');

test.beforeAll(async () => {
  server = await startServerProcess();
  allowed = fs.realpathSync(server.allowedDir);
  fs.cpSync(path.join(ROOT, 'tests/fixtures/hf/bert-vocab'), path.join(allowed, 'tiny-bert'), { recursive: true });
  fs.mkdirSync(path.join(allowed, 'not-a-model'));
  fs.writeFileSync(path.join(allowed, 'not-a-model', 'notes.txt'), 'no model here\n');
  fs.mkdirSync(path.join(allowed, 'exports'));
  fs.cpSync(path.join(ROOT, 'resources/sample-corpus'), path.join(allowed, 'corpus'), { recursive: true });
  const { jobId } = await server.call<{ jobId: string }>('corpora.create', { name: 'sample', path: path.join(allowed, 'corpus') });
  await server.waitJob(jobId);
});
test.afterAll(async () => {
  await server?.stop();
});

/** 120 scored pairs of STS-B dev, as a person's pairs file with known answers. */
function stsbSample(): { name: string; mimeType: string; buffer: Buffer } {
  const lines = fs.readFileSync(findStsbDev()!, 'utf8').split('\n').slice(0, 121);
  return { name: 'stsb-sample.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(lines.join('\n') + '\n') };
}

/** A pairs file with a score column, a broken line and a negation. */
function bulkFile(): { name: string; mimeType: string; buffer: Buffer } {
  const rows = [
    'score\tsentence1\tsentence2',
    '5\tA man is playing a guitar.\tA man plays the guitar.',
    '0\tA cat sleeps on the sofa.\tThe stock market fell sharply today.',
    'only one column here',
    '1\tThe contract must be approved by the board.\tThe contract must not be approved by the board.',
  ];
  return { name: 'my-pairs.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(rows.join('\n') + '\n') };
}

test.describe('English', () => {
  test.use({ locale: 'en-US' });

  test('model library: built-in first and protected, import (a bad folder said plainly), rename, export, compare on known answers, delete with a warning', async ({
    page,
  }, testInfo) => {
    test.skip(!findStsbDev(), NO_SHARED_DATA);
    test.setTimeout(300_000);
    const errors = watchConsole(page, { allowRefusals: true });
    await page.setViewportSize(LARGE);
    await page.goto(server.launchUrl);
    await page.getByTestId('nav-models').click();
    await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
    await expect(page.getByTestId('score-history-empty')).toBeVisible();

    // A folder that is not a model: said in words, with what it needs.
    await page.getByTestId('import-dir').fill(path.join(allowed, 'not-a-model'));
    await page.getByTestId('import-submit').click();
    await expect(page.getByTestId('import-error')).toContainText('is not a model the app can use. It needs config.json');

    // A real (tiny) BERT folder, from the keyboard.
    await page.getByTestId('import-dir').fill(path.join(allowed, 'tiny-bert'));
    await page.getByTestId('import-name').fill('Tiny BERT');
    await page.getByTestId('import-name').press('Enter');
    await expect(page.getByTestId('models-notice')).toHaveText('Added “Tiny BERT”.');
    const details = page.getByTestId('model-details');
    await expect(details.getByRole('heading', { name: 'Tiny BERT' })).toBeVisible();
    await expect(details.getByTestId('model-lineage')).toContainText('Tiny BERT');
    await expect(details.getByTestId('export-project')).toBeDisabled();

    await details.getByTestId('model-name').fill('Tiny BERT (random weights)');
    await details.getByTestId('model-name').press('Enter');
    await expect(details.getByTestId('model-notice')).toHaveText('Renamed to “Tiny BERT (random weights)”.');
    await expect(page.getByTestId('model-table')).toContainText('Tiny BERT (random weights)');

    await details.getByTestId('export-dir').fill(path.join(allowed, 'exports'));
    await details.getByTestId('export-submit').click();
    await expect(details.getByTestId('model-notice')).toContainText('Exported to', { timeout: 60_000 });
    const exported = fs.readdirSync(path.join(allowed, 'exports'));
    expect(exported).toEqual(['Tiny BERT -random weights- onnx']);
    expect(fs.existsSync(path.join(allowed, 'exports', exported[0]!, 'model.onnx'))).toBe(true);

    // Compare the built-in model with it on 120 STS-B pairs with known answers.
    await page.getByTestId('compare-source-file').check();
    await page.getByTestId('compare-file').setInputFiles(stsbSample());
    await expect(page.getByTestId('compare-file-summary')).toContainText('120 pairs, 120 with a known answer, 0 lines left out');
    const second = page.getByTestId('compare-second');
    await second.selectOption({ label: 'Tiny BERT (random weights) (a folder you added)' });
    await page.getByTestId('compare-submit').click();
    await expect(page.getByTestId('compare-result')).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('compare-result')).toHaveAttribute('data-verdict', 'first');
    await expect(page.getByTestId('compare-verdict')).toContainText('Built-in USE lite (English) is better than Tiny BERT (random weights)');
    await expect(page.getByTestId('score-history')).toHaveAttribute('data-points', '2');
    await expect(page.getByTestId('model-table')).toContainText('on stsb-sample.tsv');
    await expectNoSidewaysScroll(page);
    await shot(page, testInfo, 'models-en');

    // The built-in model: no delete.
    await page.getByRole('button', { name: 'Open Built-in USE lite (English)' }).click();
    await expect(page.getByTestId('model-builtin-note')).toHaveText('Built-in models cannot be deleted.');
    await expect(page.getByTestId('model-delete')).toHaveCount(0);
    await expect(page.getByTestId('model-evaluations')).toContainText('stsb-sample.tsv');

    // Delete asks first and says what happens; Escape cancels, then delete for real.
    await page.getByRole('button', { name: 'Open Tiny BERT (random weights)' }).click();
    await page.getByTestId('model-delete').click();
    const dialog = page.getByTestId('delete-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('The folder you added it from stays on disk.');
    await shot(page, testInfo, 'models-en-delete-dialog');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('model-delete')).toBeFocused();
    await page.getByTestId('model-delete').click();
    await dialog.getByTestId('delete-confirm').click();
    await expect(page.getByTestId('models-notice')).toHaveText('Deleted “Tiny BERT (random weights)”.');
    await expect(page.getByTestId('model-table')).not.toContainText('Tiny BERT');
    expect(fs.existsSync(path.join(allowed, 'tiny-bert', 'config.json'))).toBe(true);

    await page.setViewportSize(SMALL);
    await expectNoSidewaysScroll(page);
    await shot(page, testInfo, 'models-en-800x600');
    expect(errors).toEqual([]);
  });

  test('label suggested pairs from the keyboard, then measure the built-in model on them', async ({ page }, testInfo) => {
    test.setTimeout(180_000);
    const errors = watchConsole(page, { allowRefusals: true });
    await page.setViewportSize(SMALL);
    await page.goto(server.launchUrl);
    await page.getByTestId('nav-models').click();
    await page.getByTestId('label-suggest').click();
    const pairs = page.getByTestId('label-pair');
    await expect(pairs).toHaveCount(8, { timeout: 90_000 });
    // Focus lands on the first question; answering moves on to the next pair.
    await expect(pairs.first().getByTestId('label-yes')).toBeFocused();
    for (let i = 0; i < 8; i++) {
      // The suggestions go from the most to the least similar: the first half "yes", the rest "no".
      if (i < 4) await page.keyboard.press('Enter');
      else {
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
      }
      await expect(pairs.nth(i)).toHaveAttribute('data-answer', i < 4 ? 'yes' : 'no');
    }
    await expect(page.getByTestId('label-count')).toHaveText('You have labelled 8 pairs.');
    await page.getByTestId('compare-source-labels').check();
    await expect(page.getByTestId('compare-source-labels')).toBeChecked();
    await page.getByTestId('compare-submit').click();
    await expect(page.getByTestId('compare-result')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('compare-result')).toContainText('Results on your labelled pairs (8 pairs)');
    await expect(page.getByTestId('compare-result')).toContainText('Only 8 pairs: treat this as a first impression');
    await expectNoSidewaysScroll(page);
    await shot(page, testInfo, 'models-en-labels-800x600');
    expect(errors).toEqual([]);
  });

  test('Check: the words that drive the score, and a bulk pairs file checked and saved as CSV', async ({ page }, testInfo) => {
    test.setTimeout(180_000);
    const errors = watchConsole(page, { allowRefusals: true });
    await page.setViewportSize(LARGE);
    await page.goto(server.launchUrl);
    await page.getByTestId('nav-check').click();
    await page.getByTestId('check-a').fill('The contract must be approved by the board.');
    await page.getByTestId('check-b').fill('The contract must not be approved by the board.');
    await page.getByTestId('check-b').press('Control+Enter');
    const highlights = page.getByTestId('check-highlights');
    await expect(highlights).toBeVisible({ timeout: 60_000 });
    const not = page.getByTestId('highlight-b').locator('span.word', { hasText: /^not$/ });
    await expect(not).toHaveAttribute('data-shared', 'false');
    expect(Number(await not.getAttribute('data-effect'))).toBeLessThan(0);
    // The model barely reacts to "not" (which is why it calls these paraphrases): it is marked, but weakly.
    await expect(page.getByTestId('highlight-table')).toBeVisible();
    // Editing a text hides the highlights with the verdict.
    await page.getByTestId('check-a').press('End');
    await page.getByTestId('check-a').press('Backspace');
    await expect(highlights).toHaveCount(0);
    await page.getByTestId('check-a').press('Control+Enter');
    await expect(highlights).toBeVisible({ timeout: 60_000 });

    await page.getByTestId('bulk-file').setInputFiles(bulkFile());
    await expect(page.getByTestId('bulk-summary')).toHaveText('3 pairs read, 1 line left out.');
    await page.getByTestId('bulk-problems').locator('summary').click();
    await expect(page.getByTestId('bulk-problems')).toContainText('line 4: expected 3 tab-separated fields, found 1');
    await page.getByTestId('bulk-start').click();
    await expect(page.getByTestId('bulk-result')).toContainText('3 pairs checked', { timeout: 60_000 });
    await expect(page.getByTestId('bulk-row')).toHaveCount(3);
    await expect(page.getByTestId('bulk-row').nth(2)).toContainText('negation differs');
    await expectNoSidewaysScroll(page);
    await shot(page, testInfo, 'check-en-highlights-bulk');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bulk-save').click()]);
    expect(download.suggestedFilename()).toBe('my-pairs-checked.csv');
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const lines = csv
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('pair,text_a,text_b,bi_score,cross_score,verdict,threshold,known_score,negation_mismatch,unsupported_languages,truncated');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^1,A man is playing a guitar\.,A man plays the guitar\.,0\.\d+,,paraphrase,/);
    expect(lines[3]).toMatch(/,1,true,,false$/);
    await page.setViewportSize(SMALL);
    await expectNoSidewaysScroll(page);
    await shot(page, testInfo, 'check-en-highlights-bulk-800x600');
    expect(errors).toEqual([]);
  });
});

test.describe('Chinese at 800x600', () => {
  test.use({ locale: 'zh-CN', viewport: SMALL });

  test('模型库、删除确认、引擎错误的中文说明、词语高亮和批量比对', async ({ page }, testInfo) => {
    test.setTimeout(240_000);
    const errors = watchConsole(page, { allowRefusals: true });
    await page.goto(server.launchUrl);
    await page.getByTestId('nav-models').click();
    await expect(page.getByRole('heading', { name: '模型', exact: true })).toBeVisible();

    // The engine's refusal, worded in Chinese from its reason.
    await page.getByTestId('import-dir').fill(path.join(allowed, 'not-a-model'));
    await page.getByTestId('import-submit').click();
    await expect(page.getByTestId('import-error')).toContainText('不是应用能使用的模型');
    await page.getByTestId('import-dir').fill(path.join(allowed, 'nowhere'));
    await page.getByTestId('import-submit').click();
    await expect(page.getByTestId('import-error')).toContainText('不存在。请检查路径');
    await page.getByTestId('import-dir').fill(path.join(allowed, 'tiny-bert'));
    await page.getByTestId('import-submit').click();
    await expect(page.getByTestId('models-notice')).toHaveText('已添加“tiny-bert”。');
    await expect(page.getByTestId('model-lineage')).toContainText('您添加的文件夹');
    await expectNoSidewaysScroll(page);
    await shot(page, testInfo, 'models-zh-800x600');

    await page.getByTestId('model-delete').click();
    await expect(page.getByTestId('delete-dialog')).toContainText('应用会忘掉它和它的得分');
    await shot(page, testInfo, 'models-zh-delete-dialog-800x600');
    await page.getByTestId('delete-dialog').getByTestId('delete-confirm').click();
    await expect(page.getByTestId('models-notice')).toHaveText('已删除“tiny-bert”。');

    // Labelled pairs from the English test are there: measure on them, in Chinese.
    await page.getByTestId('compare-source-labels').check();
    await page.getByTestId('compare-submit').click();
    await expect(page.getByTestId('compare-result')).toContainText('在“您标注的句对”上的结果', { timeout: 60_000 });
    await expect(page.getByTestId('label-count')).toContainText('您已标注');
    await expectNoSidewaysScroll(page);
    await shot(page, testInfo, 'models-zh-compare-800x600');

    await page.getByTestId('nav-check').click();
    await page.getByTestId('check-a').fill('The contract must be approved by the board.');
    await page.getByTestId('check-b').fill('The contract must not be approved by the board.');
    await page.getByTestId('check-submit').click();
    await expect(page.getByTestId('check-highlights')).toContainText('哪些词决定了分数', { timeout: 60_000 });
    await page.getByTestId('bulk-file').setInputFiles(bulkFile());
    await expect(page.getByTestId('bulk-summary')).toHaveText('读到 3 个句对，跳过 1 行。');
    await page.getByTestId('bulk-problems').locator('summary').click();
    await expect(page.getByTestId('bulk-problems')).toContainText('第 4 行：应有 3 个以制表符分隔的字段，实际有 1 个');
    await page.getByTestId('bulk-start').click();
    await expect(page.getByTestId('bulk-result')).toContainText('已比对 3 个句对', { timeout: 60_000 });
    await expect(page.getByTestId('bulk-row').nth(2)).toContainText('否定不一致');
    await expectNoSidewaysScroll(page);
    await shot(page, testInfo, 'check-zh-highlights-bulk-800x600');
    expect(errors).toEqual([]);
  });
});
