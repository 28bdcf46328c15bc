/**
 * The screens for people who do not program, against the real back end: index a folder, train
 * a tiny Trans-Encoder run and follow it, find it in Runs with its models, check pairs with the
 * trained and the built-in model; and pause a run, then resume it from Runs.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { unlabelledControls } from './support/a11y';
import { shot, shotSmall, watchConsole } from './support/page';
import { startServerProcess, type ServerUnderTest } from './support/startServer';
import { findStsbDev, NO_SHARED_DATA, writeTrainingFolder, type TrainingFolder } from './support/trainingFixtures';

let server: ServerUnderTest;
let folder: TrainingFolder;

// Every test here trains on (or types) sentences of STS-B dev.
test.skip(!findStsbDev(), NO_SHARED_DATA);

test.beforeAll(async () => {
  server = await startServerProcess();
  folder = writeTrainingFolder(fs.realpathSync(server.allowedDir));
});

test.afterAll(async () => {
  await server?.stop();
});

async function openAdvancedAndSetTinyRun(page: Page, cycles: number): Promise<void> {
  await page.getByTestId('train-advanced').locator('summary').click();
  await page.getByTestId('train-cycles').fill(String(cycles));
  await page.getByTestId('train-max-pairs').fill('20');
}

test('keyboard navigation; missing input and API errors are said in words, and nothing starts', async ({ page }, testInfo) => {
  const errors = watchConsole(page, { allowRefusals: true });
  await page.goto(server.launchUrl);
  await expect(page.getByTestId('data-dir')).toBeVisible();

  // Arrow keys move along the navigation, Enter opens a view and focus lands on its heading.
  await page.getByTestId('nav-documents').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('nav-train')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('nav-train')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'Train a model' })).toBeFocused();

  // No corpus yet: the form says what to do instead of calling the engine.
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-form-error')).toContainText('index a folder under Documents');

  // A pairs file outside the chosen folders, and a file that holds no pairs: the engine's message, in the alert region.
  await page.getByLabel('A file of sentence pairs (.tsv or .csv)').check();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-form-error')).toContainText('path of a pairs file');
  await page.getByTestId('train-pairs-file').fill('/etc/hosts');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('error')).toContainText('outside the folders the app may read');
  await page.getByTestId('train-pairs-file').fill(folder.textFiles[0]!);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('error')).toContainText('No pair can be read');
  await expect(page.getByTestId('error')).toContainText('Line 1');
  await shot(page, testInfo, 'train-error');
  await shotSmall(page, testInfo, 'train-error-en');
  await page.getByRole('button', { name: 'Dismiss the error' }).click();
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(await server.call<unknown[]>('runs.list', {})).toEqual([]);

  // Runs is empty and says where to start; Check refuses two empty texts.
  await page.getByTestId('nav-runs').click();
  await expect(page.getByTestId('runs')).toContainText('No training run yet');
  await page.getByTestId('nav-check').click();
  await page.getByTestId('check-submit').click();
  await expect(page.getByTestId('check-missing')).toHaveText('Type or paste a text in both boxes.');
  await expect(page.getByTestId('check-a')).toBeFocused();
  await expect(page.getByTestId('check-result')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('train on an indexed folder, follow progress, see the run and its models, check pairs', async ({ page }, testInfo) => {
  // The first estimate measures training steps on the engine's backend (tens of seconds here).
  test.setTimeout(360_000);
  const errors = watchConsole(page);
  await page.goto(server.launchUrl);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

  // Documents: index the folder of text files.
  await page.getByTestId('nav-documents').click();
  await page.getByTestId('corpus-path').fill(path.dirname(folder.textFiles[0]!));
  await page.getByTestId('corpus-name').fill('sts sentences');
  await page.getByTestId('corpus-create').click();
  await expect(page.getByTestId('job-status').first()).toHaveText('finished', { timeout: 60_000 });
  await expect(page.getByTestId('corpora')).toContainText('sts sentences');

  // Train: the corpus is offered, the presets explain themselves, the advanced overrides make the run tiny.
  await page.getByTestId('nav-train').click();
  await expect(page.getByRole('heading', { name: 'Train a model' })).toBeFocused();
  await expect(page.getByTestId('train-corpus')).toContainText('sts sentences');
  await expect(page.getByTestId('preset-quick')).toBeChecked();
  await expect(page.getByText('A first tuned model on a laptop CPU: up to 2,000 pairs, 1 cycle.')).toBeVisible();
  await expect(page.getByText('More pairs, for larger corpora: up to 4,000 pairs, 1 cycle.')).toBeVisible();

  // Each preset says how long it would take on this machine's backend once a corpus is chosen
  // ("estimating…" while the engine measures steps); the selected one first.
  const quickEstimate = page.getByTestId('preset-estimate-quick');
  await expect(quickEstimate).toBeVisible();
  await expect(quickEstimate).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
  await expect(quickEstimate).toHaveText(/^about \d+ (s|min|h \d+ min) on \S+/);
  await expect(page.getByTestId('preset-estimate-paper')).toHaveText(/estimating…|^about /);
  await expect(page.getByTestId('train-estimate')).toContainText(`Estimated: ${(await quickEstimate.textContent())!.trim()}`);
  const fullEstimate = (await page.getByTestId('train-estimate').textContent())!;
  await openAdvancedAndSetTinyRun(page, 1);
  // The overrides make the run tiny, and the estimate follows (the shapes are measured already).
  await expect(page.getByTestId('train-estimate')).not.toHaveText(fullEstimate, { timeout: 60_000 });
  await expect(page.getByTestId('train-estimate')).toContainText(/Estimated: about \d+ (s|min) on \S+/);
  await shot(page, testInfo, 'train-form');
  await shotSmall(page, testInfo, 'train-form-en');
  await page.getByTestId('train-start').click();

  // Live progress: stage, cycle, step of total, an ETA in seconds, the current loss, and a Cancel (pause) button.
  const panel = page.getByTestId('run-panel');
  // The stage in plain words; the engine's own stage text stays in its title.
  await expect(panel.getByTestId('job-stage')).toHaveAttribute('title', /bi->cross|cross->bi/, { timeout: 90_000 });
  await expect(panel.getByTestId('job-stage')).toContainText(/learns from the/);
  await expect(panel.getByTestId('train-cycle')).toHaveText('1 of 1');
  await expect(panel.getByTestId('job-eta')).toHaveText(/about \d+ s left/, { timeout: 30_000 });
  await expect(panel.getByTestId('train-loss')).toHaveText(/^\d+\.\d{4}$/);
  await expect(panel.getByTestId('train-step')).toHaveText(/^\d+ of \d+$/);
  await expect(panel.getByTestId('job-cancel')).toHaveText('Pause');
  await expect(page.getByTestId('nav-training')).toBeVisible();
  await shot(page, testInfo, 'train-progress');

  // Done: the chosen cycle, the rule, and an honest answer to "is it better?" (no labels: an indication only).
  await expect(panel.getByTestId('run-status')).toHaveText('finished', { timeout: 180_000 });
  // One plain sentence: did the model get better (from the typed comparison), and which model the app hands back.
  await expect(panel.getByTestId('train-verdict')).toHaveAttribute('data-verdict', /^(better|same|worse)$/);
  await expect(panel.getByTestId('train-verdict')).toContainText('Did the model get better?');
  // The question is asked once; the box below says how it was answered.
  await expect(panel.getByText(/better than the one you started with\?|Did the model get better\?/)).toHaveCount(1);
  await expect(panel.getByTestId('run-judgement')).toContainText('How the app judged it');
  await expect(panel.getByTestId('train-hand-back')).toBeVisible();
  await expect(panel.getByTestId('run-chosen-cycle')).toHaveText('Chosen: cycle 1');
  await expect(panel.getByTestId('run-rule')).toContainText('held-out pairs');
  await expect(panel.getByTestId('run-judgement')).toHaveAttribute('data-kind', 'indication');
  await expect(panel.getByTestId('run-verdict')).toContainText('Estimated without labels');
  await expect(panel.getByTestId('cycle-table')).toContainText('(chosen)');
  const chartPoints = Number(await panel.getByTestId('loss-chart').getAttribute('data-points'));
  expect(chartPoints).toBeGreaterThan(1);
  await expect(panel.locator('canvas').first()).toBeVisible();
  await expect(page.getByTestId('nav-training')).toHaveCount(0);
  await shot(page, testInfo, 'train-done');
  await shotSmall(page, testInfo, 'train-done-en');

  // Runs: the run with its status and its two models.
  await page.getByTestId('nav-runs').click();
  const row = page.getByTestId('run-row').first();
  await expect(row).toHaveAttribute('data-status', 'done');
  await expect(row).toContainText('sts sentences');
  const models = page.getByTestId('run-models');
  await expect(models).toContainText('bi-encoder');
  await expect(models).toContainText('cross-encoder');
  await expect(models.locator('tr', { hasText: '(chosen)' })).toHaveCount(2);
  await shot(page, testInfo, 'runs');
  await shotSmall(page, testInfo, 'runs-en');
  // Labels sweep with a finished run on screen (its chart, cycle table and models): every control has a name.
  expect(await unlabelledControls(page)).toEqual([]);

  // Check with the run's chosen models: both scores, a verdict and the cross-encoder's threshold.
  await page.getByTestId('run-check-chosen').click();
  await expect(page.getByRole('heading', { name: 'Check a pair' })).toBeVisible();
  await expect(page.getByTestId('check-bi-model').locator('option:checked')).toContainText('bi-encoder');
  await expect(page.getByTestId('check-cross-model').locator('option:checked')).toContainText('cross-encoder');
  await page.getByTestId('check-a').fill('A man is playing a guitar.');
  await page.getByTestId('check-b').fill('A man plays the guitar.');
  await page.getByTestId('check-submit').click();
  const result = page.getByTestId('check-result');
  // The first check with trained models loads them (slow on a busy machine).
  await expect(result.getByTestId('check-verdict')).toHaveText(/^(Yes: these say the same thing|No: these say different things)$/, { timeout: 60_000 });
  await expect(result.getByTestId('check-bi-score')).toHaveText(/^-?\d\.\d{3}$/);
  await expect(result.getByTestId('check-cross-score')).toHaveText(/^\d\.\d{3}$/);
  await expect(result.getByTestId('check-threshold-used')).toHaveText('0.84');
  await expect(result.getByTestId('check-models')).toContainText('cycle 1');
  await shot(page, testInfo, 'check-trained');

  // The same pair with the built-in model only: the bi-encoder decides, against its own threshold.
  await page.getByTestId('check-bi-model').selectOption({ label: 'Built-in USE lite (English)' });
  await page.getByTestId('check-cross-model').selectOption({ label: 'None' });
  await page.getByTestId('check-submit').click();
  await expect(result.getByTestId('check-models')).toHaveText('Built-in USE lite (English)');
  await expect(result.getByTestId('check-cross-score')).toHaveText('not used');
  await expect(result.getByTestId('check-threshold-used')).toHaveText('0.83');
  // A near-identical pair is a paraphrase for the built-in model (cosine well above 0.83).
  await expect(result.getByTestId('check-verdict')).toHaveText('Yes: these say the same thing');
  const builtinScore = Number(await result.getByTestId('check-bi-score').textContent());
  expect(builtinScore).toBeGreaterThan(0.83);

  // Empty input is caught before any call, and said where it is.
  await page.getByTestId('check-a').fill('   ');
  await page.getByTestId('check-submit').click();
  await expect(page.getByTestId('check-missing')).toHaveText('The first text is empty.');
  await expect(page.getByTestId('check-a')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('check-a')).toBeFocused();
  await expect(result).toHaveCount(0);
  await shot(page, testInfo, 'check-empty');

  expect(errors).toEqual([]);
});

test('a run that is not better than the start says so in plain words and offers the start', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  // With the start's share at 1 the trained bi-encoder is the start model again: no better by construction.
  const { runId } = await server.call<{ runId: number }>('train.start', {
    preset: 'quick',
    pairsFile: folder.pairsFile,
    overrides: { cycles: 1, maxPairs: 20, biStartShare: 1 },
  });
  await expect.poll(async () => (await server.call<{ status: string }>('runs.get', { runId })).status, { timeout: 180_000 }).toBe('done');

  await page.goto(server.launchUrl);
  await page.getByTestId('nav-runs').click();
  await page.getByRole('button', { name: `Details of run ${runId}` }).click();
  const details = page.getByTestId('run-panel');
  await expect(details).toHaveAttribute('data-run-id', String(runId));
  await expect(details.getByTestId('train-verdict')).toHaveAttribute('data-verdict', 'same');
  await expect(details.getByTestId('train-verdict-answer')).toHaveText(
    'Not better than the model you started with. The app keeps offering the model you started with.',
  );
  await expect(details.getByTestId('train-hand-back')).toHaveText('Check and Duplicates will use the model you started with.');
  await expect(details.getByTestId('run-verdict')).toContainText('not better than the model you started with');
  await expect(details.getByTestId('run-verdict')).toContainText('the app keeps the model you started with');
  await expect(details.getByTestId('run-hand-back')).toContainText('The app offers the model you started with instead');
  await shot(page, testInfo, 'runs-not-better');
  expect(errors).toEqual([]);
});

test('cancel pauses a run; Resume in Runs finishes it from its checkpoint', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const errors = watchConsole(page);
  await page.goto(server.launchUrl);

  // Train from the pairs file, two cycles so that there is time to pause it.
  await page.getByTestId('nav-train').click();
  await page.getByLabel('A file of sentence pairs (.tsv or .csv)').check();
  await page.getByTestId('train-pairs-file').fill(folder.pairsFile);
  await openAdvancedAndSetTinyRun(page, 2);
  await page.getByTestId('train-start').click();

  const panel = page.getByTestId('run-panel');
  await expect(panel.getByTestId('train-step')).toHaveText(/^[1-9]\d* of \d+$/, { timeout: 90_000 });
  const runId = Number(await panel.getAttribute('data-run-id'));
  await panel.getByTestId('job-cancel').click();
  await expect(panel.getByTestId('run-status')).toHaveText('paused', { timeout: 60_000 });
  await expect(panel.getByTestId('run-error')).toContainText('can be resumed');
  const paused = await server.call<{ metrics: { name: string; step: number | null }[] }>('runs.get', { runId });
  const stepsBeforePause = Math.max(...paused.metrics.filter((m) => m.name === 'loss').map((m) => m.step ?? 0));

  // Runs: the paused run says so, and Resume continues it.
  await page.getByTestId('nav-runs').click();
  const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  await expect(row).toHaveAttribute('data-status', 'paused');
  await expect(row).toContainText('can be resumed');
  await page.getByRole('button', { name: `Details of run ${runId}` }).click();
  const details = page.getByTestId('run-panel');
  await expect(details).toHaveAttribute('data-run-id', String(runId));
  await shot(page, testInfo, 'runs-paused');
  await shotSmall(page, testInfo, 'runs-paused-en');
  await details.getByTestId('run-resume').click();
  await expect(details.getByTestId('job-status')).toHaveText('running');
  await expect(details.getByTestId('run-status')).toHaveText('finished', { timeout: 180_000 });
  await expect(details.getByTestId('run-chosen-cycle')).toHaveText(/Chosen: cycle [12]/);
  await expect(row).toHaveAttribute('data-status', 'done');
  await shot(page, testInfo, 'runs-resumed');

  // The resumed run went on from where it stopped: every step has exactly one loss, and the steps before the pause were kept.
  const done = await server.call<{ metrics: { stage: string; name: string; step: number | null }[]; models: { kind: string }[] }>('runs.get', { runId });
  const lossSteps = done.metrics.filter((m) => m.name === 'loss').map((m) => m.step!);
  expect(stepsBeforePause).toBeGreaterThan(0);
  expect(new Set(lossSteps).size).toBe(Math.max(...lossSteps));
  expect(done.models.filter((m) => m.kind === 'bi')).toHaveLength(2);
  expect(errors).toEqual([]);
});
