// Share, embed, keep and export the workspace in real Chromium: a link opened in a
// fresh browser context lands on the same scenario, step, profile, selection and
// picture; a broken link says so and opens the default; an embed hides the editor.
import { expect, type Page, test } from '@playwright/test';
import LZString from 'lz-string';

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  return problems;
}

/** The workspace in a link's fragment (null when it has none). */
function workspaceOf(
  url: string,
): { cursor: number; kernel: string | null; selection: { mapping: string | null } } | null {
  const m = /[#&]w=([^&]*)/.exec(new URL(url).hash);
  if (!m?.[1]) return null;
  const json = LZString.decompressFromEncodedURIComponent(m[1]);
  return json ? JSON.parse(json) : null;
}

async function gotoStep(page: Page, cursor: number): Promise<void> {
  await page.getByTestId('scrubber').fill(String(cursor));
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', String(cursor));
}

async function ptes(page: Page): Promise<string[]> {
  return page.getByTestId('pte-run').evaluateAll((els) =>
    els.map((e) =>
      [...e.attributes]
        .filter((a) => a.name.startsWith('data-'))
        .map((a) => `${a.name}=${a.value}`)
        .join(' '),
    ),
  );
}

const DEFAULT_TITLE = 'vm_insert_page';

test('a copied link opens the same workspace in a new browser context', async ({ page, browser }) => {
  const problems = watchProblems(page);
  await page.goto('/');
  await expect(page.getByTestId('title')).toContainText(DEFAULT_TITLE);
  const entries = await page.evaluate('history.length');
  await gotoStep(page, 5);
  await page.getByTestId('kernel-picker').selectOption('4.19');
  await expect(page.getByTestId('title')).toContainText(DEFAULT_TITLE);
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', '5');
  await page.getByTestId('vma-m').click();
  await expect(page.getByTestId('pte-selected')).toHaveAttribute('data-page', '0');
  await expect(page.getByTestId('pte-run').first()).toBeAttached();

  // The address bar follows (debounced) with no new history entries.
  await expect
    .poll(() => {
      const ws = workspaceOf(page.url());
      return ws && [ws.cursor, ws.kernel, ws.selection.mapping];
    })
    .toEqual([5, '4.19', 'm']);
  expect(await page.evaluate('history.length')).toBe(entries);

  await page.getByTestId('share-menu').locator('summary').click();
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-status')).toBeVisible();
  const link = page.url();
  const shown = page.getByTestId('share-link');
  if (await shown.count()) expect(await shown.inputValue()).toBe(link);
  await page.getByTestId('share-menu').locator('summary').click();

  const result = await page.getByTestId('result').getAttribute('data-result');
  const runs = await ptes(page);
  const picture = await page.locator('.area-ptes canvas').screenshot();

  const other = await browser.newContext();
  const second = await other.newPage();
  const problems2 = watchProblems(second);
  await second.goto(link);
  await expect(second.getByTestId('title')).toContainText(DEFAULT_TITLE);
  await expect(second.getByTestId('cursor')).toHaveAttribute('data-cursor', '5');
  await expect(second.getByTestId('kernel-picker')).toHaveValue('4.19');
  await expect(second.getByTestId('result')).toHaveAttribute('data-result', result ?? '');
  await expect(second.getByTestId('pte-selected')).toHaveAttribute('data-page', '0');
  await expect.poll(() => ptes(second)).toEqual(runs);
  await expect
    .poll(async () => Buffer.compare(await second.locator('.area-ptes canvas').screenshot(), picture))
    .toBe(0);
  await expect(second.getByTestId('message')).toHaveCount(0);
  await other.close();
  expect(problems).toEqual([]);
  expect(problems2).toEqual([]);
});

test('the workspace is kept across reloads', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/');
  await expect(page.getByTestId('title')).toContainText(DEFAULT_TITLE);
  await gotoStep(page, 7);
  await page.getByTestId('kernel-picker').selectOption('5.10');
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', '7');
  // Saved about a second after the last change; a reload without the link restores it.
  await page.waitForTimeout(1500);
  await page.goto('/');
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', '7');
  await expect(page.getByTestId('kernel-picker')).toHaveValue('5.10');
  expect(problems).toEqual([]);
});

test('a truncated link shows the message and opens the default scenario', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/');
  await gotoStep(page, 5);
  await expect.poll(() => workspaceOf(page.url())?.cursor).toBe(5);
  const link = page.url();
  const fresh = await page.context().browser()?.newContext();
  if (!fresh) throw new Error('no browser');
  const p = await fresh.newPage();
  const problems2 = watchProblems(p);
  await p.goto(link.slice(0, link.length - 40));
  await expect(p.getByTestId('message')).toContainText('This link could not be opened');
  await expect(p.getByTestId('message')).toContainText('truncated or corrupt');
  await expect(p.getByTestId('message')).toContainText('The default scenario is open instead.');
  await expect(p.getByTestId('title')).toContainText(DEFAULT_TITLE);
  await expect(p.getByTestId('cursor')).toHaveAttribute('data-cursor', '0');
  await fresh.close();
  expect(problems).toEqual([]);
  expect(problems2).toEqual([]);
});

test('an embed link hides the scenario editor and keeps stepping', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/');
  await gotoStep(page, 3);
  await expect.poll(() => workspaceOf(page.url())?.cursor).toBe(3);
  const embed = page.url().replace('#w=', '#embed=1&w=');
  await page.goto('about:blank');
  await page.goto(embed);
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', '3');
  await expect(page.locator('html')).toHaveAttribute('data-embed', 'true');
  await expect(page.getByTestId('scenario-panel')).toBeHidden();
  await expect(page.getByRole('button', { name: /scenario/ })).toBeHidden();
  await expect(page.getByTestId('touch-read')).toBeHidden();
  await expect(page.getByTestId('result')).toBeVisible();
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', '2');
  await expect.poll(() => page.url()).toMatch(/#embed=1&w=/);
  expect(problems).toEqual([]);
});

test('the views export as PNG and SVG, the driver as C', async ({ page }, info) => {
  const problems = watchProblems(page);
  await page.goto('/');
  await gotoStep(page, 3);
  await page.getByTestId('vma-m').click();
  const menu = page.getByTestId('share-menu').locator('summary');
  await menu.click();

  const save = async (id: string) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
    const path = await d.path();
    const { readFileSync } = await import('node:fs');
    return { name: d.suggestedFilename(), body: readFileSync(path) };
  };

  const svg = await save('export-svg');
  expect(svg.name).toMatch(/^ptlab-.*-step3\.svg$/);
  const text = svg.body.toString('utf8');
  expect(text.startsWith('<?xml')).toBe(true);
  expect(text).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
  expect(text).toContain('href="data:image/png;base64,');
  expect(text).toMatch(/data-area="space"[\s\S]*<svg/);
  // The SVG is well-formed XML.
  const parsed = await page.evaluate(
    `new DOMParser().parseFromString(${JSON.stringify(text)}, 'image/svg+xml').getElementsByTagName('parsererror').length`,
  );
  expect(parsed).toBe(0);

  const png = await save('export-png');
  expect(png.name).toMatch(/\.png$/);
  expect(png.body.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(png.body.length).toBeGreaterThan(5000);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(info.outputPath('export.png'), png.body);
  writeFileSync(info.outputPath('export.svg'), svg.body);

  const c = await save('export-c');
  expect(c.name).toBe('vm_insert_page_order.c');
  const code = c.body.toString('utf8');
  expect(code).toContain('Generated by ptlab from scenario "vm_insert_page');
  expect(code).toContain('ret = vm_insert_page(vma, vma->vm_start, p);');
  expect(problems).toEqual([]);
});
