import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

const expectedPath = new URL(
  '../test/conformance/vm_insert_page-alloc_pages-order0-shared.expected.json',
  import.meta.url,
);
const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as { kernel: string; results: unknown[] };

test('placeholder page runs the default scenario in the engine worker and shows its results', async ({
  page,
}, testInfo) => {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ptlab');
  await expect(page.getByTestId('status')).toHaveText('done');

  // The results were computed in the worker, not on the page.
  expect(page.workers()).toHaveLength(1);
  expect(page.workers()[0]?.url()).toMatch(/engine/);

  const table = page.getByTestId('results');
  await expect(table).toBeVisible();
  await expect(page.getByTestId('kernel')).toHaveText(`kernel ${expected.kernel}`);

  const mmapResult = table.locator('tr[data-step="2"] [data-result]');
  await expect(mmapResult).toHaveAttribute('data-result', /"vm_insert_page"/);

  const rows = table.locator('tbody tr[data-step]');
  await expect(rows).toHaveCount(expected.results.length);
  const shown = await table
    .locator('[data-result]')
    .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-result')));
  // Deep equality ignores key order, as the conformance comparison does.
  expect(shown.map((json) => JSON.parse(json ?? 'null'))).toEqual(expected.results);

  const screenshot = testInfo.outputPath('placeholder.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach('placeholder', { path: screenshot, contentType: 'image/png' });

  expect(problems).toEqual([]);
});
