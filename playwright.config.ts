import { defineConfig, devices } from '@playwright/test';

// Debian's chromium, never a downloaded browser (TOOLCHAIN.md §4): `npx playwright install` cannot reach its CDN.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// E2E_DEV=1 runs against the dev server instead of the production build.
const dev = !!process.env.E2E_DEV;
const baseURL = dev ? 'http://127.0.0.1:5173' : 'http://127.0.0.1:4173';

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/playwright',
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: process.env.CI ? 2 : undefined,
  // list for people; JSON so .ci/run can count (scripts/count-results.mjs).
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    command: dev
      ? 'npx vite --port 5173 --strictPort --host 127.0.0.1'
      : 'npx vite build && npx vite preview --port 4173 --strictPort --host 127.0.0.1',
    url: baseURL,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
