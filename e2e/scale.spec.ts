// A 1 GiB mapping in real Chromium: the worker sends runs, not pages, and the
// views still say exactly what the engine has (the counts the CLI would give).
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

const gib = readFileSync(new URL('../bench/gib-vm_map_pages.json', import.meta.url));
const PAGES = 262_144;

test('the 1 GiB vm_map_pages scenario: PTE runs, frame ranges, changed frames and a paged trace', async ({
  page,
}, info) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  await page.goto('/');
  await expect(page.getByTestId('title')).toContainText('vm_insert_page');
  await page.getByTestId('import-file').setInputFiles({ name: 'gib.json', mimeType: 'application/json', buffer: gib });
  await expect(page.getByTestId('title')).toContainText('1 GiB');

  // After the mmap (cursor 2): every page mapped, every one of its frames changed.
  await page.getByTestId('scrubber').fill('2');
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', '2');
  await page.locator('[data-testid^=vma-]').first().click();
  const win = page.getByTestId('pte-window');
  await expect(win).toHaveAttribute('data-first', '-1');
  // Fitted, the whole mapping is in view: the page before it, its 262,144 pages, the page after.
  await expect(win).toHaveAttribute('data-count', String(PAGES + 2));
  // As runs: outside the VMA, then buf's pages in one run (vmalloc's frames are contiguous here), then outside.
  const run = page.locator('[data-testid=pte-run][data-first="0"]');
  await expect(run).toHaveAttribute('data-maps', 'buf[0]');
  await expect(run).toHaveAttribute('data-count', String(PAGES));
  await expect(page.locator(`[data-testid=pte-run][data-first="${PAGES}"]`)).toHaveAttribute('data-in-vma', 'false');
  await expect(run).toHaveAttribute('data-changed', 'true');

  const phys = page.getByTestId('phys-totals');
  await expect(phys).toHaveAttribute('data-used', /^26\d{4}$/);
  const buf = page.locator('[data-testid=frame-range][data-label=buf]');
  await expect(buf).toHaveCount(1);
  await expect(buf).toHaveAttribute('data-count', String(PAGES));
  await expect(buf).toHaveAttribute('data-mapped', String(PAGES));
  const changed = Number(await page.getByTestId('phys-changed').getAttribute('data-count'));
  expect(changed).toBeGreaterThan(PAGES); // the pages, and the page tables the mmap allocated

  // The mmap's trace: the first page of rows, the rest on request, and what was not kept.
  const why = page.locator('.why-panel');
  await expect(why.getByTestId('why-dropped')).toContainText('more routine events of this step were not kept');
  await expect(page.getByTestId('why-list').locator('> li')).toHaveCount(200);
  await page.getByRole('button', { name: /^show 200 more/ }).click();
  await expect(page.getByTestId('why-list').locator('> li')).toHaveCount(400);

  // The end: the last page's PTE is in a window far from the first.
  await page.getByTestId('scrubber').fill('7');
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', '7');
  await expect(page.getByTestId('result')).toHaveAttribute('data-result', /"mapcount":1/);
  await page.screenshot({ path: info.outputPath('gib-end.png') });
  expect(problems).toEqual([]);
});
