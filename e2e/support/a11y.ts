/**
 * The labels and keyboard sweep: every control a person can reach has a name a screen reader
 * can say, and Tab from a view's heading reaches the view's main actions.
 */
import { expect, type Page } from '@playwright/test';

const CONTROLS = 'button, input:not([type="hidden"]), select, textarea, a[href], [role="button"], summary';

/**
 * The visible controls of the page with no accessible name, each as a short piece of its HTML.
 * The name is Playwright's own computation (ARIA's accessible name: aria-labelledby, aria-label,
 * a label, the text, the title, ...), so a control counts as labelled only as a screen reader
 * would say it. Closed <details> are opened first so that what they hold is checked too.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  await page.evaluate(() => document.querySelectorAll('details:not([open])').forEach((d) => ((d as HTMLDetailsElement).open = true)));
  const controls = page.locator(CONTROLS);
  const missing: string[] = [];
  for (const control of await controls.all()) {
    if (!(await control.isVisible())) continue;
    try {
      await expect(control).toHaveAccessibleName(/\S/, { timeout: 200 });
    } catch {
      missing.push((await control.evaluate((el) => el.outerHTML)).slice(0, 200));
    }
  }
  return missing;
}

/**
 * What Tab reaches from where the focus is, in order, as "testid" or "role: name", for up to
 * `limit` presses (stops when the focus leaves the main area or comes round again).
 */
export async function tabOrder(page: Page, limit = 80): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const here = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      if (!el.closest('main')) return null;
      return (
        el.dataset.testid ??
        `${el.getAttribute('role') ?? el.tagName.toLowerCase()}: ${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 60)}`
      );
    });
    if (here === null) break;
    seen.push(here);
  }
  return seen;
}
