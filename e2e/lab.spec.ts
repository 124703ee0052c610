// The lab in real Chromium: what the views show equals what the CLI prints for
// the same scenario at the same step. Screenshots of each main view are kept
// as test artifacts (test-results/playwright/...).
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';

const conformance = (name: string) => new URL(`../test/conformance/${name}`, import.meta.url);
const defaultExpected = JSON.parse(
  readFileSync(conformance('vm_insert_page-alloc_pages-order0-shared.expected.json'), 'utf8'),
) as { results: unknown[] };

/** Fail the test on any console error or page error. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  return problems;
}

async function open(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('title')).toContainText('vm_insert_page');
}

async function gotoStep(page: Page, cursor: number): Promise<void> {
  await page.getByTestId('scrubber').fill(String(cursor));
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', String(cursor));
}

async function result(page: Page): Promise<unknown> {
  const el = page.getByTestId('result');
  await expect(el).toHaveAttribute('data-result', /./);
  return JSON.parse((await el.getAttribute('data-result')) ?? 'null');
}

test('the default scenario loads in the worker; stepping forward and back shows the CLI results', async ({
  page,
}, info) => {
  const problems = watchProblems(page);
  await open(page);
  expect(page.workers()).toHaveLength(1);
  expect(page.workers()[0]?.url()).toMatch(/engine/);
  for (const k of [1, 3, 5, 9, 15, 4]) {
    await gotoStep(page, k);
    expect(await result(page)).toEqual(defaultExpected.results[k - 1]);
  }
  // Keyboard: right and left step the cursor.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', '5');
  expect(await result(page)).toEqual(defaultExpected.results[4]);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', '3');
  expect(await result(page)).toEqual(defaultExpected.results[2]);
  await page.screenshot({ path: info.outputPath('lab.png') });
  expect(problems).toEqual([]);
});

test('PTE, page walk and struct page views show the state at the step', async ({ page }, info) => {
  const problems = watchProblems(page);
  await open(page);
  // After the mmap (step 2) and before any touch: page 0 mapped RW, not dirty; refcount 2, mapcount 1.
  await gotoStep(page, 3);
  await page.getByTestId('vma-m').click();
  const sel = page.getByTestId('pte-selected');
  await expect(sel).toHaveAttribute('data-page', '0');
  await expect(sel).toHaveAttribute('data-present', 'true');
  await expect(sel).toHaveAttribute('data-write', 'true');
  await expect(sel).toHaveAttribute('data-dirty', 'false');
  await expect(sel).toHaveAttribute('data-value', /^0x80000000[0-9a-f]{5}027$/);
  await expect(page.getByTestId('walk-level-PTE')).toHaveAttribute('data-entry', /027$/);
  await expect(page.getByTestId('struct-page')).toHaveAttribute('data-refcount', '2');
  await expect(page.getByTestId('struct-page')).toHaveAttribute('data-mapcount', '1');
  // Pick that frame, so its struct page stays shown when no PTE maps it any more.
  const pfn = await page.getByTestId('struct-page').getAttribute('data-pfn');
  await page.getByTestId('walk-frame').getByRole('button').first().click();
  await expect(page.getByTestId('struct-page')).toHaveAttribute('data-pfn', pfn ?? '');
  await page.locator('.area-ptes').screenshot({ path: info.outputPath('pte-map.png') });
  await page.locator('.area-walk').screenshot({ path: info.outputPath('page-walk.png') });
  await page.locator('.area-phys').screenshot({ path: info.outputPath('physical.png') });
  await page.locator('.area-space').screenshot({ path: info.outputPath('address-space.png') });
  await page.locator('.area-why').screenshot({ path: info.outputPath('why.png') });
  await page.locator('.area-result').screenshot({ path: info.outputPath('result.png') });
  // After the write touch (step 8) the CPU set the dirty bit.
  await gotoStep(page, 8);
  await expect(sel).toHaveAttribute('data-dirty', 'true');
  await expect(sel).toHaveAttribute('data-value', /067$/);
  // After munmap (step 13) the page is gone and the reference dropped.
  await gotoStep(page, 14);
  await expect(page.getByTestId('struct-page')).toHaveAttribute('data-refcount', '1');
  await expect(page.getByTestId('struct-page')).toHaveAttribute('data-mapcount', '0');
  expect(problems).toEqual([]);
});

test('touching a page by clicking inserts a touch step and shows the fault', async ({ page }) => {
  const problems = watchProblems(page);
  await open(page);
  await gotoStep(page, 3);
  await page.getByTestId('vma-m').click();
  // Page 1 of the VMA was never inserted and the driver has no fault handler: SIGBUS.
  await page.locator('.area-ptes canvas').first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('pte-selected')).toHaveAttribute('data-page', '1');
  await expect(page.getByTestId('pte-selected')).toHaveAttribute('data-present', 'false');
  await page.getByTestId('touch-read').click();
  await expect(page.getByTestId('scrubber')).toHaveAttribute('max', String(defaultExpected.results.length + 1));
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', '4');
  expect(await result(page)).toEqual({ signal: 'SIGBUS', code: 'BUS_ADRERR', faults: [] });
  expect(problems).toEqual([]);
});

test('importing a broken file shows the message and keeps the old scenario', async ({ page }) => {
  const problems = watchProblems(page);
  await open(page);
  const steps = await page.getByTestId('scrubber').getAttribute('max');
  await page.locator('input[type=file]').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"ptlab": 1, "steps": [{"op": "mmapp", "id": "m"}]}'),
  });
  await expect(page.getByTestId('message')).toContainText('unknown op "mmapp"');
  await expect(page.getByTestId('title')).toContainText('vm_insert_page');
  await expect(page.getByTestId('scrubber')).toHaveAttribute('max', steps ?? '');
  await gotoStep(page, 3);
  expect(await result(page)).toEqual(defaultExpected.results[2]);
  expect(problems).toEqual([]);
});

test('the compare view marks the kmalloc difference: 0 on 4.19, -EINVAL on 6.1', async ({ page }, info) => {
  const problems = watchProblems(page);
  await open(page);
  await page.getByTestId('library').selectOption('vm_insert_page-kmalloc-slab');
  await expect(page.getByTestId('title')).toContainText('kmalloc');
  await page.getByTestId('compare-picker').selectOption('4.19');
  const mmapStep = page.locator('[data-testid=step][data-step="5"]');
  await expect(mmapStep).toHaveAttribute('data-differs', 'true');
  await gotoStep(page, 6);
  const shown = (await result(page)) as { calls: { ret: unknown }[] };
  expect(shown.calls.map((c) => c.ret)).toEqual(['-EINVAL', '-EINVAL', '-EINVAL', '-EINVAL']);
  const other = page.getByTestId('compare-result');
  await expect(other).toHaveAttribute('data-kernel', '4.19');
  await expect(other).toContainText('0');
  await page.screenshot({ path: info.outputPath('compare.png') });
  expect(problems).toEqual([]);
});
