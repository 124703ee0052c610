#!/usr/bin/env node
// Reads the JSON reports of the test suites and prints one plain closing line,
// `N passed, N failed`, with the totals of all suites. A missing or unreadable
// report counts as one failed test for that suite (it did not run, or crashed).
// usage: count-results.mjs [VITEST_JSON] [PLAYWRIGHT_JSON]
import { readFileSync } from 'node:fs';

const [vitestPath = 'test-results/vitest.json', e2ePath = 'test-results/e2e.json'] = process.argv.slice(2);

function read(label, path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    console.error(
      `count-results: ${label}: no readable report at ${path} (${err.code ?? err.message}); counted as 1 failed`,
    );
    return null;
  }
}

/** vitest's json reporter (jest-compatible shape). */
function countVitest(report) {
  if (report === null) return { passed: 0, failed: 1 };
  const passed = Number(report.numPassedTests) || 0;
  let failed = Number(report.numFailedTests) || 0;
  // A file that fails to load has no failed tests but fails the run.
  const failedFiles = (report.testResults ?? []).filter((f) => f.status === 'failed' && !f.assertionResults?.length);
  failed += failedFiles.length;
  if (failed === 0 && report.success === false) failed = 1;
  return { passed, failed };
}

/** Playwright's json reporter: stats.expected / unexpected / flaky / skipped, plus top-level errors. */
function countPlaywright(report) {
  if (report === null) return { passed: 0, failed: 1 };
  const stats = report.stats ?? {};
  const passed = (Number(stats.expected) || 0) + (Number(stats.flaky) || 0);
  let failed = Number(stats.unexpected) || 0;
  // Errors outside any test (webServer failed, a spec file did not load).
  if (failed === 0 && Array.isArray(report.errors) && report.errors.length > 0) failed = 1;
  if (passed + failed === 0) failed = 1; // ran nothing: not a pass
  return { passed, failed };
}

const suites = [
  ['vitest', countVitest(read('vitest', vitestPath))],
  ['playwright', countPlaywright(read('playwright', e2ePath))],
];
for (const [name, c] of suites) console.error(`count-results: ${name}: ${c.passed} passed, ${c.failed} failed`);
const passed = suites.reduce((n, [, c]) => n + c.passed, 0);
const failed = suites.reduce((n, [, c]) => n + c.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
