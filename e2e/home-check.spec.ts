import { expect, test } from '@playwright/test';
import { expectNoSidewaysScroll, LARGE, shot, SMALL, watchConsole } from './support/page';
import { startServerProcess, type ServerUnderTest } from './support/startServer';

// The home screen and the Check screen as a new user meets them, in English and in Chinese,
// at a desktop size and at 800x600, against the real server with a fresh data folder.

let server: ServerUnderTest;

test.beforeAll(async () => {
  server = await startServerProcess();
});
test.afterAll(async () => {
  await server?.stop();
});

test.describe('English (system language en-US)', () => {
  test.use({ locale: 'en-US' });

  test('first run: the home screen shows the next steps and the built-in model, no developer details', async ({ page }, testInfo) => {
    const errors = watchConsole(page);
    for (const [size, suffix] of [
      [LARGE, ''],
      [SMALL, '-800x600'],
    ] as const) {
      await page.setViewportSize(size);
      await page.goto(server.launchUrl);
      await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
      const steps = page.getByTestId('home-steps');
      // Three next steps; with no documents read yet, the first opens Documents.
      await expect(steps.getByRole('listitem')).toHaveCount(3);
      for (const step of ['1. Teach it your documents', '2. Check two texts', '3. Find duplicates']) await expect(steps).toContainText(step);
      await expect(page.getByTestId('home-step-train').getByRole('button')).toHaveText('Add a folder');
      await expect(page.getByTestId('home-models')).toContainText('Built-in USE lite (English)');
      await expect(page.getByTestId('home-models')).toContainText('English only');
      await expect(page.getByTestId('home-runs')).toContainText('No training run yet.');
      await expect(page.locator('header')).not.toContainText('schema');
      await expect(page.locator('header')).not.toContainText('http');
      await expect(page.getByText('Connection check')).toHaveCount(0);
      await expectNoSidewaysScroll(page);
      await shot(page, testInfo, `home-en${suffix}`);
    }
    // A next step opens its screen.
    await page.getByTestId('home-step-check').getByRole('button').click();
    await expect(page.getByRole('heading', { name: 'Check a pair' })).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('Check: Ctrl+Enter, plain verdict with scores, negation and language warnings, results cleared on edit, threshold and connection errors for people', async ({
    page,
  }, testInfo) => {
    const errors = watchConsole(page);
    await page.setViewportSize(LARGE);
    await page.goto(server.launchUrl);
    await page.getByTestId('nav-check').click();

    // Ctrl+Enter with empty boxes: said in words, nothing sent.
    await page.getByTestId('check-a').press('Control+Enter');
    await expect(page.getByTestId('check-missing')).toHaveText('Type or paste a text in both boxes.');

    // Opposite statements: high score, but the negation is pointed out.
    await page.getByTestId('check-a').fill('The request must be approved by a manager.');
    await page.getByTestId('check-b').fill('The request must not be approved by a manager.');
    await page.getByTestId('check-b').press('Control+Enter');
    const result = page.getByTestId('check-result');
    await expect(result).toBeVisible({ timeout: 60_000 });
    await expect(result.getByTestId('check-verdict')).toHaveText(/^(Yes: these say the same thing|No: these say different things)$/);
    await expect(result.getByTestId('check-bi-score')).toHaveText(/^\d\.\d{3}$/);
    expect(Number(await result.getByTestId('check-bi-score').textContent())).toBeGreaterThan(0.8);
    await expect(result.getByTestId('check-cross-score')).toHaveText('not used');
    await expect(result.getByTestId('check-negation')).toContainText('Models often miss this');
    await expect(result.getByTestId('check-trust')).toContainText('STS-B');
    await expect(result.getByTestId('check-language-warning')).toHaveCount(0);
    await shot(page, testInfo, 'check-en-negation');

    // Editing a text hides the verdict of the old texts.
    await page.getByTestId('check-b').fill('The request must not be approved by a manager!');
    await expect(result).toHaveCount(0);

    // A negative threshold is refused before anything is sent.
    let calls = 0;
    page.on('request', (req) => req.url().includes('/api/call/check.pair') && calls++);
    await page.getByTestId('check-threshold').fill('-0.5');
    await page.getByTestId('check-submit').click();
    await expect(page.getByTestId('check-missing')).toHaveText(/threshold must be a number from 0 to 1/);
    await expect(page.getByTestId('check-threshold')).toHaveAttribute('aria-invalid', 'true');
    await page.getByTestId('check-threshold').fill('1.5');
    await page.getByTestId('check-a').press('Control+Enter');
    await expect(page.getByTestId('check-missing')).toHaveText(/threshold must be a number from 0 to 1/);
    expect(calls).toBe(0);
    await page.getByTestId('check-threshold').fill('');

    // Two unrelated Chinese sentences with the English model: scores called unreliable.
    await page.getByTestId('check-a').fill('今天天气很好，我们去公园散步吧。');
    await page.getByTestId('check-b').fill('这家公司的股票昨天大跌。');
    await page.getByTestId('check-submit').click();
    await expect(result.getByTestId('check-language-warning')).toContainText('looks like Chinese', { timeout: 60_000 });
    await expect(result.getByTestId('check-language-warning')).toContainText('trained for English only');
    await expect(result).toHaveAttribute('data-unreliable', 'true');
    await page.setViewportSize(SMALL);
    await expectNoSidewaysScroll(page);
    await shot(page, testInfo, 'check-en-chinese-text-800x600');

    // The engine cannot be reached: a sentence with what to do, not "Failed to fetch".
    await page.route('**/api/call/check.pair', (route) => route.abort('connectionrefused'));
    await page.getByTestId('check-b').fill('这家公司的股票昨天大涨。');
    await page.getByTestId('check-submit').click();
    await expect(page.getByTestId('check-error')).toContainText('cannot reach its engine');
    await expect(page.getByTestId('check-error')).not.toContainText('Failed to fetch');
    await shot(page, testInfo, 'check-en-offline-800x600');
    await page.unroute('**/api/call/check.pair');
    expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
  });
});

test.describe('Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('the language follows the system, and the switch is kept across reloads', async ({ page }, testInfo) => {
    const errors = watchConsole(page);
    await page.setViewportSize(LARGE);
    await page.goto(server.launchUrl);
    await expect(page.getByRole('heading', { name: '欢迎' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByTestId('nav-check')).toHaveText('比对');
    await expect(page.getByTestId('home-models')).toContainText('只懂英文');
    await expectNoSidewaysScroll(page);
    await shot(page, testInfo, 'home-zh');
    await page.setViewportSize(SMALL);
    await expectNoSidewaysScroll(page);
    await shot(page, testInfo, 'home-zh-800x600');

    // Switch to English; a reload keeps the choice even though the system says Chinese.
    await page.getByTestId('language-switch').selectOption('en');
    await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
    await page.goto(server.launchUrl);
    await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
    await page.getByTestId('language-switch').selectOption('zh');
    await expect(page.getByRole('heading', { name: '欢迎' })).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('Check in Chinese: verdict, warnings and refusals in Chinese', async ({ page }, testInfo) => {
    await page.setViewportSize(LARGE);
    await page.goto(server.launchUrl);
    await page.getByTestId('nav-check').click();
    await expect(page.getByRole('heading', { name: '比对两段文字' })).toBeVisible();
    await page.getByTestId('check-a').fill('今天天气很好，我们去公园散步吧。');
    await page.getByTestId('check-b').fill('这家公司的股票昨天大跌。');
    await page.getByTestId('check-a').press('Control+Enter');
    const result = page.getByTestId('check-result');
    await expect(result.getByTestId('check-language-warning')).toContainText('这段文字看起来是中文', { timeout: 60_000 });
    await expect(result.getByTestId('check-verdict')).toHaveText(/^(是|否)：/);
    await shot(page, testInfo, 'check-zh-chinese-text');

    await page.getByTestId('check-a').fill('The request must be approved by a manager.');
    await expect(result).toHaveCount(0);
    await page.getByTestId('check-b').fill('The request must not be approved by a manager.');
    await page.getByTestId('check-submit').click();
    await expect(result.getByTestId('check-negation')).toContainText('否定词', { timeout: 60_000 });
    await page.setViewportSize(SMALL);
    await expectNoSidewaysScroll(page);
    await shot(page, testInfo, 'check-zh-negation-800x600');

    await page.getByTestId('check-threshold').fill('-1');
    await page.getByTestId('check-submit').click();
    await expect(page.getByTestId('check-missing')).toHaveText(/阈值必须是 0 到 1 之间的数/);
  });
});
