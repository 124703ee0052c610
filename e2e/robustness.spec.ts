/// <reference lib="dom" />
// (page.evaluate callbacks run in the page: DOM types for them.)
// Robustness in real Chromium against the production build: the strict CSP holds with no
// violation, a killed, throwing or hanging worker is replaced and the scenario restored at
// the same step, malformed files (imported or pasted) leave the workspace as it was, and a
// scenario title is only ever text.
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';

const badInput = (name: string) => readFileSync(new URL(`../test/bad-input/${name}`, import.meta.url), 'utf8');
const cases = JSON.parse(badInput('cases.json')) as { file: string; expect: string }[];
const BAD = ['truncated.json', 'single-quotes.json', 'proto-key.json', 'double-free.json', 'mmap-pages-unsafe.json'];

interface Problems {
  list: string[];
}

/** Collect console errors, page errors and CSP violations (reported by the page itself). */
async function watch(page: Page): Promise<Problems> {
  const p: Problems = { list: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') p.list.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => p.list.push(`page: ${e.message}`));
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return p;
}

async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

async function open(page: Page, query = '?test-hooks=1'): Promise<void> {
  await page.goto(`/${query}`);
  await expect(page.getByTestId('title')).toContainText('vm_insert_page');
}

async function gotoStep(page: Page, cursor: number): Promise<void> {
  await page.getByTestId('scrubber').fill(String(cursor));
  await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', String(cursor));
}

async function snapshot(page: Page) {
  await expect(page.getByTestId('result')).toHaveAttribute('data-result', /./);
  return {
    title: await page.getByTestId('title').textContent(),
    cursor: await page.getByTestId('cursor').getAttribute('data-cursor'),
    steps: await page.getByTestId('scrubber').getAttribute('max'),
    result: await page.getByTestId('result').getAttribute('data-result'),
  };
}

test.describe('content security policy', () => {
  test('the built app carries the strict policy and runs under it with no violation', async ({ page }) => {
    const problems = await watch(page);
    await open(page, '');
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    for (const d of [
      "default-src 'self'",
      "script-src 'self'",
      "img-src 'self' data: blob:",
      "worker-src 'self' blob:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ])
      expect(policy).toContain(d);
    expect(policy).not.toMatch(/unsafe-eval|https?:/);
    // style-src: 'self' plus the build's nonce for CodeMirror's <style> element, no 'unsafe-inline'.
    expect(policy).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}'(;|$)/);
    expect(policy).not.toContain('unsafe-inline');
    // No inline script anywhere in the document.
    expect(await page.locator('script:not([src])').count()).toBe(0);
    // Exercise the views, the editor (CodeMirror injects its styles), the compare view and the worker.
    await gotoStep(page, 3);
    await page.getByTestId('vma-m').click();
    await gotoStep(page, 8);
    await expect(page.locator('.cm-content')).toBeVisible();
    await page.locator('.cm-content').click();
    await page.keyboard.press('End');
    await page.keyboard.type(' ');
    await page.getByTestId('compare-picker').selectOption('4.19');
    await page.getByTestId('library').selectOption('vm_insert_page-kmalloc-slab');
    await expect(page.getByTestId('title')).toContainText('kmalloc');
    await gotoStep(page, 6);
    // CodeMirror's styles apply (its gutter is laid out as a flex box only with its base theme).
    const gutters = page.locator('.cm-gutters').first();
    if ((await gutters.count()) > 0) expect(await gutters.evaluate((el) => getComputedStyle(el).display)).toBe('flex');
    expect(await violations(page)).toEqual([]);
    expect(problems.list).toEqual([]);
  });
});

test.describe('worker failure', () => {
  test('a killed worker is restarted and the scenario restored at the same step', async ({ page }) => {
    const problems = await watch(page);
    await open(page);
    await gotoStep(page, 5);
    const before = await snapshot(page);
    const oldWorker = page.workers()[0];
    await page.evaluate(() => (window as unknown as { __ptlabKillWorker: () => void }).__ptlabKillWorker());
    await expect(page.getByTestId('message')).toContainText(
      'The engine stopped (the worker was killed); it was restarted and the scenario restored at step 5.',
    );
    await expect(page.getByTestId('cursor')).toHaveAttribute('data-cursor', '5');
    expect(await snapshot(page)).toEqual(before);
    await expect.poll(() => page.workers().filter((w) => w !== oldWorker).length).toBe(1);
    // Stepping still works on the new worker.
    await gotoStep(page, 9);
    const at9 = await snapshot(page);
    expect(at9.result).not.toBe(before.result);
    await gotoStep(page, 5);
    expect(await snapshot(page)).toEqual(before);
    expect(await violations(page)).toEqual([]);
    expect(problems.list).toEqual([]);
  });

  test('a worker that throws in a call, or hangs past its time limit, is restarted too', async ({ page }) => {
    await watch(page);
    await open(page);
    await gotoStep(page, 7);
    const before = await snapshot(page);
    type Hooks = { __ptlabEngine: { crash: (h: string) => Promise<unknown>; configure: (o: object) => void } };
    await page.evaluate(() => (window as unknown as Hooks).__ptlabEngine.crash('throw'));
    await expect(page.getByTestId('message')).toContainText(
      'The engine stopped (crash threw: crash requested by a test hook); it was restarted and the scenario restored at step 7.',
    );
    expect(await snapshot(page)).toEqual(before);
    await page.getByRole('button', { name: 'Dismiss the message' }).click();
    await page.evaluate(() => {
      const e = (window as unknown as Hooks).__ptlabEngine;
      e.configure({ timeouts: { crash: 500 } });
      return e.crash('hang');
    });
    await expect(page.getByTestId('message')).toContainText(
      'The engine stopped (no answer to crash within 500 ms); it was restarted and the scenario restored at step 7.',
    );
    expect(await snapshot(page)).toEqual(before);
    await gotoStep(page, 2);
    await gotoStep(page, 7);
    expect(await snapshot(page)).toEqual(before);
  });

  test('without ?test-hooks=1 the hooks are not installed', async ({ page }) => {
    await open(page, '');
    expect(await page.evaluate(() => typeof (window as { __ptlabKillWorker?: unknown }).__ptlabKillWorker)).toBe(
      'undefined',
    );
  });
});

test.describe('bad input in the browser', () => {
  for (const file of BAD) {
    const expected = cases.find((c) => c.file === file)?.expect ?? '';

    test(`importing ${file} shows its message and changes nothing`, async ({ page }) => {
      const problems = await watch(page);
      await open(page);
      await gotoStep(page, 4);
      const before = await snapshot(page);
      await page.getByTestId('import-file').setInputFiles({
        name: file,
        mimeType: 'application/json',
        buffer: Buffer.from(badInput(file)),
      });
      await expect(page.getByTestId('message')).toContainText(expected);
      expect(await snapshot(page)).toEqual(before);
      expect(problems.list).toEqual([]);
    });

    test(`pasting ${file} in the editor disables Run with its message and changes nothing`, async ({ page }) => {
      const problems = await watch(page);
      await open(page);
      await gotoStep(page, 4);
      const before = await snapshot(page);
      const content = page.locator('.cm-content');
      await expect(content).toBeVisible();
      await content.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.insertText(badInput(file) || ' ');
      await expect(page.getByTestId('editor-error')).toContainText(expected);
      await expect(page.getByTestId('run')).toBeDisabled();
      await expect(page.getByTestId('run-reason')).toContainText('Fix the error first');
      // Ctrl+Enter does not run it either.
      await page.keyboard.press('ControlOrMeta+Enter');
      expect(await snapshot(page)).toEqual(before);
      expect(problems.list).toEqual([]);
    });
  }
});

test('a title with markup is shown as text and never runs', async ({ page }) => {
  const problems = await watch(page);
  await open(page);
  const title = '<img src=x onerror="window.__xss=1">';
  const scenario = JSON.stringify({
    ptlab: 1,
    title,
    steps: [{ op: 'alloc', id: 'a', kind: 'get_zeroed_page' }],
  });
  await page.getByTestId('import-file').setInputFiles({
    name: 'xss.json',
    mimeType: 'application/json',
    buffer: Buffer.from(scenario),
  });
  await expect(page.getByTestId('title')).toHaveText(title);
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
  await expect(page.locator('.area-header img')).toHaveCount(0);
  await expect(page.locator('img[src=x]')).toHaveCount(0);
  expect(await violations(page)).toEqual([]);
  expect(problems.list).toEqual([]);
});
