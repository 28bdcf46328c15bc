/**
 * What every screen's spec does with the page: window sizes, screenshots for review, the
 * no-sideways-scroll check and the console watch. One copy, so the specs check the same things.
 */
import { expect, type Page, type TestInfo } from '@playwright/test';
import fs from 'node:fs';

export const SMALL = { width: 800, height: 600 };
export const LARGE = { width: 1280, height: 860 };

/** Where the screenshots for review are gathered (relative to the repository root). */
export const SCREENSHOTS = 'test-results/screenshots';

/**
 * Saves a screenshot under the test's output folder, copies it to test-results/screenshots and
 * attaches it to the report. `before`/`after` run around the capture (e.g. to pin a sticky bar).
 */
export async function shot(
  page: Page,
  testInfo: TestInfo,
  name: string,
  opts: { fullPage?: boolean; before?: () => Promise<unknown>; after?: () => Promise<unknown> } = {},
): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  const fullPage = opts.fullPage ?? true;
  // A full-page capture draws a bar that sticks to the window's bottom over the middle of the
  // page: there it is shown where it sits in the page (through the CSSOM: the app's Content
  // Security Policy refuses injected style sheets).
  const pinSticky = (position: string) =>
    page.evaluate((pos) => {
      for (const bar of document.querySelectorAll<HTMLElement>('[data-testid="dedup-move-bar"]')) bar.style.position = pos;
    }, position);
  if (fullPage) await pinSticky('static');
  await opts.before?.();
  await page.screenshot({ path: file, fullPage });
  await opts.after?.();
  if (fullPage) await pinSticky('');
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  fs.copyFileSync(file, `${SCREENSHOTS}/${name}.png`);
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** The page never scrolls sideways. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll).toBeLessThanOrEqual(client);
}

const REFUSAL_LOG = /^Failed to load resource: the server responded with a status of 4\d\d/;

/**
 * Collects what must not happen on a page: uncaught errors, console errors and Content Security
 * Policy violations. With `allowRefusals`, the browser's own log line for an API call the engine
 * refused (4xx, shown to the person in words) is expected. With `expectedResponses`, every HTTP
 * error response is checked instead: those matching one of the patterns ("404 /api/... body")
 * are expected, any other is an error.
 */
export function watchConsole(page: Page, opts: { allowRefusals?: boolean; expectedResponses?: RegExp[] } = {}): string[] {
  const errors: string[] = [];
  const checkResponses = opts.expectedResponses !== undefined;
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (checkResponses && /^Failed to load resource/.test(msg.text())) return;
    if (opts.allowRefusals && REFUSAL_LOG.test(msg.text())) return;
    errors.push(msg.text());
  });
  if (checkResponses) {
    page.on('response', async (res) => {
      if (res.status() < 400) return;
      const line = `${res.status()} ${new URL(res.url()).pathname} ${await res.text().catch(() => '')}`;
      if (!opts.expectedResponses!.some((re) => re.test(line))) errors.push(line);
    });
  }
  return errors;
}

/**
 * The same screen again at 800x600 (`<name>-800x600`), checked for sideways scrolling, then the
 * window is put back to its size before. For screens whose spec works at a large size.
 */
export async function shotSmall(
  page: Page,
  testInfo: TestInfo,
  name: string,
  capture: (name: string) => Promise<void> = (n) => shot(page, testInfo, n),
): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize(SMALL);
  await expectNoSidewaysScroll(page);
  await capture(`${name}-800x600`);
  if (before) await page.setViewportSize(before);
}
