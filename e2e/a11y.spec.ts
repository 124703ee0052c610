/// <reference lib="dom" />
// (page.evaluate callbacks run in the page: DOM types for them.)
// Accessibility in real Chromium: axe finds no serious or critical violation in the lab
// (default scenario at a few steps, dark and light), every header and timeline control is
// reached by Tab with a visible focus ring, and the selected PTE is announced.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';

async function open(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto('/');
  await expect(page.getByTestId('title')).toContainText('vm_insert_page');
}

async function gotoStep(page: Page, cursor: number): Promise<void> {
  await page.getByTestId('scrubber').fill(String(cursor));
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', String(cursor));
}

async function seriousViolations(page: Page) {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
}

for (const scheme of ['light', 'dark'] as const) {
  test(`axe: no serious or critical violations (${scheme})`, async ({ page }) => {
    await open(page, scheme);
    const found: Record<string, unknown> = {};
    for (const k of [0, 3, 8]) {
      await gotoStep(page, k);
      if (k === 3) await page.getByTestId('vma-m').click();
      await expect(page.getByTestId('editor').locator('.cm-content')).toBeVisible();
      const v = await seriousViolations(page);
      if (v.length) found[`step ${k}`] = v;
    }
    expect(found).toEqual({});
  });
}

test('header and timeline controls are reached by Tab, each with a visible focus indicator', async ({ page }) => {
  await open(page, 'light');
  await gotoStep(page, 2);
  // Start from the top of the document.
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const seen: { where: string; name: string; visible: boolean }[] = [];
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const area = el.closest('[class*="area-"]')?.className.match(/area-(\w+)/)?.[1] ?? '';
      const cs = getComputedStyle(el);
      const outline = cs.outlineStyle !== 'none' && Number.parseFloat(cs.outlineWidth) > 0;
      const ring = cs.boxShadow !== 'none' && cs.boxShadow !== '';
      return {
        where: area,
        name:
          el.getAttribute('aria-label') ||
          el.getAttribute('data-testid') ||
          el.textContent?.trim().slice(0, 30) ||
          el.tagName,
        visible: outline || ring,
        key: `${area}:${el.tagName}:${el.getAttribute('data-testid') ?? ''}:${el.textContent?.slice(0, 20)}`,
      };
    });
    if (!info) continue;
    if (seen.some((s) => `${s.where}:${s.name}` === `${info.where}:${info.name}`) && info.where === 'header') break;
    seen.push(info);
  }
  const header = seen.filter((s) => s.where === 'header');
  const timeline = seen.filter((s) => s.where === 'timeline');
  expect(header.length, JSON.stringify(seen)).toBeGreaterThanOrEqual(3);
  expect(timeline.length, JSON.stringify(seen)).toBeGreaterThanOrEqual(3);
  const invisible = [...header, ...timeline].filter((s) => !s.visible);
  expect(invisible).toEqual([]);
  // The timeline is driven by keys once focused: the scrubber moves the cursor.
  await page.getByTestId('scrubber').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', '3');
});

test('the selected PTE is a polite live region that follows the selection', async ({ page }) => {
  await open(page, 'light');
  await gotoStep(page, 3);
  await page.getByTestId('vma-m').click();
  const sel = page.getByTestId('pte-selected');
  await expect(sel).toHaveAttribute('aria-live', 'polite');
  await expect(sel).toHaveAttribute('data-page', '0');
  const before = await sel.textContent();
  await page.locator('.area-ptes canvas').first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(sel).toHaveAttribute('data-page', '1');
  await expect(sel).not.toHaveText(before ?? '');
  expect(await sel.textContent()).toMatch(/1/);
  // The struct page of the selected frame is announced too (a live region or a status).
  const live = await page.locator('[aria-live], [role=status], [role=alert]').count();
  expect(live).toBeGreaterThanOrEqual(2);
});
